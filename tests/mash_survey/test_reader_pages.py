"""What every reader sees around the content: the phase banner, the notice when demo content
is loaded, one look for the "Illustrative" tag, the home page's way to the report, and the
accessibility statement."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from findings.models import EditionStatus, ReportEdition
from tests.case_studies.factories import CaseStudyFactory
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

NOTICE = "This service holds illustrative content."


def _published_edition(slug: str, *, status: str = EditionStatus.PUBLISHED, day: int = 1) -> None:
    ReportEdition.objects.create(
        slug=slug,
        title="Early findings",
        summary="What the areas visited told the project.",
        status=status,
        published_at=timezone.make_aware(dt.datetime(2013, 7, day, 9)),
    )


def test_every_page_shows_the_services_phase_in_a_govuk_phase_banner(client: Client) -> None:
    for path in ("/", reverse("accessibility"), reverse("case_studies:index")):
        html = client.get(path).content.decode()
        assert '<div class="govuk-phase-banner">' in html
        assert '<strong class="govuk-tag govuk-phase-banner__content__tag">Beta</strong>' in html
        assert "Early findings" not in html.split('class="govuk-phase-banner"')[1].split("</p>")[0]


def test_no_notice_about_illustrative_content_when_there_is_none(client: Client) -> None:
    assert NOTICE not in client.get("/").content.decode()


def test_every_page_says_the_content_is_illustrative_once_demo_records_are_loaded(
    client: Client,
) -> None:
    CaseStudyFactory(is_illustrative=True)  # a draft: not shown anywhere to readers
    for path in ("/", reverse("accessibility"), reverse("areas:region_list")):
        html = client.get(path).content.decode()
        assert NOTICE in html
        assert 'aria-labelledby="illustrative-notice-title"' in html


def test_asking_whether_demo_content_is_loaded_costs_one_query(client: Client) -> None:
    """The statement page reads nothing else: the one query is the notice's."""
    assert count_queries(lambda: client.get(reverse("accessibility"))) == 1
    CaseStudyFactory(is_illustrative=True)
    assert count_queries(lambda: client.get(reverse("accessibility"))) == 1


def test_the_illustrative_tag_has_one_colour_on_every_page_that_shows_it(client: Client) -> None:
    case_study = CaseStudyFactory.create(
        is_illustrative=True,
        status="published",
        published_at=timezone.make_aware(dt.datetime(2013, 5, 1, 9)),
    )
    tag = '<strong class="govuk-tag govuk-tag--purple">Illustrative</strong>'
    for path in (reverse("case_studies:index"), case_study.get_absolute_url()):
        html = client.get(path).content.decode()
        assert tag in html
        assert html.count(">Illustrative</strong>") == html.count(tag)


def test_before_a_report_is_published_the_home_page_leads_to_the_findings_by_theme(
    client: Client,
) -> None:
    _published_edition("early-findings-draft", status=EditionStatus.DRAFT)
    html = client.get("/").content.decode()
    assert "No report has been published yet." in html
    assert f'href="{reverse("findings:index")}"' in html
    assert "early-findings-draft" not in html


def test_once_a_report_is_published_the_home_page_leads_to_its_latest_edition(
    client: Client,
) -> None:
    _published_edition("early-findings", status=EditionStatus.SUPERSEDED, day=1)
    _published_edition("early-findings-2", day=20)
    html = client.get("/").content.decode()
    href = reverse("findings:edition", kwargs={"edition": "early-findings-2"})
    assert (
        f'<a class="govuk-link govuk-!-font-weight-bold" href="{href}">Early findings</a>' in html
    )
    assert "Published 20 July 2013" in html
    assert 'href="/findings/early-findings/"' not in html


def test_the_accessibility_statement_follows_the_public_sector_template(
    client: Client, settings
) -> None:
    settings.CONTACT_EMAIL = "access@example.gov.uk"
    html = client.get(reverse("accessibility")).content.decode()
    headings = [
        "How accessible this service is",
        "Feedback and contact information",
        "Reporting accessibility problems with this service",
        "Enforcement procedure",
        "Compliance status",
        "Non-accessible content",
        "Preparation of this accessibility statement",
    ]
    positions = [html.index(f">{heading}</h") for heading in headings]
    assert positions == sorted(positions)
    assert "partially compliant" in html
    assert "Equality and Human Rights Commission" in html
    assert "Equality Commission for Northern Ireland" in html
    assert "axe-core" in html and "Chromium" in html
    assert 'href="mailto:access@example.gov.uk"' in html
    assert "This statement was prepared on 30 November 2026." in html
    assert "It was last reviewed on 7 December 2026." in html
