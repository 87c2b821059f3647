"""Nothing unpublished leaks through search: for every kind of record in every state that some
audience may not see, searching for a word only that record holds finds nothing for that
audience, counts nothing (the page's "Results by type" and result count, the API's `counts`
and `count`) and shows no snippet of it; the audiences that may see it find it.

Each record holds a nonsense word of its own (its marker) in its title or text. The
records are made once for the module (two editions are published, which renders PDFs); each
test searches one marker as one audience, through the page or the API.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoDbBlocker
from rest_framework.test import APIClient

from case_studies.models import CaseStudyStatus
from case_studies.services import case_study_send_back, case_study_withdraw
from findings import services as findings_services
from findings import sources
from findings.models import EditionStatus, ReportEdition
from mash_survey import search
from mash_survey.audience import Audience
from surveys.models import Answer, QuestionKind, Response, ResponseStatus
from surveys.services import response_reopen
from tests.areas.pages import Element, parse
from tests.case_studies.factories import CaseStudyFactory, SectionFactory
from tests.factories import LocalAuthorityFactory, ReviewerFactory, StaffFactory
from tests.findings.coded import agreed, code, draft
from tests.findings.editions import coded_finding, for_the_module, make_edition, publish
from tests.findings.factories import ThemeFactory
from tests.surveys.factories import SurveyFactory, add_question
from tests.visits.factories import DetailedFeedbackFactory, VisitFactory
from visits.models import ReviewStatus, Visit

pytestmark = pytest.mark.django_db

PUBLIC, PARTNER, STAFF = Audience.PUBLIC, Audience.PARTNER, Audience.STAFF


@dataclass(frozen=True)
class Record:
    """A record made for the module: its marker, and what each audience finds for it (kind
    key → number of results); an audience left out finds nothing."""

    marker: str
    finds: dict[Audience, dict[str, int]]


def marker(name: str) -> str:
    """A word no other record holds, nor any other marker (none is part of another)."""
    return f"zorblatt{name.replace('_', '')}q"


def only(kind: str, *audiences: Audience) -> dict[Audience, dict[str, int]]:
    return {audience: {kind: 1} for audience in audiences}


#: Every record made below, by name: who finds it, and as what.
RECORDS: dict[str, dict[Audience, dict[str, int]]] = {
    # Case studies: published ones for everyone, every other state for project members only.
    "case_study_draft": only("case_study", STAFF),
    "case_study_in_review": only("case_study", STAFF),
    "case_study_sent_back": only("case_study", STAFF),
    "case_study_withdrawn": only("case_study", STAFF),
    "case_study_published": only("case_study", PUBLIC, PARTNER, STAFF),
    # Visits: approved ones for partner keys too, never the public.
    "visit_draft": only("visit", STAFF),
    "visit_submitted": only("visit", STAFF),
    "visit_returned": only("visit", STAFF),
    "visit_approved": only("visit", PARTNER, STAFF),
    # Detailed feedback: approved feedback on an approved visit for partner keys too.
    "feedback_draft": only("feedback", STAFF),
    "feedback_on_unapproved_visit": only("feedback", STAFF),
    "feedback_approved": only("feedback", PARTNER, STAFF),
    # Survey answers: a submitted return's for partner keys too; questions for everyone.
    "answer_draft_return": only("answer", STAFF),
    "answer_reopened_return": only("answer", STAFF),
    "answer_submitted_return": only("answer", PARTNER, STAFF),
    "question": only("question", PUBLIC, PARTNER, STAFF),
    # Findings: agreed ones for everyone.
    "finding_draft": only("finding", STAFF),
    "finding_retired": only("finding", STAFF),
    "finding_agreed": only("finding", PUBLIC, PARTNER, STAFF),
    # Report editions: only the current published one, for everyone (drafts not even for
    # project members: they read them on the staff pages, never as the report).
    "edition_draft": {},
    "edition_in_review": {},
    "edition_superseded": {},
    "edition_published": only("edition", PUBLIC, PARTNER, STAFF),
    # Coded excerpts: never the public; partner keys those that still stand. The standing
    # excerpt's marker is in its source too (an approved visit's notes); the stale one's
    # source no longer holds its quote.
    "excerpt_standing": {
        PARTNER: {"visit": 1, "excerpt": 1},
        STAFF: {"visit": 1, "excerpt": 1},
    },
    "excerpt_stale": only("excerpt", STAFF),
}


def _text(name: str) -> str:
    return f"The arrangement noted here, {marker(name)}, is kept for this test only."


def _case_studies(area: Any, reviewer: User) -> None:
    for name, status in (
        ("case_study_draft", CaseStudyStatus.DRAFT),
        ("case_study_in_review", CaseStudyStatus.IN_REVIEW),
        ("case_study_sent_back", CaseStudyStatus.IN_REVIEW),
        ("case_study_withdrawn", CaseStudyStatus.PUBLISHED),
        ("case_study_published", CaseStudyStatus.PUBLISHED),
    ):
        study = CaseStudyFactory.create(
            title=f"A front door case study {marker(name)}",
            status=status,
            published_at=timezone.now() if status == CaseStudyStatus.PUBLISHED else None,
            local_authorities=[area],
        )
        SectionFactory.create(case_study=study, body=_text(name))
        if name == "case_study_sent_back":
            case_study_send_back(case_study=study, user=reviewer, comment="Name the partners.")
        if name == "case_study_withdrawn":
            case_study_withdraw(case_study=study, user=reviewer, notice="Withdrawn for now.")


def _visit(area: Any, status: str, notes: str = "Notes without a marker.") -> Visit:
    approved = status == ReviewStatus.APPROVED
    return VisitFactory.create(
        region=area.region,
        local_authorities=[area],
        status=status,
        approved_at=timezone.now() if approved else None,
        notes=notes,
    )


def _visits_and_feedback(area: Any) -> None:
    for name, status in (
        ("visit_draft", ReviewStatus.DRAFT),
        ("visit_submitted", ReviewStatus.SUBMITTED),
        ("visit_returned", ReviewStatus.RETURNED),
        ("visit_approved", ReviewStatus.APPROVED),
    ):
        _visit(area, status, notes=_text(name))
    for name, visit_status, status in (
        ("feedback_draft", ReviewStatus.APPROVED, ReviewStatus.DRAFT),
        ("feedback_on_unapproved_visit", ReviewStatus.SUBMITTED, ReviewStatus.APPROVED),
        ("feedback_approved", ReviewStatus.APPROVED, ReviewStatus.APPROVED),
    ):
        DetailedFeedbackFactory.create(
            visit=_visit(area, visit_status),
            status=status,
            approved_at=timezone.now() if status == ReviewStatus.APPROVED else None,
            success_factors=_text(name),
        )


def _survey(area: Any, reviewer: User) -> None:
    survey = SurveyFactory.create()
    add_question(
        survey, "Q1", QuestionKind.FREE_TEXT, required=False, text=f"Describe {marker('question')}"
    )
    asked = add_question(survey, "Q2", QuestionKind.FREE_TEXT, required=False, text="Barriers?")
    for name, status in (
        ("answer_draft_return", ResponseStatus.DRAFT),
        ("answer_reopened_return", ResponseStatus.SUBMITTED),
        ("answer_submitted_return", ResponseStatus.SUBMITTED),
    ):
        submitted = status == ResponseStatus.SUBMITTED
        response = Response.objects.create(
            survey=survey,
            local_authority=LocalAuthorityFactory.create(region=area.region),
            status=status,
            submitted_at=timezone.now() if submitted else None,
        )
        Answer.objects.create(response=response, question=asked, text=_text(name))
        if name == "answer_reopened_return":
            response_reopen(response=response, user=reviewer, reason="The area sent a correction.")


def _findings_and_excerpts(area: Any, staff: User, reviewer: User) -> None:
    theme = ThemeFactory.create()
    standing_source = _visit(area, ReviewStatus.APPROVED, notes=_text("excerpt_standing"))
    standing = code(
        sources.visit_source(standing_source), staff, theme, passage=_text("excerpt_standing")
    )
    stale_source = _visit(area, ReviewStatus.APPROVED, notes=_text("excerpt_stale"))
    code(sources.visit_source(stale_source), staff, theme, passage=_text("excerpt_stale"))
    stale_source.notes = "The notes were rewritten: the passage coded is gone."
    stale_source.save()
    headline = "Partners decide together {}"
    draft(theme, staff, headline=headline.format(marker("finding_draft")))
    agreed(theme, staff, [standing], headline=headline.format(marker("finding_agreed")))
    retired = agreed(theme, staff, [standing], headline=headline.format(marker("finding_retired")))
    findings_services.finding_retire(finding=retired, user=reviewer)


def _editions(staff: User) -> None:
    finding = coded_finding(staff)
    caveats = "Small numbers of areas ({})."
    make_edition("sv-draft", [finding], caveats=caveats.format(marker("edition_draft")))
    make_edition(
        "sv-in-review",
        [finding],
        status=EditionStatus.IN_REVIEW,
        caveats=caveats.format(marker("edition_in_review")),
    )
    first = publish(
        make_edition("sv-first", [finding], caveats=caveats.format(marker("edition_superseded")))
    )
    publish(
        make_edition(
            "sv-first-2",
            [finding],
            amends=first,
            amendment_reason="A region's visits were counted twice.",
            caveats=caveats.format(marker("edition_published")),
        )
    )
    assert ReportEdition.objects.get(pk=first.pk).status == EditionStatus.SUPERSEDED


@pytest.fixture(scope="module", autouse=True)
def records(
    django_db_setup: None,
    django_db_blocker: DjangoDbBlocker,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[None]:
    """Every record of `RECORDS`, made once for the module."""
    with for_the_module(django_db_blocker, tmp_path_factory.mktemp("media")):
        with django_db_blocker.unblock():
            area = LocalAuthorityFactory.create()
            staff, reviewer = StaffFactory.create(), ReviewerFactory.create()
            _case_studies(area, reviewer)
            _visits_and_feedback(area)
            _survey(area, reviewer)
            _findings_and_excerpts(area, staff, reviewer)
            _editions(staff)
        yield


# ----- Searching as each audience, through the page and the API -----------------------------


@dataclass(frozen=True)
class Found:
    total: int
    counts: dict[str, int]  # kind key → results
    shown: str  # what the response shows, less where it repeats the query


LABELS = {kind.label: key for key, kind in search.KINDS.items()}


def _page(client: Client, query: str) -> Found:
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    page = parse(html)
    [count] = _with_id(page, "p", "result-count")
    total = int(count.find("strong").text())
    counts: dict[str, int] = {}
    for by_type in _with_id(page, "ul", "counts-by-type"):  # none when nothing is found
        for item in by_type.find_all("li"):  # "Case study (1)"
            label, number = item.text().rsplit(" (", 1)
            counts[LABELS[label]] = int(number.rstrip(")"))
    return Found(total, counts, _without_echo(html, query))


def _with_id(page: Element, tag: str, id_: str) -> list[Element]:
    return [el for el in page.find_all(tag) if el.attrs.get("id") == id_]


def _without_echo(html: str, query: str) -> str:
    """The page less the places it repeats what was searched for: its title, the search box
    and "N results for <query>" (or "Nothing matches <query>")."""
    html = re.sub(r"<title>.*?</title>", "", html, flags=re.S)
    html = html.replace(f'value="{query}"', "")
    return html.replace(f"<strong>{query}</strong>", "")


def _api(client: Client, query: str) -> Found:
    response = client.get("/api/v1/search/", {"q": query})
    assert response.status_code == 200
    data = response.json()
    assert data["next"] is None and data["previous"] is None  # no page links repeating q
    return Found(data["count"], data["counts"], response.content.decode())


def _staff() -> Client:
    client = Client()
    client.force_login(StaffFactory.create())
    return client


def _partner(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


CHANNELS = {
    "anonymous page": (PUBLIC, lambda key, q: _page(Client(), q)),
    "anonymous API": (PUBLIC, lambda key, q: _api(APIClient(), q)),
    "partner API": (PARTNER, lambda key, q: _api(_partner(key), q)),
    "staff page": (STAFF, lambda key, q: _page(_staff(), q)),
    "staff API": (STAFF, lambda key, q: _api(_staff(), q)),
}


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("name", RECORDS)
def test_a_record_is_found_counted_and_quoted_only_by_those_who_may_see_it(
    name: str, channel: str, partner_key: str
) -> None:
    audience, searching = CHANNELS[channel]
    expected = RECORDS[name].get(audience, {})
    word = marker(name)

    found = searching(partner_key, word)

    assert found.counts == expected
    assert found.total == sum(expected.values())
    if expected:  # the marker is shown: in the result's title or its snippet
        assert word in found.shown
    else:  # nothing of the record is shown anywhere
        assert word not in found.shown.lower()


def test_the_echoed_query_is_all_that_is_taken_out_of_the_page_before_looking_for_leaks() -> None:
    """The check above can fail: a result's title and snippet are still there after the query
    the page repeats is taken out."""
    word = marker("case_study_published")

    found = _page(Client(), word)

    assert found.shown.count(word) >= 2  # the result's title and its snippet
    assert f'value="{word}"' not in found.shown


def test_survey_questions_are_found_by_everyone_answers_never_by_the_public() -> None:
    """The answers' titles name their question: the public finds the question, not them."""
    found = _page(Client(), "Barriers")

    assert found.counts == {"question": 1}
    assert marker("answer_submitted_return") not in found.shown
