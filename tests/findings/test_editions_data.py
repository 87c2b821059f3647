"""A published edition's open data release: a zip of CSV files whose Frictionless data
package validates, the same bytes from the same snapshot, every figure value the one the API
gives for the edition, served with ETag and 304 and never for a draft; and the edition's
schema.org Dataset JSON-LD.

The figures' known data set and an edition published from it (through `freeze`, which
renders its PDF too) are made once for the module: every test here sees them."""

import csv
import datetime as dt
import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import timezone
from frictionless import validate
from pytest_django import DjangoDbBlocker

from areas.models import LocalAuthority
from findings import figures, services
from findings.editions import data, snapshot, store
from findings.models import EditionStatus, Finding, FindingStatus, ReportEdition, Theme
from tests.factories import StaffFactory

from .editions import for_the_module, make_edition, publish
from .factories import approved_visit
from .test_figures import Known, make_known

pytestmark = pytest.mark.django_db


@dataclass
class Release:
    known: Known
    edition: ReportEdition
    finding: Finding


@pytest.fixture(scope="module", autouse=True)
def release(
    django_db_setup: None,
    django_db_blocker: DjangoDbBlocker,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Release]:
    """The figures' known data set in a published edition with one agreed finding, on the
    theme "Sharing", whose statement starts like a spreadsheet formula."""
    folder = tmp_path_factory.mktemp("media")
    with for_the_module(django_db_blocker, folder, DISCLOSURE_MIN_AREAS=2):
        with django_db_blocker.unblock():
            staff = StaffFactory.create()
            known = make_known(staff)
            finding = services.finding_create(
                user=staff,
                theme=Theme.objects.get(name="Sharing"),
                headline="Partners share early",
                statement="=Early.",
            )
            Finding.objects.filter(pk=finding.pk).update(
                status=FindingStatus.AGREED, agreed_at=timezone.now()
            )
            edition = publish(
                make_edition(
                    "early-findings",
                    [finding],
                    title="Early findings <and> more",
                    summary="Sharing & trust.",
                )
            )
        yield Release(known=known, edition=edition, finding=finding)


@pytest.fixture
def known(release: Release) -> Known:
    return release.known


@pytest.fixture
def published(release: Release) -> ReportEdition:
    """The module's published edition, read afresh: a test may change it unsaved."""
    return ReportEdition.objects.get(pk=release.edition.pk)


def _zip(edition: ReportEdition) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(store.read(store.stored(edition, data.ZIP))))


def _csv(archive: zipfile.ZipFile, path: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(archive.read(path).decode("utf-8-sig"))))


def test_the_release_describes_every_file_and_column_and_validates(
    published: ReportEdition, tmp_path: Path
) -> None:
    archive = _zip(published)
    archive.extractall(tmp_path / "release")

    report = validate(str(tmp_path / "release" / "datapackage.json"))

    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = json.loads(archive.read("datapackage.json"))
    keys = sorted(figure.key for figure in figures.figure_list())
    paths = [resource["path"] for resource in package["resources"]]
    assert paths == [
        "figures.csv",
        *(data.figure_path(key) for key in keys),
        "findings.csv",
        "codebook.csv",
        "register.csv",
    ]
    assert "figures/question-q1.csv" in paths
    assert package["licenses"][0]["title"] == "Open Government Licence v3.0"
    assert published.published_at is not None
    assert package["created"] == published.published_at.isoformat()
    assert package["title"] == "Early findings <and> more (early-findings): open data"
    for resource in package["resources"]:
        assert resource["format"] == "csv" and resource["encoding"] == "utf-8"
        for column in resource["schema"]["fields"]:
            assert column["type"] in ("integer", "number", "string")
            assert column["title"] and column["description"], (resource["name"], column)
    # Every file in the zip is in its manifest with its SHA-256.
    manifest = json.loads(archive.read("manifest.json"))
    listed = {item["path"]: item["sha256"] for item in manifest["files"]}
    assert set(listed) == set(archive.namelist()) - {"manifest.json"}
    for path, sha in listed.items():
        assert hashlib.sha256(archive.read(path)).hexdigest() == sha


