"""Dates on the public case study pages: the list shows when each was published and sorts by
it (newest first unless asked), and a case study's page gives its dates and PDF before its
first section."""

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from case_studies.models import CaseStudy, CaseStudyModel, CaseStudyStatus
from tests.case_studies.factories import CaseStudyFactory, SectionFactory
from tests.factories import LocalAuthorityFactory

pytestmark = pytest.mark.django_db

INDEX = reverse("case_studies:index")


def published_on(day: dt.date, **kwargs: Any) -> Any:
    kwargs.setdefault("local_authorities", [LocalAuthorityFactory()])
    return CaseStudyFactory(
        status=CaseStudyStatus.PUBLISHED,
        published_at=timezone.make_aware(dt.datetime.combine(day, dt.time(10))),
        **kwargs,
    )


@pytest.fixture
def three() -> list[CaseStudy]:
    return [
        published_on(dt.date(2013, 4, 2), title="Spring hub"),
        published_on(dt.date(2013, 7, 15), title="Summer hub", model=CaseStudyModel.CO_LOCATED),
        published_on(dt.date(2013, 5, 20), title="May hub"),
    ]


def titles(html: str) -> list[str]:
    return re.findall(
        r'<h2 class="govuk-heading-m"><a class="govuk-link" href="[^"]+">([^<]+)</a>', html
    )


def test_the_list_shows_when_each_case_study_was_published(
    client: Client, three: list[CaseStudy]
) -> None:
    html = client.get(INDEX).content.decode()
    assert '<time datetime="2013-04-02">2 April 2013</time>' in html
    assert '<time datetime="2013-07-15">15 July 2013</time>' in html


def test_the_list_is_newest_first_by_default(client: Client, three: list[CaseStudy]) -> None:
    html = client.get(INDEX).content.decode()
    assert titles(html) == ["Summer hub", "May hub", "Spring hub"]
    assert '<option value="newest" selected>Newest first</option>' in html


def test_the_list_can_be_sorted_oldest_first(client: Client, three: list[CaseStudy]) -> None:
    html = client.get(INDEX, {"sort": "oldest"}).content.decode()
    assert titles(html) == ["Spring hub", "May hub", "Summer hub"]
    assert '<option value="oldest" selected>Oldest first</option>' in html


def test_an_unknown_sort_is_ignored_like_an_unknown_filter(
    client: Client, three: list[CaseStudy]
) -> None:
    response = client.get(INDEX, {"sort": "'; drop table"})
    assert response.status_code == 200
    html = response.content.decode()
    assert titles(html) == ["Summer hub", "May hub", "Spring hub"]
    assert '<option value="newest" selected>Newest first</option>' in html
    assert "drop table" not in html


def test_sorting_keeps_the_filters_and_filtering_keeps_the_sort(
    client: Client, three: list[CaseStudy]
) -> None:
    html = client.get(INDEX, {"sort": "oldest", "model": CaseStudyModel.MASH}).content.decode()
    assert titles(html) == ["Spring hub", "May hub"]
    # The sort form carries the filter, the filter form carries the sort.
    assert f'<input type="hidden" name="model" value="{CaseStudyModel.MASH}">' in html
    assert '<input type="hidden" name="sort" value="oldest">' in html
    assert f'href="{INDEX}?sort=oldest">Clear filters</a>' in html


def test_a_case_study_page_gives_its_dates_and_pdf_before_its_first_section(
    client: Client,
) -> None:
    case_study = published_on(dt.date(2013, 6, 3))
    SectionFactory(case_study=case_study, heading="How the front door works")
    html = client.get(case_study.get_absolute_url()).content.decode()
    pdf = reverse("case_studies:pdf", kwargs={"slug": case_study.slug})
    first_section = html.index(">How the front door works</h2>")
    assert html.index('Published <time datetime="2013-06-03">3 June 2013</time>') < first_section
    assert html.index("Last updated") < first_section
    assert html.index(f'href="{pdf}"') < first_section
    assert html.index(f'href="{pdf}"') < html.index('id="contents-title"')
