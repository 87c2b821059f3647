"""The returns export, byte for byte: every question kind, text that needs quoting, a
formula, decimals, a draft with one answer and a return with none. Pinned so that how the
export reads and writes its rows can change without changing a single byte of the CSV or
a cell of the XLSX a person downloads."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from surveys.exports import stored_cell
from surveys.models import QuestionKind
from surveys.services import response_save_draft, stored_value_of
from surveys.values import parse_answer

from ..factories import LocalAuthorityFactory, RegionFactory
from .factories import ResponseFactory
from .import_files import HEADER, Setup, import_csv, make_setup

TEXT = 'Shared IT, a "single front door"\nand a café'
FORMULA = "=SUM(A1:A9)"


@pytest.fixture
def returns(db, staff_user) -> Setup:
    """Gateshead and Sunderland submitted from a file, Newcastle a draft with two answers,
    County Durham (another region, first by name) a draft with no answers."""
    setup = make_setup()
    import_csv(
        setup,
        [
            HEADER,
            ["E08000037", "Yes", "MASH", "Health;Police", "1,234.50", "2012-10-01", TEXT],
            ["394", "yes", "co-located team", "Education; Police", "-40", "01/04/2013", FORMULA],
        ],
    )
    q1 = setup.survey.questions.get(code="Q1")
    q4 = setup.survey.questions.get(code="Q4")
    response_save_draft(
        survey=setup.survey,
        local_authority=setup.newcastle,
        values={
            q1: parse_answer(q1, "No", ["Yes", "No"]),
            q4: parse_answer(q4, "0", []),
        },
        user=staff_user,
        seen_version=None,
    )
    durham = LocalAuthorityFactory.create(
        gss_code="E06000047",
        dfe_code="840",
        name="County Durham",
        region=RegionFactory.create(code="E12000009", name="+South West", slug="south-west"),
    )
    ResponseFactory.create(survey=setup.survey, local_authority=durham)
    return setup


def export(client, setup: Setup, fmt: str) -> bytes:
    url = reverse("surveys:export", kwargs={"slug": setup.survey.slug, "fmt": fmt})
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


EXPECTED_CSV = (
    "\ufeff"
    "local_authority,dfe_code,name,region,status,Q1,Q2,Q3,Q4,Q5,Q6\r\n"
    "E06000047,840,County Durham,'+South West,Draft,,,,,,\r\n"
    "E08000037,390,Gateshead,North East,Submitted,Yes,MASH,Police; Health,1234.5,2012-10-01,"
    '"Shared IT, a ""single front door""\nand a café"\r\n'
    "E08000021,391,Newcastle upon Tyne,North East,Draft,No,,,0,,\r\n"
    "E08000024,394,Sunderland,North East,Submitted,Yes,Co-located team,Police; Education,"
    "-40,2013-04-01,'=SUM(A1:A9)\r\n"
).encode()


def test_the_csv_export_is_exactly_these_bytes(staff_client, returns):
    assert export(staff_client, returns, "csv") == EXPECTED_CSV


AREA = ["local_authority", "dfe_code", "name", "region", "status"]
EXPECTED_RETURNS_SHEET = [
    [*AREA, *HEADER[1:]],
    ["E06000047", "840", "County Durham", "'+South West", "Draft", *[None] * 6],
    [
        *["E08000037", "390", "Gateshead", "North East", "Submitted"],
        *["Yes", "MASH", "Police; Health", Decimal("1234.5"), dt.datetime(2012, 10, 1), TEXT],
    ],
    [
        *["E08000021", "391", "Newcastle upon Tyne", "North East", "Draft"],
        *["No", None, None, 0, None, None],
    ],
    [
        *["E08000024", "394", "Sunderland", "North East", "Submitted"],
        *["Yes", "Co-located team", "Police; Education", -40, dt.datetime(2013, 4, 1)],
        "'" + FORMULA,
    ],
]
EXPECTED_QUESTIONS_SHEET = [
    ["Column", "Question", "Kind", "Required", "Allowed values"],
    [
        "local_authority",
        "The local authority area",
        "Area",
        "Required",
        "The area's ONS code (such as E08000037), DfE code (such as 390) or exact name",
    ],
    ["Q1", "Does the area have a MASH?", "Yes or no", "Required", "Yes or No"],
    ["Q2", "Which model?", "One choice", "Required", "One of: MASH | Co-located team | Other"],
    [
        "Q3",
        "Which agencies are co-located?",
        "One or more choices",
        "Required",
        "One or more, separated by ';': Police | Health | Education",
    ],
    [
        "Q4",
        "Contacts a month?",
        "Number",
        "Required",
        "A whole or decimal number, such as 120 or 2.5",
    ],
    [
        "Q5",
        "When did it start?",
        "Date",
        "Optional",
        "A date as YYYY-MM-DD, such as 2012-10-01, between 1 January 1990 and 31 December 2022",
    ],
    ["Q6", "Barriers?", "Free text", "Optional", "Any text, up to 5,000 characters"],
]


def test_the_xlsx_export_has_exactly_these_cells(staff_client, returns):
    workbook = load_workbook(io.BytesIO(export(staff_client, returns, "xlsx")))

    assert workbook.sheetnames == ["Returns", "Questions"]
    returns_sheet, questions_sheet = workbook.worksheets
    assert [list(r) for r in returns_sheet.iter_rows(values_only=True)] == EXPECTED_RETURNS_SHEET
    assert [list(r) for r in questions_sheet.iter_rows(values_only=True)] == (
        EXPECTED_QUESTIONS_SHEET
    )
    # Numbers and dates are typed cells, a date shown as one; every other cell is text.
    types = [[c.data_type for c in row] for row in returns_sheet.iter_rows(min_row=3, max_row=3)]
    assert types == [["s"] * 8 + ["n", "d", "s"]]
    assert returns_sheet["J3"].number_format == "yyyy-mm-dd"
    # Each column is as wide as its longest cell, from 10 to 60 characters.
    widths = {k: d.width for k, d in returns_sheet.column_dimensions.items() if d.width}
    assert widths == {
        "A": 15,
        "B": 10,
        "C": 19,
        "D": 12,
        "E": 10,
        "F": 10,
        "G": 15,
        "H": 17,
        "I": 10,
        "J": 10,
        "K": 43,
    }
    question_widths = [questions_sheet.column_dimensions[c].width for c in "ABCDE"]
    assert question_widths == [15, 30, 19, 10, 60]


STORED = [
    # (choice, number, date, text, ticked): what an answer row can hold
    (None, None, None, "", []),
    ("Yes", None, None, "", []),
    (None, None, None, "", ["Police", "Health"]),
    (None, Decimal("120.00"), None, "", []),
    (None, Decimal("-2.50"), None, "", []),
    (None, None, dt.date(2012, 10, 1), "", []),
    (None, None, None, "=formula, or words", []),
]


@pytest.mark.parametrize("kind", list(QuestionKind))
@pytest.mark.parametrize("stored", STORED)
def test_an_answer_s_cell_from_its_values_is_the_cell_of_its_typed_value(kind, stored):
    """The export writes each answer from its values in one step; the cell must be the one
    the typed value (`stored_value_of`) gives: typed for a number or date question, as a
    person reads it otherwise, "" when there is nothing."""
    choice, number, date, text, ticked = stored
    value = stored_value_of(
        kind=kind, choice=choice, number=number, date=date, text=text, ticked=ticked
    )
    if value.is_empty:
        expected: object = ""
    elif kind == QuestionKind.NUMBER:
        expected = value.number
    elif kind == QuestionKind.DATE:
        expected = value.date
    else:
        expected = value.display()

    assert stored_cell(kind, (choice, number, date, text), ticked) == expected
    assert stored_cell(kind, None, []) == ""
