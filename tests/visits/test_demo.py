"""The illustrative demo visits: 37 visits over the nine regions in early 2013, 17 with
detailed feedback, a realistic spread, no identifiers, and loaded once only."""

import datetime as dt
import io
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from pytest_django import DjangoDbBlocker

from areas.models import LocalAuthority, Region
from mash_survey import pii
from mash_survey.markdown import markdown_to_text
from surveys import queries as survey_queries
from surveys.demo import DEMO_SLUG
from surveys.models import Answer, Survey, VisitSelection
from surveys.services import stored_value
from surveys.values import answer_breaches
from tests.factories import ReviewerFactory, StaffFactory
from tests.module_data import demo_loaded
from visits.demo import demo_visits_load, plan_visits
from visits.models import (
    AgencyInvolvement,
    DetailedFeedback,
    FeedbackStaffing,
    ModelSeen,
    ReviewStatus,
    Visit,
)
from visits.rules import feedback_record_breaches, visit_record_breaches
from visits.services import record_approve

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded_once(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[str]:
    with demo_loaded(django_db_blocker) as output:
        yield output


@pytest.fixture
def demo(loaded_once: str, db: None) -> list[Visit]:
    return list(Visit.objects.filter(is_illustrative=True).order_by("pk"))


def _visits() -> list[Visit]:
    return list(
        Visit.objects.select_related("region").prefetch_related("local_authorities", "agencies")
    )


def test_there_are_37_illustrative_visits_in_all_nine_regions(demo):
    visits = _visits()

    assert len(demo) == len(visits) == 37
    assert all(v.is_illustrative for v in visits)
    assert {v.region.code for v in visits} == set(Region.objects.values_list("code", flat=True))
    assert len({v.region_id for v in visits}) == 9


def test_the_visits_fall_between_7_january_and_28_march_2013_on_working_days(demo):
    dates = [v.visit_date for v in _visits()]

    assert min(dates) == dt.date(2013, 1, 7)
    assert max(dates) == dt.date(2013, 3, 28)
    assert all(day.weekday() < 5 for day in dates)
    assert len({(d.year, d.month) for d in dates}) == 3


def test_no_region_has_more_than_five_areas_visited_and_each_area_is_in_its_region(demo):
    areas_by_region: dict[int, set[int]] = defaultdict(set)
    for visit in _visits():
        areas = list(visit.local_authorities.all())
        assert areas, f"{visit} has no area"
        assert {a.region_id for a in areas} == {visit.region_id}
        areas_by_region[visit.region_id].update(a.pk for a in areas)

    assert max(len(areas) for areas in areas_by_region.values()) <= 5
    visited = [pk for areas in areas_by_region.values() for pk in areas]
    assert len(visited) == len(set(visited)), "an area was visited twice"


def test_the_models_are_mostly_mash_with_some_of_each_other_kind(demo):
    models = Counter(v.model_seen for v in _visits())

    assert models[ModelSeen.MASH] > sum(models.values()) / 2
    for model in (ModelSeen.CO_LOCATED, ModelSeen.SPECIALIST, ModelSeen.VIRTUAL):
        assert models[model] >= 2, model


def test_each_visit_records_its_agencies_with_social_care_in_the_room(demo):
    for visit in _visits():
        involvement = {a.agency_type: a.involvement for a in visit.agencies.all()}
        assert involvement["childrens_social_care"] == "co_located"
        assert len(involvement) >= 4
        assert "police" in involvement


def test_17_visits_have_detailed_feedback_with_realistic_figures(demo):
    feedback = list(DetailedFeedback.objects.select_related("visit").prefetch_related("staffing"))

    assert len(feedback) == 17
    assert len({f.visit_id for f in feedback}) == 17
    for record in feedback:
        assert record.visit.is_illustrative
        assert record.monthly_contacts is not None and record.monthly_referrals is not None
        assert 200 <= record.monthly_contacts <= 6000
        assert 0 < record.monthly_referrals < record.monthly_contacts
        assert record.red_hours is not None and 1 <= record.red_hours <= 4
        assert record.amber_hours is not None and record.amber_hours <= 24
        assert record.green_hours is not None and record.green_hours <= 72
        assert (record.blue_hours is not None) == record.uses_blue_rating
        assert record.success_factors and record.barriers and record.lessons
        staffing = list(record.staffing.all())
        assert staffing and all(s.staff_fte > 0 for s in staffing)
        assert any(s.co_located for s in staffing)
    assert any(f.uses_blue_rating for f in feedback), "some areas use BRAG"
    assert sum(f.isa_signed is True for f in feedback) > len(feedback) / 2


def test_most_records_are_approved_and_some_show_each_step_of_the_workflow(demo):
    visits = _visits()
    statuses = Counter(v.status for v in visits)
    feedback_statuses = Counter(DetailedFeedback.objects.values_list("status", flat=True))

    assert statuses[ReviewStatus.APPROVED] > len(visits) * 0.7
    for status in (ReviewStatus.DRAFT, ReviewStatus.SUBMITTED, ReviewStatus.RETURNED):
        assert statuses[status] >= 1, status
    assert feedback_statuses[ReviewStatus.APPROVED] > 17 / 2
    assert feedback_statuses[ReviewStatus.RETURNED] >= 1
    for record in [*visits, *DetailedFeedback.objects.all()]:
        assert (record.approved_at is not None) == (record.status == ReviewStatus.APPROVED)
        assert (record.submitted_at is None) == (record.status == ReviewStatus.DRAFT)
        assert bool(record.reviewer_comment) == (record.status == ReviewStatus.RETURNED)
        if record.submitted_at:
            assert record.submitted_at.year == 2013


def test_feedback_is_taken_on_approved_visits(demo):
    statuses = set(DetailedFeedback.objects.values_list("visit__status", flat=True))

    assert statuses == {ReviewStatus.APPROVED}


def test_no_text_in_the_demo_contains_an_identifier(demo):
    checked = 0
    for record in [*Visit.objects.all(), *DetailedFeedback.objects.all()]:
        texts = [text for _, _, text in record.identifier_texts()]
        texts += [record.reviewer_comment, markdown_to_text(getattr(record, "notes", ""))]
        for text in texts:
            assert pii.scan(text) == [], text
            checked += 1
    assert checked > 37


def test_the_notes_run_to_several_paragraphs_and_no_two_read_the_same(demo):
    visits = _visits()
    names = LocalAuthority.objects.values_list("name", flat=True)
    area_names = re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))
    without_names = [area_names.sub("AREA", v.notes) for v in visits]

    assert len(set(without_names)) == len(visits)
    for visit in visits:
        paragraphs = [p for p in visit.notes.split("\n\n") if p.strip()]
        assert len(paragraphs) >= (3 if visit.status == ReviewStatus.DRAFT else 6)
    everything = " ".join(v.notes for v in visits)
    for term in ("front door", "RAG", "BRAG", "police notifications", "early help", "LSCB"):
        assert term.lower() in everything.lower(), term
    assert "information sharing agreement" in everything
    assert not re.search(r"\b1 hours\b", everything)
    assert "co-locat" in everything.lower()


