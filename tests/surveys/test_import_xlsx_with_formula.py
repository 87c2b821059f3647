"""Every formula in a workbook is listed by its row and column, with the file's other
problems, in one check: the import reads values only."""

from surveys.imports import survey_import_check
from surveys.models import Response

from .import_files import (
    GATESHEAD,
    HEADER,
    NEWCASTLE,
    SUNDERLAND,
    field_error,
    make_setup,
    problems_table,
    upload,
    xlsx_file,
)

HOW = "replace each formula with its value (copy, then paste values)"


def with_formulas() -> bytes:
    """Formulas in E2 (Q4), B3 (Q1) and F4 (Q5); and a choice that is not one in C4 (Q2)."""
    return xlsx_file(
        [
            HEADER,
            [*GATESHEAD[:4], "=SUM(1,2)", *GATESHEAD[5:]],
            [NEWCASTLE[0], '=IF(TRUE,"Yes","No")', *NEWCASTLE[2:]],
            [SUNDERLAND[0], SUNDERLAND[1], "Hub", *SUNDERLAND[3:5], "=DATE(2013,4,1)"],
        ]
    )


def test_every_formula_is_listed_by_row_and_column_with_the_other_problems(db):
    setup = make_setup()

    plan = survey_import_check(
        survey=setup.survey, file_name="returns.xlsx", content=with_formulas()
    )

    assert [(p.row, p.column, p.message) for p in plan.problems] == [
        (2, "Q4", f"cell E2 holds a formula; {HOW}"),
        (3, "Q1", f"cell B3 holds a formula; {HOW}"),
        (4, "Q5", f"cell F4 holds a formula; {HOW}"),
        (
            4,
            "Q2",
            "'Hub' is not one of the choices; enter one of MASH, Co-located team, Other",
        ),
    ]
    assert plan.rows == []


def test_a_formula_in_the_header_is_listed_under_its_column_letter(db):
    setup = make_setup()
    content = xlsx_file([[*HEADER[:6], '=CONCAT("Q","6")'], GATESHEAD])

    plan = survey_import_check(survey=setup.survey, file_name="returns.xlsx", content=content)

    assert [(p.row, p.column, p.message) for p in plan.problems] == [
        (1, "column G", f"cell G1 holds a formula; {HOW}"),
    ]


def test_the_same_workbook_with_values_is_read(db):
    setup = make_setup()
    content = xlsx_file([HEADER, [*GATESHEAD[:4], 120, *GATESHEAD[5:]]])

    plan = survey_import_check(survey=setup.survey, file_name="returns.xlsx", content=content)

    assert plan.problems == []


def test_the_upload_page_lists_each_formula_and_imports_nothing(staff_client):
    setup = make_setup()

    response = upload(staff_client, setup.survey, "returns.xlsx", with_formulas())

    assert field_error(response) == (
        "Error: The selected file has 4 problems, so nothing was imported. Fix each one listed "
        "below, then upload the file again"
    )
    assert [row[:2] for row in problems_table(response)] == [
        ["2", "Q4"],
        ["3", "Q1"],
        ["4", "Q5"],
        ["4", "Q2"],
    ]
    assert problems_table(response)[0][2] == f"Cell E2 holds a formula; {HOW}"
    assert not Response.objects.exists()
