"""A number question's cell must hold a number."""

import pytest

from surveys.imports import survey_import_check

from .import_files import GATESHEAD, HEADER, csv_file, make_setup, problems_table, upload


def with_number(value: str) -> list[str]:
    return [*GATESHEAD[:4], value, *GATESHEAD[5:]]


@pytest.mark.parametrize("value", ["about 40", "12a", "1.2.3", "forty"])
def test_a_cell_that_is_not_a_number_is_refused_saying_to_enter_digits(db, value):
    setup = make_setup()

    plan = survey_import_check(
        survey=setup.survey, file_name="r.csv", content=csv_file([HEADER, with_number(value)])
    )

    [problem] = plan.problems
    assert (problem.row, problem.column) == (2, "Q4")
    assert problem.message == f"'{value}' is not a number; enter digits, such as 120"


def test_more_than_two_decimal_places_is_refused(db):
    setup = make_setup()

    plan = survey_import_check(
        survey=setup.survey, file_name="r.csv", content=csv_file([HEADER, with_number("2.555")])
    )

    assert [p.message for p in plan.problems] == ["enter a number with at most 2 decimal places"]


@pytest.mark.parametrize(("value", "number"), [("1,200", "1200"), ("-3", "-3"), ("2.5", "2.5")])
def test_thousands_separators_negatives_and_decimals_are_read(db, value, number):
    setup = make_setup()

    plan = survey_import_check(
        survey=setup.survey, file_name="r.csv", content=csv_file([HEADER, with_number(value)])
    )

    assert plan.problems == []
    [row] = plan.rows
    assert str({q.code: v for q, v in row.values.items()}["Q4"].number) == number


def test_the_upload_page_shows_the_bad_number(staff_client):
    setup = make_setup()

    response = upload(
        staff_client, setup.survey, "r.csv", csv_file([HEADER, with_number("about 40")])
    )

    assert problems_table(response) == [
        ["2", "Q4", "'about 40' is not a number; enter digits, such as 120"]
    ]
