"""CSV as Excel and other tools save it: UTF-8 with or without a BOM, and Windows-1252."""

import pytest

from surveys.imports import survey_import_apply, survey_import_check
from surveys.models import QuestionKind
from surveys.spreadsheets import read_sheet

from .factories import add_question
from .import_files import GATESHEAD, HEADER, csv_file, import_csv, make_setup

CURLY = "Children\u2019s social care"  # a right single quotation mark, as Word types it


@pytest.fixture
def setup(db):
    setup = make_setup()
    add_question(
        setup.survey,
        "Q7",
        QuestionKind.MULTIPLE_CHOICE,
        (CURLY, "Police"),
        text="Which services are in the hub?",
    )
    return setup


TEXT = "Caf\u00e9 partnership \u2013 \u201chub\u201d"  # é, an en dash and curly quotes
ROWS = [[*HEADER, "Q7"], [*GATESHEAD[:6], TEXT, f"{CURLY}; Police"]]


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", True), ("utf-8", False), ("cp1252", False)],
    ids=["utf-8 with BOM", "utf-8 without BOM", "windows-1252"],
)
def test_each_encoding_reads_the_same_text(setup, encoding, bom):
    content = csv_file(ROWS, encoding=encoding, bom=bom)
    if encoding == "cp1252":
        assert b"Children\x92s" in content  # really the Windows byte for \u2019

    plan = survey_import_check(survey=setup.survey, file_name="returns.csv", content=content)

    assert plan.problems == []
    values = {q.code: v for q, v in plan.rows[0].values.items()}
    assert values["Q6"].text == TEXT
    assert values["Q7"].choices == (CURLY, "Police")


def test_a_bom_does_not_become_part_of_the_first_column_name(db):
    sheet = read_sheet("r.csv", csv_file([HEADER], bom=True))

    assert sheet.rows[0][0] == "local_authority"


def test_a_windows_1252_file_imports_the_same_as_its_utf_8_copy(setup):
    import_csv(setup, ROWS)  # UTF-8 first

    batch = survey_import_apply(
        survey=setup.survey,
        file_name="excel.csv",
        content=csv_file(ROWS, encoding="cp1252"),
        user=None,
    )

    assert (batch.created_count, batch.updated_count, batch.unchanged_count) == (0, 0, 1)
