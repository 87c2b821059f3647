"""An edition's PDF: rendered from its snapshot through the shared PDF piece, with its title,
language, contents and page numbers, every finding, tags and bookmarks; a published edition's
stored file served as frozen; a draft for project members only."""

import hashlib
import io
import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pypdf
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoDbBlocker

from case_studies.models import CaseStudyStatus
from findings import sources
from findings.editions import pdf, snapshot, store
from findings.editions.snapshot import Snapshot
from findings.models import Clearance, EditionCaseStudy, EditionStatus, ReportEdition
from tests.case_studies.factories import CaseStudyFactory
from tests.factories import LocalAuthorityFactory, RegionFactory, StaffFactory

from .coded import NOTES, agreed, code
from .editions import for_the_module, make_edition, publish
from .factories import ThemeFactory, approved_visit

pytestmark = pytest.mark.django_db

BASE_URL = "https://findings.example.org/"
PUBLISHED = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
HEADLINES = [
    "Co-location speeds up decisions",
    "Shared systems cut repeat referrals",
    "Health partners join triage virtually",
]


def draft_edition(user: User) -> ReportEdition:
    """A draft with two themes, three agreed findings (one with a chart), quotes cleared
    for publication and a published case study."""
    north, south = RegionFactory.create(name="North"), RegionFactory.create(name="South")
    areas = [LocalAuthorityFactory.create(region=region) for region in (north, north, south)]
    visits = [approved_visit(authorities=[area], notes=NOTES) for area in areas]
    first, second = (
        ThemeFactory.create(name="Working together"),
        ThemeFactory.create(name="Information sharing"),
    )
    excerpts = [
        code(sources.visit_source(visit), user, first, second, clearance=Clearance.REGION)
        for visit in visits
    ]
    findings = [
        agreed(
            first,
            user,
            excerpts,
            headline=HEADLINES[0],
            statement="Areas that **sit together** decide faster.\n\n"
            "{{ figure visits-by-region }}\n",
        ),
        agreed(second, user, excerpts[:2], headline=HEADLINES[1]),
        agreed(second, user, excerpts[2:], headline=HEADLINES[2]),
    ]
    edition = make_edition(
        "early-findings",
        findings,
        title="Early findings",
        summary="What the areas visited told us about multi-agency safeguarding hubs.",
        introduction="This report gives the early findings from {{ number visits-by-region }} "
        "visits.",
        method="We visited areas and coded what they said.",
        caveats="These are the views of the areas visited.",
    )
    study = CaseStudyFactory.create(
        title="The hub that shares early",
        status=CaseStudyStatus.PUBLISHED,
        published_at=PUBLISHED,
        local_authorities=[areas[0]],
    )
    EditionCaseStudy.objects.create(edition=edition, case_study=study)
    return edition


@dataclass
class Report:
    edition: ReportEdition
    media: Path


@pytest.fixture(scope="module", autouse=True)
def report(
    django_db_setup: None,
    django_db_blocker: DjangoDbBlocker,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Report]:
    """The draft edition (`draft_edition`), made once for the module, and the folder where
    publishing stores its files. Figures from any number of areas are shown (unless a test
    says otherwise)."""
    media = tmp_path_factory.mktemp("media")
    with for_the_module(django_db_blocker, media, DISCLOSURE_MIN_AREAS=1):
        with django_db_blocker.unblock():
            edition = draft_edition(StaffFactory.create())
        yield Report(edition=edition, media=media)


@pytest.fixture
def edition(report: Report) -> ReportEdition:
    """The module's draft edition, read afresh."""
    return ReportEdition.objects.get(pk=report.edition.pk)


@pytest.fixture(scope="module")
def draft_pdf(report: Report, django_db_blocker: DjangoDbBlocker) -> tuple[Snapshot, bytes]:
    """The draft's snapshot and its PDF, rendered once for the tests that only read it."""
    with django_db_blocker.unblock():
        data = snapshot.build(report.edition)
    return data, pdf.render(data, base_url=BASE_URL)


