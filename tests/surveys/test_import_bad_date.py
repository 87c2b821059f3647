"""A date question's cell must hold a date."""

import datetime as dt

import pytest

from surveys.imports import survey_import_check

from .import_files import GATESHEAD, HEADER, csv_file, make_setup, problems_table, upload, xlsx_file


def with_date(value: object) -> list[object]:
    return [*GATESHEAD[:5], value, *GATESHEAD[6:]]


@pytest.mark.parametrize("value", ["31/02/2013", "next spring", "2013-13-01", "2012/10"])
def test_a_cell_that_is_not_a_date_is_refused_saying_how_to_write_one(db, value):
    setup = make_setup()

    plan = survey_import_check(
        survey=setup.survey, file_name="r.csv", content=csv_file([HEADER, with_date(value)])
    )

    [problem] = plan.problems
    assert (problem.row, problem.column) == (2, "Q5")
    assert problem.message == (
        f"'{value}' is not a date; enter it as YYYY-MM-DD, such as 2012-10-01"
    )


def test_a_year_outside_the_survey_era_is_refused(db):
    setup = make_setup()

    plan = survey_import_check(
        survey=setup.survey, file_name="r.csv", content=csv_file([HEADER, with_date("1/1/1900")])
    )

    assert [p.message for p in plan.problems] == [
        "Enter a date between 1 January 1990 and 31 December 2022"
    ]


@pytest.mark.parametrize("value", ["2013-04-01", "01/04/2013", "1 April 2013", "1 Apr 2013"])
def test_iso_and_british_dates_are_read(db, value):
    setup = make_setup()

    plan = survey_import_check(
        survey=setup.survey, file_name="r.csv", content=csv_file([HEADER, with_date(value)])
    )

    assert plan.problems == []
    assert {q.code: v for q, v in plan.rows[0].values.items()}["Q5"].date == dt.date(2013, 4, 1)


def test_a_date_cell_in_a_workbook_is_read_as_its_date(db):
    setup = make_setup()
    content = xlsx_file([HEADER, with_date(dt.datetime(2013, 4, 1))])

    plan = survey_import_check(survey=setup.survey, file_name="r.xlsx", content=content)

    assert plan.problems == []
    assert {q.code: v for q, v in plan.rows[0].values.items()}["Q5"].date == dt.date(2013, 4, 1)


def test_the_upload_page_shows_the_bad_date(staff_client):
    setup = make_setup()

    response = upload(staff_client, setup.survey, "r.csv", csv_file([HEADER, with_date("soon")]))

    assert problems_table(response) == [
        ["2", "Q5", "'soon' is not a date; enter it as YYYY-MM-DD, such as 2012-10-01"]
    ]
