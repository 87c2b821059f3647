"""One published case study as a PDF: titled, A4, and for published case studies only."""

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from case_studies.models import CaseStudyStatus
from tests.case_studies.factories import CaseStudyFactory, SectionFactory
from tests.factories import LocalAuthorityFactory
from tests.pdfs import first_page_text, page_texts, with_streams_inflated

pytestmark = pytest.mark.django_db


def pdf_url(case_study: Any) -> str:
    return reverse("case_studies:pdf", kwargs={"slug": case_study.slug})


def pdf_title(pdf: bytes) -> str:
    """The /Title entry of the PDF's document information, as text."""
    match = re.search(rb"/Title\s*(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f]+>)", with_streams_inflated(pdf))
    assert match, "the PDF has no document title"
    raw = match.group(1)
    if raw.startswith(b"<"):
        data = bytes.fromhex(raw[1:-1].decode())
        return data.decode("utf-16") if data.startswith(b"\xfe\xff") else data.decode("latin-1")
    text = re.sub(rb"\\(.)", rb"\1", raw[1:-1])
    return text.decode("utf-16") if text.startswith(b"\xfe\xff") else text.decode("latin-1")


def test_a_published_case_study_downloads_as_a_pdf_titled_with_its_title(client: Client) -> None:
    case_study = CaseStudyFactory(
        title="Sharing information at the front door",
        status=CaseStudyStatus.PUBLISHED,
        published_at=timezone.now(),
        local_authorities=[LocalAuthorityFactory()],
    )
    SectionFactory(case_study=case_study, heading="How it works")

    response = client.get(pdf_url(case_study))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{case_study.slug}.pdf"'
    assert response.content.startswith(b"%PDF")
    assert pdf_title(response.content) == "Sharing information at the front door"


@pytest.mark.parametrize(
    "status", [CaseStudyStatus.DRAFT, CaseStudyStatus.IN_REVIEW, CaseStudyStatus.WITHDRAWN]
)
def test_there_is_no_pdf_of_a_case_study_that_is_not_published_even_for_members(
    client: Client, staff_client: Client, status: str
) -> None:
    case_study = CaseStudyFactory(
        status=status,
        published_at=timezone.now() if status == CaseStudyStatus.WITHDRAWN else None,
    )

    assert staff_client.get(pdf_url(case_study)).status_code == 404
    assert client.get(pdf_url(case_study)).status_code == 404  # `client` is not signed in


CAVEAT = (
    "This document gives the views of the areas visited. "
    "They have not been externally evaluated or validated."
)
ILLUSTRATIVE = (
    "Illustrative: this is demonstration content, made up to show how the service works. "
    "It is not the project's data."
)


def _published_pdf(client: Client, *, is_illustrative: bool) -> bytes:
    case_study = CaseStudyFactory(
        title="Sharing information at the front door",
        status=CaseStudyStatus.PUBLISHED,
        published_at=timezone.now(),
        is_illustrative=is_illustrative,
        local_authorities=[LocalAuthorityFactory()],
    )
    for n in range(6):
        SectionFactory(case_study=case_study, heading=f"Part {n}", body="The front door. " * 150)
    response = client.get(pdf_url(case_study))
    assert response.status_code == 200
    assert len(page_texts(response.content)) > 1
    return response.content


def test_the_first_page_says_the_case_study_is_the_areas_views_not_validated(
    client: Client,
) -> None:
    first_page = first_page_text(_published_pdf(client, is_illustrative=False))

    assert "Case study Sharing information at the front door " + CAVEAT in first_page
    assert "Illustrative" not in first_page


def test_the_first_page_of_a_demonstration_case_study_says_it_is_illustrative(
    client: Client,
) -> None:
    first_page = first_page_text(_published_pdf(client, is_illustrative=True))

    assert "Sharing information at the front door " + ILLUSTRATIVE + " " + CAVEAT in first_page