def pdftotext(content: bytes, *, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(  # noqa: S603
        ["/usr/bin/pdftotext", "-layout", *pages, "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    ).stdout.decode()


def words(text: str) -> str:
    return " ".join(text.split())


def reader(content: bytes) -> Any:
    return pypdf.PdfReader(io.BytesIO(content))


def bookmarks(outline: list[Any]) -> list[str]:
    """The titles in the PDF's outline, nested ones after their parent."""
    return [
        title
        for item in outline
        for title in (bookmarks(item) if isinstance(item, list) else [item.title])
    ]


def test_the_pdf_has_its_title_language_tags_bookmarks_and_every_finding(
    draft_pdf: tuple[Snapshot, bytes],
) -> None:
    data, content = draft_pdf
    document = reader(content)
    catalog = document.trailer["/Root"]
    text = words(pdftotext(content))

    assert document.metadata.title == "Early findings"
    assert document.metadata.subject == data["edition"]["summary"]
    assert catalog["/Lang"] == "en-GB"
    assert "/StructTreeRoot" in catalog and bool(catalog["/MarkInfo"]["/Marked"])
    titles = bookmarks(document.outline)
    assert titles[:3] == ["Early findings", "Contents", "Introduction"]
    assert {HEADLINES[0], "Information sharing", "Annex: the evidence base"} <= set(titles)
    for headline in HEADLINES:
        assert headline in text
    assert "Draft, not published" in words(pdftotext(content, page=1))
    assert "They have not been externally evaluated or validated." in text
    assert "Cited by 3 of 3 areas visited, in 2 regions" in text
    assert "“Co-location was the key success factor”" in text
    assert "The hub that shares early" in text
    assert "Page 2 of" in text


def test_the_contents_give_the_page_each_part_starts_on(
    draft_pdf: tuple[Snapshot, bytes],
) -> None:
    content = draft_pdf[1]
    contents = pdftotext(content, page=2)

    assert "Contents" in contents
    parts = ["Introduction", "Working together", "Information sharing", "Case studies"]
    for part in [*parts, "Method and caveats", "Annex: the evidence base"]:
        match = re.search(re.escape(part) + r"[ .]*?(\d+)\s*$", contents, re.MULTILINE)
        assert match, f"{part} has no page number in the contents: {contents}"
        page = words(pdftotext(content, page=int(match.group(1))))
        heading = page.split("Early findings ", 1)[1]  # after the running header
        assert heading.startswith(part), f"page {match.group(1)} does not start with {part}"


def test_each_figure_is_a_vector_chart_with_its_table(draft_pdf: tuple[Snapshot, bytes]) -> None:
    content = draft_pdf[1]
    text = words(pdftotext(content))

    assert "Bar chart: Visits by region" not in text  # the chart's title is for screen readers
    assert b"/Subtype /Image" not in content  # drawn as vector paths, not pictures
    assert re.search(r"North\s+2\s+2", pdftotext(content))  # its table
    assert re.search(r"South\s+1\s+1", pdftotext(content))


def test_the_annex_gives_the_evidence_base_and_the_codebook(
    edition: ReportEdition, settings: Any
) -> None:
    settings.DISCLOSURE_MIN_AREAS = 2
    data = snapshot.build(edition)
    annex = words(pdftotext(pdf.render(data, base_url=BASE_URL)).split("Annex: the evidence")[-1])

    all_visits = next(
        row
        for row in data["evidence_base"]
        if row["region"] == "All regions" and row["source_type"] == "visit"
    )
    assert (all_visits["excerpts"], all_visits["areas"]) == (3, 3)
    # One area in the South: below the disclosure threshold, so not shown.
    south = [row for row in data["evidence_base"] if row["region"] == "South"]
    assert all(row["excerpts"] is None for row in south if row["source_type"] in ("visit", "all"))
    assert "Fewer than" in annex or "Not shown" in annex
    assert "Working together" in annex and "Information sharing" in annex


def test_the_same_snapshot_renders_to_the_same_bytes(edition: ReportEdition) -> None:
    data = snapshot.build(edition)
    data["edition"]["published_at"] = PUBLISHED.isoformat()

    first, second = (pdf.render(data, base_url=BASE_URL) for _ in range(2))

    assert first == second
    assert reader(first).metadata.creation_date == PUBLISHED
    assert "Published 2 March 2026" in words(pdftotext(first, page=1))


def test_an_illustrative_edition_says_so_on_its_cover(edition: ReportEdition) -> None:
    ReportEdition.objects.filter(pk=edition.pk).update(is_illustrative=True)
    edition.refresh_from_db()
    content = pdf.render(snapshot.build(edition), base_url=BASE_URL)

    assert "Illustrative: this is demonstration content" in words(pdftotext(content, page=1))


def test_a_draft_pdf_is_for_project_members_only_and_never_cached(
    client: Client, staff_client: Client, edition: ReportEdition
) -> None:
    url = reverse("findings:edition_pdf", kwargs={"edition": edition.slug})

    assert client.get(url).status_code == 404
    response = staff_client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="early-findings-draft.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert "ETag" not in response
    assert reader(response.content).metadata.title == "Early findings"


def test_a_draft_whose_figure_cannot_be_drawn_says_what_to_fix(
    staff_client: Client, edition: ReportEdition
) -> None:
    ReportEdition.objects.filter(pk=edition.pk).update(method="{{ figure no-such-figure }}")

    response = staff_client.get(reverse("findings:edition_pdf", args=[edition.slug]))

    assert response.status_code == 409
    assert "no-such-figure" in response.content.decode()


def test_a_published_edition_serves_its_stored_pdf_as_frozen(
    client: Client, edition: ReportEdition, report: Report
) -> None:
    edition = publish(edition)
    url = reverse("findings:edition_pdf", kwargs={"edition": edition.slug})

    response = client.get(url)

    stored = store.stored(edition, "edition.pdf")
    manifest = json.loads(store.read(store.stored(edition, store.MANIFEST)))
    listed = next(item for item in manifest["files"] if item["path"] == "edition.pdf")
    assert (report.media / "editions" / "early-findings" / "edition.pdf").exists()
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="early-findings.pdf"'
    assert hashlib.sha256(response.content).hexdigest() == stored.sha256 == listed["sha256"]
    assert response["ETag"].strip('"') == stored.sha256
    again = client.get(url, headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304
    assert not again.content


def test_an_edition_in_review_is_hidden_and_once_superseded_still_served(
    client: Client, staff_client: Client, edition: ReportEdition
) -> None:
    ReportEdition.objects.filter(pk=edition.pk).update(status=EditionStatus.IN_REVIEW)
    url = reverse("findings:edition_pdf", args=["early-findings"])

    assert client.get(url).status_code == 404
    assert staff_client.get(url).status_code == 200
    assert client.get(reverse("findings:edition_pdf", args=["no-such"])).status_code == 404

    edition.refresh_from_db()
    publish(edition)
    publish(
        make_edition(
            "early-findings-2", [], amends=edition, amendment_reason="A count was corrected."
        )
    )
    edition.refresh_from_db()
    response = client.get(url)

    assert edition.status == EditionStatus.SUPERSEDED
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="early-findings.pdf"'
    assert (
        hashlib.sha256(response.content).hexdigest() == store.stored(edition, "edition.pdf").sha256
    )


def test_a_signed_in_user_outside_the_project_gets_no_draft(edition: ReportEdition) -> None:
    outsider = Client()
    outsider.force_login(User.objects.create_user("outsider"))

    response = outsider.get(reverse("findings:edition_pdf", args=[edition.slug]))

    assert response.status_code == 404