def test_each_record_has_its_first_history_entry(demo):
    assert Visit.history.filter(history_type="+").count() == 37
    assert DetailedFeedback.history.filter(history_type="+").count() == 17
    assert Visit.history.filter(history_change_reason__icontains="illustrative").exists()


def test_loading_twice_creates_nothing_new(demo):
    def counts() -> tuple[int, ...]:
        return (
            Visit.objects.count(),
            DetailedFeedback.objects.count(),
            AgencyInvolvement.objects.count(),
            FeedbackStaffing.objects.count(),
            Visit.history.count(),
            DetailedFeedback.history.count(),
        )

    before = counts()

    assert demo_visits_load() == []
    assert counts() == before


def test_the_plan_is_the_same_every_time(demo):
    first = plan_visits(random.Random(2013), set())
    second = plan_visits(random.Random(2013), set())

    assert [(f.date, [a.pk for a in f.areas], f.model, f.status) for f in first] == [
        (f.date, [a.pk for a in f.areas], f.model, f.status) for f in second
    ]


def test_the_demo_data_command_loads_the_visits_preferring_areas_willing_to_host(loaded_once, db):
    assert "Demo visits: 37 visits, 17 with detailed feedback (illustrative)." in loaded_once
    survey = Survey.objects.get(slug=DEMO_SLUG)
    question = survey.questions.get(code="Q20")
    willing = {
        code
        for code, answer in survey_queries.answers_by_area(survey, question).items()
        if answer == "Yes"
    }
    assert willing
    for region in Region.objects.all():
        visits = Visit.objects.filter(region=region)
        visited = set(
            LocalAuthority.objects.filter(visits__in=visits).values_list("gss_code", flat=True)
        )
        in_region = set(region.authorities.values_list("gss_code", flat=True))
        assert len(visited & willing) >= min(len(in_region & willing), visits.count()), region
    # Nothing the demo loads breaks a rule: its survey answers, feedback and notes.
    assert survey.questions.get(code="Q12").min_value == 0
    answers = (
        Answer.objects.filter(response__survey=survey)
        .select_related("question__survey", "choice")
        .prefetch_related("choices")
    )
    assert [
        (answer.question.code, breach.message)
        for answer in answers
        for breach in answer_breaches(
            answer.question, stored_value(answer, [c.value for c in answer.choices.all()])
        )
    ] == []
    assert [
        (record.pk, breach.message)
        for record in DetailedFeedback.objects.select_related("visit")
        for breach in feedback_record_breaches(record)
    ] == []
    assert [b for v in Visit.objects.all() for b in visit_record_breaches(v)] == []


def test_each_demo_visit_comes_from_a_selection_of_an_area_it_visited(demo):
    visits = Visit.objects.select_related("selection__survey").prefetch_related("local_authorities")
    assert len(visits) == 37
    for visit in visits:
        assert visit.selection is not None
        assert visit.selection.survey.slug == DEMO_SLUG
        assert visit.selection.local_authority in visit.local_authorities.all()
    # Loading again changes nothing.
    call_command("load_demo_data", stdout=io.StringIO())
    assert VisitSelection.objects.count() == len({v.selection_id for v in visits})
    client = Client()
    client.force_login(StaffFactory.create())
    page = client.get(f"/survey/{DEMO_SLUG}/selection/")
    assert page.content.decode().count("Visit on ") == 37


def test_any_reviewer_can_approve_the_demo_records_waiting_for_review(demo):
    """The demo names no author, so a demo reviewer can try the review (two-person rule)."""
    reviewer = ReviewerFactory.create()
    waiting: list[Any] = [  # visits and feedback: each its own record type
        *Visit.objects.filter(status=ReviewStatus.SUBMITTED),
        *DetailedFeedback.objects.filter(status=ReviewStatus.SUBMITTED),
    ]
    assert waiting

    for record in waiting:
        record_approve(record=record, user=reviewer)

    for record in waiting:
        record.refresh_from_db()
        assert (record.status, record.approved_by) == (ReviewStatus.APPROVED, reviewer)
