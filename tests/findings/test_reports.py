"""The coding reports on a small hand-built data set whose answers are known: distinct
visits, areas and regions, by source type, region and model, and themes coded together;
their downloads; and a fixed number of queries however much is coded."""

import csv
import io
from dataclasses import dataclass
from functools import partial

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from areas.models import LocalAuthority, Region
from case_studies.models import CaseStudy, CaseStudyModel
from findings import queries, reports, services, sources
from findings.models import Excerpt, Finding, Theme
from tests.factories import LocalAuthorityFactory, RegionFactory
from tests.queries import assert_query_count_flat
from visits.models import ModelSeen, Visit

from .factories import (
    ThemeFactory,
    approved_feedback,
    approved_visit,
    published_section,
    submitted_answer,
)

pytestmark = pytest.mark.django_db

TEXT = "Co-location was the key success factor, with a shared triage scheme."


def _code(
    source: sources.Source, user: User, *themes: Theme, passage: str = "Co-location"
) -> Excerpt:
    return services.excerpt_paste(source=source, passage=passage, themes=themes, user=user)


@dataclass
class Known:
    north: Region
    south: Region
    structure: Theme
    sharing: Theme
    other: Theme
    joint_visit: Visit
    excerpts: dict[str, Excerpt]
    findings: dict[str, Finding]


@pytest.fixture
def known(staff_user: User) -> Known:
    """Regions North (areas a, b) and South (c); the excerpts and their themes:

    e1  a joint visit to a and b (MASH), its notes     Structure, Sharing
    e2  that visit's feedback, the barriers            Structure
    e7  that visit's feedback, the lessons             Sharing
    e3  a case study of b and c (co-located)           Structure
    e4  a survey answer from c                         Structure
    e5  the same answer, another passage               Sharing
    e6  a visit to c (specialist), its notes           Other
    """
    north = RegionFactory.create(name="North")
    south = RegionFactory.create(name="South")
    a, b = LocalAuthorityFactory.create(region=north), LocalAuthorityFactory.create(region=north)
    c = LocalAuthorityFactory.create(region=south)
    structure = ThemeFactory.create(name="Structure", order=1)
    sharing = ThemeFactory.create(name="Sharing", order=2)
    other = ThemeFactory.create(name="Other", order=3)

    joint_visit = approved_visit(authorities=[a, b], model_seen=ModelSeen.MASH, notes=TEXT)
    feedback = approved_feedback(visit=joint_visit, barriers=TEXT, lessons=TEXT)
    section = published_section(body=TEXT, authorities=[b, c])
    CaseStudy.objects.filter(pk=section.case_study_id).update(model=CaseStudyModel.CO_LOCATED)
    section.refresh_from_db()
    answer = submitted_answer(TEXT, authority=c)
    other_visit = approved_visit(authorities=[c], model_seen=ModelSeen.SPECIALIST, notes=TEXT)

    excerpts = {
        "e1": _code(sources.visit_source(joint_visit), staff_user, structure, sharing),
        "e2": _code(sources.feedback_source(feedback, "barriers"), staff_user, structure),
        "e7": _code(sources.feedback_source(feedback, "lessons"), staff_user, sharing),
        "e3": _code(sources.section_source(section), staff_user, structure),
        "e4": _code(sources.answer_source(answer), staff_user, structure),
        "e5": _code(sources.answer_source(answer), staff_user, sharing, passage="shared triage"),
        "e6": _code(sources.visit_source(other_visit), staff_user, other),
    }
    first = services.finding_create(
        user=staff_user, theme=structure, headline="Co-location helps", statement="It does."
    )
    services.finding_cite(
        finding=first,
        user=staff_user,
        excerpts=[excerpts["e1"], excerpts["e3"]],
        questions=[answer.question],
    )
    second = services.finding_create(
        user=staff_user, theme=other, headline="Specialist teams differ", statement="They do."
    )
    services.finding_cite(finding=second, user=staff_user, excerpts=[excerpts["e6"]])
    return Known(
        north,
        south,
        structure,
        sharing,
        other,
        joint_visit,
        excerpts,
        {"first": first, "second": second},
    )


def _rows(report: reports.Report) -> dict[str, list[reports.Cell]]:
    return {row.label: row.cells for row in report.rows}


def _columns(report: reports.Report, *headings: str) -> dict[str, list[reports.Cell]]:
    """Each row's cells under the given headings."""
    table = report.table()
    index = [table[0].index(h) for h in headings]
    return {str(row[0]): [row[i] for i in index] for row in table[1:]}


def test_theme_counts_are_distinct_visits_areas_and_regions(known: Known) -> None:
    report = reports.themes_report(queries.codebook())

    counts = _columns(report, "Excerpts", "Visits", "Areas", "Regions")
    # Structure: one visit (notes and feedback are the same visit; a case study and a survey
    # answer are no visit); areas a, b (the visit), b, c (the case study), c (the answer).
    assert counts["Structure"] == [4, 1, 3, 2]
    assert counts["Sharing"] == [3, 1, 3, 2]
    assert counts["Other"] == [1, 1, 1, 1]


def test_finding_counts_are_over_the_evidence_it_cites(known: Known) -> None:
    report = reports.findings_report(queries.codebook())

    counts = _columns(report, "Excerpts", "Visits", "Areas", "Regions", "Survey questions")
    assert counts["Co-location helps"] == [2, 1, 3, 2, 1]
    assert counts["Specialist teams differ"] == [1, 1, 1, 1, 0]
    assert _columns(report, "Status")["Co-location helps"] == ["Draft"]


