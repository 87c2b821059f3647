"""The report's editions in the API: published and superseded editions for everyone, with
their dates, corrections and reasons, links and the SHA-256 of every stored file; drafts
only for signed-in project members, never for anonymous callers or partner keys; and the
figures of an edition that is not published are a 404 with a clear message.

The editions are made once for the module (publishing renders a PDF): every test here sees
them."""

import datetime as dt
import hashlib
from collections.abc import Iterator

import pytest
from django.test import Client
from pytest_django import DjangoDbBlocker
from rest_framework.test import APIClient

from findings.editions import store
from findings.models import EditionStatus, ReportEdition
from tests.queries import assert_query_count_flat

from .editions import for_the_module, make_edition, publish

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/reports/"


@pytest.fixture(scope="module", autouse=True)
def module_editions(
    django_db_setup: None,
    django_db_blocker: DjangoDbBlocker,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, ReportEdition]]:
    """The first edition (superseded by its correction, published after it), the correction,
    a draft and an edition in review."""
    with for_the_module(django_db_blocker, tmp_path_factory.mktemp("media")):
        with django_db_blocker.unblock():
            first = publish(make_edition("early-findings", []))
            correction = publish(
                make_edition(
                    "early-findings-2",
                    [],
                    amends=first,
                    amendment_reason="A region's visits were counted twice.",
                )
            )
            made = {
                "first": first,
                "correction": correction,
                "draft": make_edition("next-findings", []),
                "in_review": make_edition("review-findings", [], status=EditionStatus.IN_REVIEW),
            }
        yield made


@pytest.fixture
def editions(module_editions: dict[str, ReportEdition]) -> dict[str, ReportEdition]:
    """The module's editions, read afresh."""
    return {
        name: ReportEdition.objects.get(pk=edition.pk) for name, edition in module_editions.items()
    }


def _when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _slugs(client: Client, url: str = REPORTS) -> list[str]:
    return [item["slug"] for item in client.get(url).json()["results"]]


def test_everyone_sees_the_published_editions_with_their_files_sha256(
    editions: dict[str, ReportEdition], api_client: APIClient
) -> None:
    listed = api_client.get(REPORTS).json()["results"]

    assert [item["slug"] for item in listed] == ["early-findings-2", "early-findings"]
    correction = listed[0]
    assert correction["status"] == "published"
    assert correction["page_url"] == "http://testserver/findings/early-findings-2/"
    assert correction["pdf_url"] == "http://testserver/findings/early-findings-2.pdf"
    assert correction["data_url"] == "http://testserver/findings/early-findings-2/data.zip"
    assert correction["manifest_url"] == (
        "http://testserver/findings/early-findings-2/manifest.json"
    )
    edition = editions["correction"]
    for file in correction["files"]:
        content = store.read(store.stored(edition, file["path"]))
        assert file["sha256"] == hashlib.sha256(content).hexdigest(), file["path"]
        assert file["size"] == len(content)
    assert {f["path"] for f in correction["files"]} == {
        "data.zip",
        "edition.pdf",
        "manifest.json",
        "pages/index.html",
        "snapshot.json",
    }
    assert (
        correction["data_sha256"]
        == hashlib.sha256(store.read(store.stored(edition, "data.zip"))).hexdigest()
    )
    assert correction["manifest_sha256"] == store.stored(edition, "manifest.json").sha256
    # The data release and manifest the links name answer with the same bytes.
    zipped = Client().get("/findings/early-findings-2/data.zip")
    assert hashlib.sha256(zipped.content).hexdigest() == correction["data_sha256"]


