"""Pages carry an ETag and answer a repeated request with 304; responses are gzip-compressed
for clients that accept it (streamed ones too, files compressed already not); and a new
gunicorn worker makes a PDF before its first visitor asks for one."""

import gzip
import runpy
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from case_studies.models import CaseStudyStatus
from mash_survey import pdf
from mash_survey.compression import Compress
from tests.case_studies.factories import CaseStudyFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def case_studies_page() -> str:
    CaseStudyFactory(
        title="Sharing information at the front door",
        status=CaseStudyStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    return reverse("case_studies:index")


def test_a_public_page_answers_a_repeated_request_with_its_etag_with_304(
    client: Client, case_studies_page: str
) -> None:
    first = client.get(case_studies_page)

    again = client.get(case_studies_page, headers={"If-None-Match": first["ETag"]})

    assert first.status_code == 200 and first["ETag"]
    assert again.status_code == 304
    assert again.content == b""


def test_a_page_that_changed_since_is_sent_again_in_full(
    client: Client, case_studies_page: str
) -> None:
    first = client.get(case_studies_page)
    CaseStudyFactory(
        title="Health at the table",
        status=CaseStudyStatus.PUBLISHED,
        published_at=timezone.now(),
    )

    again = client.get(case_studies_page, headers={"If-None-Match": first["ETag"]})

    assert again.status_code == 200
    assert "Health at the table" in again.content.decode()
    assert again["ETag"] != first["ETag"]


def test_a_page_is_gzipped_for_a_client_that_accepts_it(
    client: Client, case_studies_page: str
) -> None:
    plain = client.get(case_studies_page)

    compressed = client.get(case_studies_page, headers={"Accept-Encoding": "gzip, deflate, br"})

    assert "Content-Encoding" not in plain  # the test client asks for no encoding
    assert compressed.status_code == 200
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    assert len(compressed.content) < len(plain.content) / 2
    assert gzip.decompress(compressed.content) == plain.content
    assert "Sharing information at the front door" in plain.content.decode()


def test_a_compressed_page_answers_its_etag_with_304(
    client: Client, case_studies_page: str
) -> None:
    first = client.get(case_studies_page, headers={"Accept-Encoding": "gzip"})

    again = client.get(
        case_studies_page, headers={"Accept-Encoding": "gzip", "If-None-Match": first["ETag"]}
    )

    assert first["ETag"].startswith('W/"')  # of the page, not of its gzip bytes
    assert again.status_code == 304


def _gzip_request() -> HttpRequest:
    return RequestFactory().get("/export.csv", headers={"Accept-Encoding": "gzip"})


def test_a_streamed_csv_is_streamed_gzipped_and_reads_back_whole() -> None:
    rows = [f"{n},Area {n},Yes\n".encode() for n in range(5000)]

    def view(request: HttpRequest) -> StreamingHttpResponse:
        return StreamingHttpResponse(iter(rows), content_type="text/csv")

    response: Any = Compress(view)(_gzip_request())

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Encoding"] == "gzip"
    chunks: Any = response.streaming_content  # a sync iterator: the view returned one
    assert gzip.decompress(b"".join(chunks)) == b"".join(rows)


@pytest.mark.parametrize(
    "content_type",
    [
        "application/pdf",
        "application/zip",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "image/png",
    ],
)
def test_a_file_in_a_compressed_format_is_sent_as_it_is(content_type: str) -> None:
    body = b"x" * 5000

    response: Any = Compress(lambda request: HttpResponse(body, content_type=content_type))(
        _gzip_request()
    )

    assert "Content-Encoding" not in response
    assert response.content == body


def _post_worker_init() -> Any:
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))["post_worker_init"]


def test_a_new_gunicorn_worker_makes_a_pdf_before_its_first_request() -> None:
    worker = mock.Mock()
    with mock.patch("mash_survey.pdf.render_pdf", wraps=pdf.render_pdf) as made:
        _post_worker_init()(worker)

    assert made.call_count == 1
    worker.log.exception.assert_not_called()


def test_a_worker_that_cannot_make_a_pdf_still_starts_and_says_so() -> None:
    worker = mock.Mock()
    with mock.patch("mash_survey.pdf.render_pdf", side_effect=OSError("no fonts")):
        _post_worker_init()(worker)

    worker.log.exception.assert_called_once()
