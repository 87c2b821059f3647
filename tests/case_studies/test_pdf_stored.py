"""A published case study's PDF is made once for each version of what it shows and stored:
a repeated request gets 304, any other the stored bytes without WeasyPrint, and a change to
anything the PDF shows makes a new one. A withdrawn case study's PDFs are deleted."""

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings

from areas.models import LocalAuthority
from case_studies import queries
from case_studies.models import CaseStudy, CaseStudyStatus, KeyFact, Section
from case_studies.services import case_study_withdraw
from mash_survey import pdf
from mash_survey.redaction import redact
from tests.case_studies.factories import CaseStudyFactory, KeyFactFactory, SectionFactory
from tests.factories import LocalAuthorityFactory
from tests.pdfs import page_texts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> Path:
    """Each test stores its PDFs in a folder of its own."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


@pytest.fixture
def renders() -> Iterator[mock.MagicMock]:
    """Counts the PDFs WeasyPrint makes; each is still made for real."""
    with mock.patch("mash_survey.pdf.render_pdf", wraps=pdf.render_pdf) as spy:
        yield spy


def published(**kwargs: Any) -> Any:
    case_study = CaseStudyFactory(
        title="Sharing information at the front door",
        status=CaseStudyStatus.PUBLISHED,
        published_at=timezone.now(),
        local_authorities=[LocalAuthorityFactory(name="Northtown")],
        **kwargs,
    )
    SectionFactory(case_study=case_study, heading="How it works", body="NHS 943 476 5919 rang.")
    KeyFactFactory(case_study=case_study, label="Established", value="October 2011")
    return case_study


def pdf_url(case_study: CaseStudy) -> str:
    return reverse("case_studies:pdf", kwargs={"slug": case_study.slug})


def stored_files(media: Path) -> list[Path]:
    return sorted(path for path in (media / "pdfs").rglob("*.pdf"))


def test_a_repeated_request_with_the_etag_gets_304_without_the_pdf(
    client: Client, renders: mock.MagicMock
) -> None:
    case_study = published()
    first = client.get(pdf_url(case_study))

    again = client.get(pdf_url(case_study), headers={"If-None-Match": first["ETag"]})

    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    assert first["Content-Disposition"] == f'inline; filename="{case_study.slug}.pdf"'
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert renders.call_count == 1


def test_a_stored_pdf_is_served_again_without_weasyprint(
    client: Client, renders: mock.MagicMock, media: Path
) -> None:
    case_study = published()

    first = client.get(pdf_url(case_study))
    second = client.get(pdf_url(case_study))

    assert renders.call_count == 1  # the first request made it; the second read it back
    assert second.status_code == 200
    assert second.content == first.content and second.content.startswith(b"%PDF")
    assert second["ETag"] == first["ETag"]
    assert second["Content-Type"] == "application/pdf"
    assert [path.read_bytes() for path in stored_files(media)] == [first.content]


def test_the_pdf_is_made_again_once_a_passage_is_redacted_and_the_old_one_deleted(
    client: Client,
    reviewer_user: User,
    renders: mock.MagicMock,
    media: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    case_study = published()
    before = client.get(pdf_url(case_study))
    assert "NHS 943 476 5919" in " ".join(page_texts(before.content))

    with django_capture_on_commit_callbacks(execute=True):
        redact(
            case_study,
            "943 476 5919",
            user=reviewer_user,
            reason="An NHS number",
            parts=queries.HISTORY_PARTS,
        )
    assert stored_files(media) == []  # nothing stored keeps the passage
    after = client.get(pdf_url(case_study))

    assert renders.call_count == 2
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert "NHS [redacted] rang." in " ".join(page_texts(after.content))
    assert (
        client.get(pdf_url(case_study), headers={"If-None-Match": before["ETag"]}).status_code
        == 200
    )
    assert [path.read_bytes() for path in stored_files(media)] == [after.content]


def _rename_area(case_study: CaseStudy) -> None:
    LocalAuthority.objects.filter(case_studies=case_study).update(name="Southtown")


def _add_area(case_study: CaseStudy) -> None:
    area: Any = LocalAuthorityFactory()
    case_study.local_authorities.add(area)


CHANGES: dict[str, Callable[[CaseStudy], Any]] = {
    "a section": lambda c: Section.objects.filter(case_study=c).update(body="Rated in an hour."),
    "a key fact": lambda c: KeyFact.objects.filter(case_study=c).update(value="May 2012"),
    "an area's name": _rename_area,
    "the areas": _add_area,
    "the demonstration flag": lambda c: CaseStudy.objects.filter(pk=c.pk).update(
        is_illustrative=True
    ),
    "the summary": lambda c: CaseStudy.objects.filter(pk=c.pk).update(summary="Shorter."),
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_a_change_to_anything_the_pdf_shows_makes_a_new_one(client: Client, change: str) -> None:
    """Whatever the change and however it was made (even straight in the database), the PDF
    is keyed by what goes into it: a new version, never the stored one."""
    case_study = published()
    with mock.patch("mash_survey.pdf.render_pdf", return_value=b"%PDF-1.7\n%%EOF\n") as made:
        before = client.get(pdf_url(case_study))
        CHANGES[change](case_study)
        after = client.get(pdf_url(case_study))

    assert before.status_code == after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert made.call_count == 2


def test_a_newer_pdf_replaces_one_stored_over_an_hour_before_but_not_a_recent_one(
    client: Client, media: Path
) -> None:
    """The key holds the site's address: a site reached at two addresses keeps a PDF for
    each, rather than each request deleting the other's and making its own again."""
    case_study = published()
    with mock.patch("mash_survey.pdf.render_pdf", return_value=b"%PDF-1.7\n%%EOF\n") as made:
        client.get(pdf_url(case_study))
        [older] = stored_files(media)
        two_hours_ago = time.time() - 2 * 3600
        os.utime(older, (two_hours_ago, two_hours_ago))

        client.get(pdf_url(case_study), HTTP_HOST="localhost")
        [at_localhost] = stored_files(media)
        assert at_localhost != older  # the one from two hours before is gone

        client.get(pdf_url(case_study))  # made again at the first address
        client.get(pdf_url(case_study), HTTP_HOST="localhost")
        client.get(pdf_url(case_study))

    assert stored_files(media) == sorted([older, at_localhost])
    assert made.call_count == 3


def test_a_withdrawn_case_studys_stored_pdf_is_deleted_and_never_served(
    client: Client, reviewer_user: User, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    case_study = published()
    stored = client.get(pdf_url(case_study))
    assert stored.status_code == 200 and stored_files(media)

    with mock.patch("mash_survey.pdf.render_pdf") as made:
        with django_capture_on_commit_callbacks(execute=True):
            case_study_withdraw(case_study=case_study, user=reviewer_user, notice="Out of date.")
        response = client.get(pdf_url(case_study))
        conditional = client.get(pdf_url(case_study), headers={"If-None-Match": stored["ETag"]})

    assert response.status_code == 404
    assert conditional.status_code == 404
    assert made.call_count == 0
    assert stored_files(media) == []


def test_a_pdf_is_sent_as_it_is_to_a_client_that_accepts_gzip(client: Client) -> None:
    """A PDF is compressed already: gzip would cost time and save nothing."""
    case_study = published()

    response = client.get(pdf_url(case_study), headers={"Accept-Encoding": "gzip"})

    assert response.status_code == 200
    assert "Content-Encoding" not in response
    assert response.content.startswith(b"%PDF")
