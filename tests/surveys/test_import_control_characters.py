"""A NUL byte or another control character (not tab, carriage return or line feed) anywhere
in an uploaded file is refused at the check, by row and column where the file has them: not
only in its first 8 KB, and never left for the confirmation to fail on (PostgreSQL cannot
store a NUL)."""

import pytest
from django.core.files.storage import default_storage

from surveys.imports import ImportRefusedError, survey_import_apply, survey_import_check
from surveys.spreadsheets import UnreadableFileError

from ..areas.pages import parse
from .import_files import (
    GATESHEAD,
    HEADER,
    NEWCASTLE,
    SUNDERLAND,
    csv_file,
    field_error,
    make_setup,
    problems_table,
    raw_xlsx,
    row_counts,
    upload,
    xml_row,
)


def control(cell: str) -> str:
    return (
        f"cell {cell} holds a control character (such as a NUL byte); delete it: a cell can "
        "hold text, tabs and line breaks"
    )


#: A note row long enough to put what follows it past the file's first 8 KB.
NOTE = ["# " + "Notes on the returns. " * 400]
LATE_NUL = csv_file([HEADER, GATESHEAD, NOTE, [*NEWCASTLE[:6], "Shared\x00IT"]])


def test_a_nul_after_the_first_8_kb_of_a_csv_is_refused_at_the_check_by_row_and_column(db):
    setup = make_setup()
    assert LATE_NUL.index(b"\x00") > 8192

    plan = survey_import_check(survey=setup.survey, file_name="r.csv", content=LATE_NUL)

    assert [(p.row, p.column, p.message) for p in plan.problems] == [(4, "Q6", control("G4"))]
    assert plan.rows == []


def test_the_upload_page_lists_it_and_keeps_no_upload_to_confirm(staff_client):
    setup = make_setup()
    before = row_counts()

    response = upload(staff_client, setup.survey, "returns.csv", LATE_NUL)

    assert field_error(response).startswith("Error: The selected file has 1 problem")
    assert problems_table(response) == [["4", "Q6", "C" + control("G4")[1:]]]
    assert parse(response.content).find("h1").text() == "Import returns"  # no preview
    _, stored = default_storage.listdir("imports")
    assert not [name for name in stored if not name.startswith("problems-")]
    assert row_counts() == before


def test_importing_it_anyway_writes_nothing(db, staff_user):
    setup = make_setup()
    before = row_counts()

    with pytest.raises(ImportRefusedError):
        survey_import_apply(
            survey=setup.survey, file_name="r.csv", content=LATE_NUL, user=staff_user
        )

    assert row_counts() == before


def test_every_control_character_is_listed_and_tabs_and_line_breaks_are_text(db):
    setup = make_setup()
    rows = [
        HEADER,
        [*GATESHEAD[:6], "Escape\x1b[31m red"],
        [NEWCASTLE[0], "No\x7f", *NEWCASTLE[2:6], "Line one\r\nLine two\tand a tab"],
        [*SUNDERLAND[:3], "Police\x08", *SUNDERLAND[4:]],
    ]

    plan = survey_import_check(survey=setup.survey, file_name="r.csv", content=csv_file(rows))

    assert [(p.row, p.column, p.message) for p in plan.problems] == [
        (2, "Q6", control("G2")),
        (3, "Q1", control("B3")),
        (4, "Q3", control("D4")),
    ]
    fixed = [HEADER, GATESHEAD, [*NEWCASTLE[:6], "Line one\r\nLine two\tand a tab"]]
    plan = survey_import_check(survey=setup.survey, file_name="r.csv", content=csv_file(fixed))
    assert plan.problems == []
    answers = {q.code: v for q, v in plan.rows[1].values.items()}
    assert answers["Q6"].text == "Line one\r\nLine two\tand a tab"


def test_a_control_character_in_a_workbook_cell_is_listed_by_its_cell(db):
    """Excel writes a character XML cannot hold as _xHHHH_: it is read as that character."""
    setup = make_setup()
    shared = '<row r="3"><c r="A3" t="s"><v>0</v></c><c r="G3" t="s"><v>1</v></c></row>'
    content = raw_xlsx(
        [
            xml_row(1, HEADER),
            xml_row(2, [*GATESHEAD[:6], "Shared_x0000_IT"]),
            shared.encode(),
        ],
        [NEWCASTLE[0], "Bell_x0007_"],
    )

    plan = survey_import_check(survey=setup.survey, file_name="r.xlsx", content=content)

    assert [(p.row, p.column, p.message) for p in plan.problems][:2] == [
        (2, "Q6", control("G2")),
        (3, "Q6", control("G3")),
    ]


def test_an_escaped_line_break_in_a_workbook_is_text(db):
    setup = make_setup()
    content = raw_xlsx([xml_row(1, HEADER), xml_row(2, [*GATESHEAD[:6], "One_x000D_\nTwo"])])

    plan = survey_import_check(survey=setup.survey, file_name="r.xlsx", content=content)

    assert plan.problems == []
    assert {q.code: v for q, v in plan.rows[0].values.items()}["Q6"].text == "One\r\nTwo"


def test_a_nul_byte_in_a_workbooks_xml_refuses_the_workbook(db):
    """XML cannot hold a NUL at all, so no cell can be named: the file is refused whole."""
    setup = make_setup()
    content = raw_xlsx(
        [xml_row(1, HEADER), xml_row(2, GATESHEAD).replace(b"Shared", b"Sha\x00red")]
    )

    with pytest.raises(UnreadableFileError, match=r"^The selected file is not a valid Excel"):
        survey_import_check(survey=setup.survey, file_name="r.xlsx", content=content)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (("\ufeff" + "local_authority\tQ1\r\n").encode("utf-16-le"), "saved as Unicode text"),
        ("local_authority,Q1\r\nE08000037,Yes\r\n".encode("utf-16-le"), "is not a CSV file"),
    ],
    ids=["UTF-16 with its byte order mark", "UTF-16 without"],
)
def test_a_csv_saved_as_utf_16_is_refused_saying_to_save_it_as_utf_8(db, content, message):
    setup = make_setup()

    with pytest.raises(UnreadableFileError, match=message):
        survey_import_check(survey=setup.survey, file_name="r.csv", content=content)