def test_the_same_snapshot_gives_the_same_bytes(published: ReportEdition) -> None:
    stored = json.loads(store.read(store.stored(published, "snapshot.json")))

    assert data.release(stored) == data.release(json.loads(json.dumps(stored)))
    assert data.release(stored) == store.read(store.stored(published, data.ZIP))
    # Dated when the edition was published (a zip keeps even seconds), not when it is read.
    when = published.published_at
    assert when is not None
    when = when.astimezone(dt.UTC)
    stamp = (when.year, when.month, when.day, when.hour, when.minute, when.second // 2 * 2)
    for info in _zip(published).infolist():
        assert info.date_time == stamp


def test_every_figure_value_in_the_release_is_the_apis_for_the_edition(
    published: ReportEdition, client: Client
) -> None:
    archive = _zip(published)
    index = {row["key"]: row for row in _csv(archive, "figures.csv")}
    assert set(index) == {figure.key for figure in figures.figure_list()}
    compared = 0
    for key, row in index.items():
        api = client.get(f"/api/v1/figures/{key}/", {"edition": published.slug}).json()
        assert row["title"] == api["title"]
        assert _number(row["base"]) == api["base"]
        assert _number(row["headline"]) == api["headline"]
        lines = _csv(archive, row["path"])
        assert [line["label"] for line in lines] == [r["label"] for r in api["rows"]]
        for line, api_row in zip(lines, api["rows"], strict=True):
            values = list(line.values())[2:-1]  # after label and key, before hidden
            assert [_number(v) for v in values] == api_row["values"], (key, line)
            assert (line["hidden"] == "") == (api_row["not_shown"] is None)
            compared += len(values)
    assert compared > 30
    # The known data hide Beta (too few areas) and Gamma (to protect it).
    by_region = {line["label"]: line for line in _csv(archive, index["visits-by-region"]["path"])}
    assert by_region["Alpha"]["approved_visits"] == "3"
    assert (by_region["Beta"]["approved_visits"], by_region["Beta"]["hidden"]) == ("", "few_areas")
    assert by_region["Gamma"]["hidden"] == "protects"
    rate = _csv(archive, index["survey-response-rate"]["path"])[0]
    assert rate["response_rate"] == "83.3"


def test_every_figure_recomputed_through_the_api_equals_the_value_frozen_in_the_edition(
    published: ReportEdition, client: Client
) -> None:
    keys = [figure.key for figure in figures.figure_list()]
    assert len(keys) >= 10
    for key in keys:
        url = f"/api/v1/figures/{key}/"
        current = client.get(url).json()
        frozen = client.get(url, {"edition": published.slug}).json()
        assert {**current, "url": ""} == {**frozen, "url": ""}, key


def test_the_edition_keeps_its_values_when_the_data_change(
    published: ReportEdition, known: Known, client: Client
) -> None:
    url = "/api/v1/figures/visits-by-region/"
    frozen = client.get(url, {"edition": published.slug}).json()
    assert frozen["headline"] == 6

    approved_visit(authorities=[known.areas["a1"]])

    assert client.get(url).json()["headline"] == 7
    assert client.get(url, {"edition": published.slug}).json() == frozen
    assert frozen["url"].endswith(f"{url}?edition={published.slug}")
    listed = client.get("/api/v1/figures/", {"edition": published.slug}).json()["results"]
    assert next(f for f in listed if f["key"] == "visits-by-region") == frozen


def test_findings_and_codebook_are_in_the_release(
    published: ReportEdition, release: Release
) -> None:
    archive = _zip(published)
    theme, finding = release.finding.theme, release.finding

    rows = _csv(archive, "findings.csv")
    assert rows == [
        {
            "theme": theme.slug,
            "theme_name": "Sharing",
            "finding_id": str(finding.pk),
            "headline": "Partners share early",
            "statement": "'=Early.",  # a formula is kept as text
            "excerpt_count": "0",
            "visit_count": "0",
            "area_count": "0",
            "visited_area_count": "0",
            "region_count": "0",
            "quote_count": "0",
        }
    ]
    assert [row["name"] for row in _csv(archive, "codebook.csv")] == ["Sharing"]


def test_the_register_lists_every_authority_with_its_codes(
    published: ReportEdition, known: Known
) -> None:
    rows = _csv(_zip(published), "register.csv")

    codes = sorted(LocalAuthority.objects.values_list("gss_code", flat=True))
    assert [row["ons_code"] for row in rows] == codes and len(codes) == len(known.areas)
    area = known.areas["a1"]
    assert next(row for row in rows if row["name"] == area.name) == {
        "ons_code": area.gss_code,
        "dfe_code": area.dfe_code,
        "name": area.name,
        "type": area.get_type_display(),
        "region": "Alpha",
        "region_code": area.region.code,
    }


def test_the_data_release_is_served_with_etag_and_304(
    published: ReportEdition, release: Release, client: Client
) -> None:
    url = f"/findings/{published.slug}/data.zip"

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="early-findings-data.zip"'
    body = response.content
    assert body == store.read(store.stored(published, data.ZIP))
    assert response["ETag"] == f'"{hashlib.sha256(body).hexdigest()}"'
    again = client.get(url, headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304 and again.content == b""
    manifest = client.get(f"/findings/{published.slug}/manifest.json")
    assert manifest.status_code == 200
    listed = {item["path"] for item in json.loads(manifest.content)["files"]}
    assert listed == {
        "data.zip",
        "edition.pdf",
        "pages/index.html",
        f"pages/themes/{release.finding.theme.slug}.html",
        "snapshot.json",
    }


@pytest.mark.parametrize("status", [EditionStatus.DRAFT, EditionStatus.IN_REVIEW])
def test_a_draft_has_no_data_release_for_anyone(
    status: str, client: Client, staff_client: Client, reviewer_client: Client
) -> None:
    edition = make_edition("next-findings", [], status=status)
    for caller in (client, staff_client, reviewer_client):
        assert caller.get(f"/findings/{edition.slug}/data.zip").status_code == 404
        assert caller.get(f"/findings/{edition.slug}/manifest.json").status_code == 404


def test_the_dataset_json_ld_names_the_release_and_its_sha256(published: ReportEdition) -> None:
    request = RequestFactory().get("/findings/early-findings/")

    text = data.dataset_jsonld(published, request)

    assert "<" not in text and ">" not in text and "&" not in text
    dataset = json.loads(text)
    assert dataset["@type"] == "Dataset"
    assert dataset["name"] == "Early findings <and> more (early-findings)"
    assert dataset["description"].startswith("Sharing & trust.")
    assert dataset["url"] == "http://testserver/findings/early-findings/"
    assert published.published_at is not None
    assert dataset["datePublished"] == dataset["dateModified"] == published.published_at.isoformat()
    assert "open-government-licence" in dataset["license"]
    assert dataset["isAccessibleForFree"] is True
    assert dataset["publisher"]["name"] == dataset["creator"]["name"]
    zipped, pdf = dataset["distribution"]
    assert zipped["encodingFormat"] == "application/zip"
    assert zipped["contentUrl"] == "http://testserver/findings/early-findings/data.zip"
    assert zipped["sha256"] == store.stored(published, data.ZIP).sha256
    assert pdf["contentUrl"] == "http://testserver/findings/early-findings.pdf"
    assert pdf["sha256"] == store.stored(published, "edition.pdf").sha256


def test_the_json_ld_while_freezing_uses_the_files_being_stored() -> None:
    edition = make_edition("next-findings", [])
    edition.published_at = timezone.now()  # as freezing dates it before storing anything
    files = {
        **data.files(snapshot.build(edition)),
        "next-findings.pdf": (b"%PDF-1.7", "application/pdf"),
    }

    dataset = json.loads(data.dataset_jsonld(edition, "https://example.org/", files=files))

    zipped, pdf = dataset["distribution"]
    assert zipped["sha256"] == hashlib.sha256(files["data.zip"][0]).hexdigest()
    assert pdf["sha256"] == hashlib.sha256(b"%PDF-1.7").hexdigest()
    assert pdf["contentUrl"] == "https://example.org/findings/next-findings.pdf"


def test_the_include_puts_the_json_ld_in_a_script_block_that_cannot_be_closed_early(
    published: ReportEdition,
) -> None:
    published.summary = "</script><script>alert(1)</script>"
    jsonld = data.dataset_jsonld(published, RequestFactory().get("/"))

    html = render_to_string("findings/editions/_jsonld.html", {"jsonld": jsonld}).strip()

    assert html.startswith('<script type="application/ld+json">')
    assert html.count("</script>") == 1 and html.endswith("</script>")
    inner = html.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    parsed = json.loads(inner)
    assert parsed["description"].startswith("</script><script>alert(1)</script>")


def _number(cell: str) -> float | None:
    return None if cell == "" else float(cell)


def test_an_illustrative_edition_says_so_in_its_data_and_json_ld() -> None:
    edition = publish(make_edition("illustrative-findings", [], is_illustrative=True))

    package = json.loads(_zip(edition).read("datapackage.json"))
    dataset = json.loads(data.dataset_jsonld(edition, "https://example.org"))

    assert package["description"].startswith("Illustrative data, made up to show")
    assert dataset["description"].startswith("Illustrative data, made up to show")
