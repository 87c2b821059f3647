"""The illustrative demo case studies: drawn from the demo visits, several models and regions,
several hundred words each, no identifiers, mostly published, and loaded once only."""

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoDbBlocker

from case_studies.demo import demo_case_studies_load
from case_studies.models import CaseStudy, CaseStudyStatus
from case_studies.services import case_study_publish
from mash_survey import pii
from mash_survey.markdown import markdown_to_text
from tests.factories import ReviewerFactory
from tests.module_data import demo_loaded

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded_once(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[str]:
    with demo_loaded(django_db_blocker) as output:
        yield output


@pytest.fixture
def demo(loaded_once: str, db: None) -> list[CaseStudy]:
    return list(CaseStudy.objects.filter(is_illustrative=True).order_by("pk"))


def _text(case_study: CaseStudy) -> str:
    parts = [case_study.title, case_study.summary]
    parts += [f"{section.heading}\n{section.body}" for section in case_study.sections.all()]
    parts += [f"{fact.label}: {fact.value}" for fact in case_study.key_facts.all()]
    return "\n\n".join(parts)


def test_there_are_six_illustrative_case_studies_from_the_demo_visits(
    demo: list[CaseStudy],
) -> None:
    assert len(demo) == CaseStudy.objects.count() == 6
    for case_study in demo:
        assert case_study.is_illustrative
        assert case_study.visit is not None and case_study.visit.is_illustrative
        assert case_study.model == case_study.visit.model_seen
        assert set(case_study.local_authorities.all()) == set(
            case_study.visit.local_authorities.all()
        )


def test_they_cover_several_models_and_regions(demo: list[CaseStudy]) -> None:
    assert len({case_study.model for case_study in demo}) >= 4
    regions = {area.region_id for case_study in demo for area in case_study.local_authorities.all()}
    assert len(regions) >= 4


def test_most_are_published_one_is_in_review_and_one_is_a_draft(demo: list[CaseStudy]) -> None:
    statuses = [case_study.status for case_study in demo]
    assert statuses.count(CaseStudyStatus.PUBLISHED) == 4
    assert statuses.count(CaseStudyStatus.IN_REVIEW) == 1
    assert statuses.count(CaseStudyStatus.DRAFT) == 1
    for case_study in demo:
        assert (case_study.published_at is not None) == (
            case_study.status == CaseStudyStatus.PUBLISHED
        )


def test_each_runs_to_several_hundred_words_with_key_facts(demo: list[CaseStudy]) -> None:
    for case_study in demo:
        words = len(markdown_to_text(_text(case_study)).split())
        assert words >= 300, f"{case_study.title} has only {words} words"
        assert case_study.sections.count() == 6
        assert case_study.key_facts.count() >= 3


def test_no_demo_case_study_contains_an_identifier(demo: list[CaseStudy]) -> None:
    for case_study in demo:
        assert pii.scan(_text(case_study)) == [], case_study.title


def test_loading_twice_adds_nothing(demo: list[CaseStudy]) -> None:
    again = demo_case_studies_load()

    assert CaseStudy.objects.count() == 6
    assert {case_study.pk for case_study in again} == {case_study.pk for case_study in demo}


def test_the_demo_command_loads_the_case_studies(loaded_once: str, db: None) -> None:
    assert "Demo case studies: 6 (illustrative)." in loaded_once
    assert CaseStudy.objects.filter(is_illustrative=True).count() == 6


def test_the_published_demo_case_studies_are_listed_and_say_they_are_illustrative(
    demo: list[CaseStudy], client: Client
) -> None:
    html = client.get(reverse("case_studies:index")).content.decode()
    for case_study in demo:
        listed = case_study.title in html
        assert listed == (case_study.status == CaseStudyStatus.PUBLISHED), case_study.title
    assert "Illustrative" in html
    published = next(c for c in demo if c.status == CaseStudyStatus.PUBLISHED)
    assert "illustrative case study" in client.get(published.get_absolute_url()).content.decode()


def test_any_reviewer_can_publish_the_demo_case_study_in_review(demo: list[CaseStudy]) -> None:
    """The demo names no author, so a demo reviewer can try the review (two-person rule)."""
    [in_review] = [c for c in demo if c.status == CaseStudyStatus.IN_REVIEW]

    published = case_study_publish(case_study=in_review, user=ReviewerFactory.create())

    assert published.status == CaseStudyStatus.PUBLISHED


def test_their_dates_are_the_projects_in_2013_not_the_day_they_were_loaded(
    demo: list[CaseStudy], client: Client
) -> None:
    for case_study in CaseStudy.objects.filter(is_illustrative=True):
        assert case_study.updated_at.year == 2013
        if case_study.status == CaseStudyStatus.PUBLISHED:
            assert case_study.published_at is not None
            assert dt.date(2013, 3, 1) <= case_study.published_at.date() <= dt.date(2013, 8, 31)
            assert case_study.updated_at >= case_study.published_at
    shown = next(c for c in demo if c.status == CaseStudyStatus.PUBLISHED)
    html = client.get(shown.get_absolute_url()).content.decode()
    assert f'Published <time datetime="{shown.published_at:%Y-%m-%d}">' in html
    assert re.search(r"Last updated <time datetime=\"2013-\d\d-\d\d\">", html)