def test_themes_by_source_type_count_excerpts_of_each_kind(known: Known) -> None:
    counts = _rows(reports.source_types_report(queries.codebook()))

    # Visit notes, detailed feedback, case study, survey answer, all.
    assert counts["Structure"] == [1, 1, 1, 1, 4]
    assert counts["Sharing"] == [1, 1, 0, 1, 3]
    assert counts["Other"] == [1, 0, 0, 0, 1]


def test_themes_by_region_count_distinct_areas_in_each(known: Known) -> None:
    report = reports.regions_report(queries.codebook())

    counts = _columns(report, "North", "South", "England")
    # The case study covers b (North) and c (South): each area counts in its own region.
    assert counts["Structure"] == [2, 1, 3]
    assert counts["Sharing"] == [2, 1, 3]
    assert counts["Other"] == [0, 1, 1]


def test_themes_by_model_count_distinct_areas_with_each_model(known: Known) -> None:
    report = reports.models_report(queries.codebook())

    counts = _columns(
        report,
        ModelSeen.MASH.label,
        ModelSeen.CO_LOCATED.label,
        ModelSeen.SPECIALIST.label,
        "No model (survey answers)",
        "All",
    )
    assert counts["Structure"] == [2, 2, 0, 1, 3]
    assert counts["Sharing"] == [2, 0, 0, 1, 3]
    assert counts["Other"] == [0, 0, 1, 0, 1]


def test_themes_coded_together_on_an_excerpt_and_on_a_source(known: Known) -> None:
    counts = _rows(reports.co_occurrence_report(queries.codebook()))

    # Same excerpt: e1. Same source: the joint visit's notes (e1) and the answer (e4, e5);
    # the feedback's barriers and lessons are two sources.
    assert counts == {"Structure and Sharing": [1, 2]}


def test_the_reports_page_shows_each_table_to_staff(known: Known, staff_client: Client) -> None:
    response = staff_client.get(reverse("findings:reports"))

    assert response.status_code == 200
    html = response.content.decode()
    for title in ("Evidence by theme", "Themes by region", "Themes coded together"):
        assert title in html
    assert "Structure and Sharing" in html
    assert reverse("findings:report_download", args=["regions", "xlsx"]) in html
    assert reverse("findings:report_theme_excerpts", args=[known.sharing.slug, "csv"]) in html


def test_a_report_downloads_as_csv_and_xlsx_with_the_same_rows(
    known: Known, staff_client: Client
) -> None:
    table = reports.coding_report("regions").table()

    response = staff_client.get(reverse("findings:report_download", args=["regions", "csv"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="coding-regions.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [[str(cell) for cell in row] for row in table]

    response = staff_client.get(reverse("findings:report_download", args=["regions", "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == table


def test_an_unknown_report_or_format_is_not_found(staff_client: Client) -> None:
    assert staff_client.get("/findings/reports/nothing.csv").status_code == 404
    assert staff_client.get("/findings/reports/themes.pdf").status_code == 404


def test_a_themes_excerpts_download_links_each_to_its_source_and_flags_stale_ones(
    known: Known, staff_user: User, staff_client: Client
) -> None:
    Visit.objects.filter(pk=known.joint_visit.pk).update(notes="Rewritten entirely.")

    url = reverse("findings:report_theme_excerpts", args=[known.structure.slug, "csv"])
    rows = list(csv.DictReader(io.StringIO(staff_client.get(url).content.decode("utf-8-sig"))))

    assert [int(r["Excerpt"]) for r in rows] == [
        known.excerpts[e].pk for e in ("e1", "e2", "e3", "e4")
    ]
    notes = rows[0]
    assert notes["Source link"] == f"http://testserver/visits/{known.joint_visit.pk}/"
    assert notes["Stale"] == sources.STALE_LABELS[sources.GONE]
    assert notes["Themes"] == "Structure; Sharing"
    assert notes["Model seen"] == ModelSeen.MASH.label
    case_study = rows[2]
    assert case_study["Regions"] == "North; South"
    section = known.excerpts["e3"].section
    assert section is not None
    assert case_study["Source link"].endswith(section.case_study.get_absolute_url())
    answer = rows[3]
    assert answer["Stale"] == "No"
    assert answer["Model seen"] == ""
    assert "/survey/" in answer["Source link"]


def test_the_reports_take_the_same_queries_however_much_is_coded(
    known: Known, staff_user: User, staff_client: Client
) -> None:
    def grow() -> None:
        region = RegionFactory.create()
        for model in (ModelSeen.VIRTUAL, ModelSeen.OTHER):
            area: LocalAuthority = LocalAuthorityFactory.create(region=region)
            visit = approved_visit(authorities=[area], model_seen=model, notes=TEXT)
            _code(sources.visit_source(visit), staff_user, known.structure, known.other)
            feedback = approved_feedback(visit=visit, barriers=TEXT)
            _code(sources.feedback_source(feedback, "barriers"), staff_user, known.sharing)
            _code(
                sources.answer_source(submitted_answer(TEXT, authority=area)),
                staff_user,
                known.other,
            )

    pages = [
        reverse("findings:reports"),
        *(reverse("findings:report_download", args=[slug, "csv"]) for slug in reports.REPORTS),
        reverse("findings:report_theme_excerpts", args=[known.structure.slug, "xlsx"]),
        reverse("findings:report_theme_excerpts", args=[known.other.slug, "csv"]),
    ]
    for page in pages:
        assert_query_count_flat(partial(staff_client.get, page), grow=grow, message=page)