def test_an_edition_lists_its_line_of_corrections_with_dates_and_reasons(
    editions: dict[str, ReportEdition], api_client: APIClient
) -> None:
    first = api_client.get(f"{REPORTS}early-findings/").json()
    correction = api_client.get(f"{REPORTS}early-findings-2/").json()

    assert first["status"] == "superseded"
    assert first["superseded_by"] == "early-findings-2" and first["amends"] is None
    assert correction["amends"] == "early-findings"
    assert correction["amendment_reason"] == "A region's visits were counted twice."
    assert correction["superseded_by"] is None
    assert first["amendments"] == correction["amendments"]
    [amendment] = correction["amendments"]
    assert amendment == {
        "slug": "early-findings-2",
        "published_at": amendment["published_at"],
        "reason": "A region's visits were counted twice.",
        "amends": "early-findings",
    }
    published = editions["correction"].published_at
    assert _when(amendment["published_at"]) == _when(correction["published_at"]) == published
    assert first["first_published_at"] == correction["first_published_at"]
    assert _when(correction["first_published_at"]) == editions["first"].published_at
    assert _when(first["published_at"]) == editions["first"].published_at
    assert editions["first"].published_at < published


def test_drafts_never_reach_anonymous_callers_or_partner_keys(
    editions: dict[str, ReportEdition], api_client: APIClient, partner_client: APIClient
) -> None:
    for caller in (api_client, partner_client):
        assert _slugs(caller) == ["early-findings-2", "early-findings"]
        for slug in ("next-findings", "review-findings"):
            assert caller.get(f"{REPORTS}{slug}/").status_code == 404
            figures = caller.get("/api/v1/figures/", {"edition": slug})
            assert figures.status_code == 404
            assert "There is no published edition" in figures.json()["detail"]


def test_project_members_see_drafts_with_their_status_and_no_links(
    editions: dict[str, ReportEdition], staff_client: Client
) -> None:
    listed = {item["slug"]: item for item in staff_client.get(REPORTS).json()["results"]}

    assert set(listed) == {"early-findings-2", "early-findings", "next-findings", "review-findings"}
    waiting = listed["review-findings"]
    assert waiting["status"] == "in_review"
    for name in ("page_url", "pdf_url", "data_url", "manifest_url", "data_sha256"):
        assert waiting[name] is None, name
    assert waiting["files"] == [] and waiting["amendments"] == []
    assert staff_client.get(f"{REPORTS}next-findings/").json()["status"] == "draft"
    # Even a member gets no frozen figures from a draft: it has none.
    assert staff_client.get("/api/v1/figures/", {"edition": "next-findings"}).status_code == 404


def test_an_unknown_edition_or_figure_is_a_404_saying_what_to_fix(
    editions: dict[str, ReportEdition], api_client: APIClient
) -> None:
    missing = api_client.get("/api/v1/figures/visits-by-region/", {"edition": "no-such"})
    assert missing.status_code == 404
    assert "Use the slug of a published edition" in missing.json()["detail"]
    unknown = api_client.get("/api/v1/figures/no-such-figure/", {"edition": "early-findings"})
    assert unknown.status_code == 404
    assert "has no figure called “no-such-figure”" in unknown.json()["detail"]
    assert api_client.get(f"{REPORTS}no-such/").status_code == 404


def test_a_figure_that_failed_when_published_says_so(
    editions: dict[str, ReportEdition], api_client: APIClient
) -> None:
    # There is no survey in these tests, so the survey figures could not be computed.
    response = api_client.get(
        "/api/v1/figures/survey-response-rate/", {"edition": "early-findings"}
    )

    assert response.status_code == 404
    assert (
        "could not be computed when the edition early-findings was published"
        in (response.json()["detail"])
    )


def test_the_list_takes_the_same_queries_however_many_editions(
    editions: dict[str, ReportEdition], staff_client: Client
) -> None:
    def grow() -> None:
        for n in range(3):
            publish(make_edition(f"more-{n}", []))
        make_edition("another-draft", [])

    assert_query_count_flat(lambda: staff_client.get(REPORTS), grow=grow)


def test_the_schema_describes_the_reports_and_the_edition_parameter(client: Client) -> None:
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()

    components = schema["components"]["schemas"]
    for component in ("ReportEdition", "Amendment", "StoredFile"):
        undocumented = [
            name
            for name, field in components[component]["properties"].items()
            if not field.get("description")
        ]
        assert undocumented == [], component
    assert components["EditionStatusEnum"]["enum"] == list(EditionStatus.values)
    for path in ("/api/v1/figures/", "/api/v1/figures/{key}/"):
        names = [p["name"] for p in schema["paths"][path]["get"]["parameters"]]
        assert "edition" in names, path
