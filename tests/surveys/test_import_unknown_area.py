"""An area the register does not know is refused, with its row and how to name an area."""

from surveys.imports import survey_import_check

from .import_files import (
    GATESHEAD,
    HEADER,
    NEWCASTLE,
    csv_file,
    make_setup,
    page_title,
    problems_table,
    upload,
)

GOTHAM = ["Gotham", *GATESHEAD[1:]]


def test_an_area_not_in_the_register_is_refused_with_its_row_and_column(db):
    setup = make_setup()

    plan = survey_import_check(
        survey=setup.survey,
        file_name="returns.csv",
        content=csv_file([HEADER, NEWCASTLE, GOTHAM]),
    )

    assert not plan.is_valid
    assert [(p.row, p.column) for p in plan.problems] == [(3, "local_authority")]
    assert "'Gotham' is not a local authority in the register" in plan.problems[0].message
    assert "ONS code" in plan.problems[0].message
    assert plan.rows == []


def test_an_old_ons_code_a_dfe_code_and_a_name_in_any_case_all_find_their_area(db):
    setup = make_setup()
    rows = [
        HEADER,
        ["E08000020", *GATESHEAD[1:]],  # Gateshead's code before April 2013
        ["newcastle UPON tyne", *NEWCASTLE[1:]],
        ["394", *GATESHEAD[1:]],
    ]

    plan = survey_import_check(survey=setup.survey, file_name="r.csv", content=csv_file(rows))

    assert plan.problems == []
    assert [r.local_authority for r in plan.rows] == [
        setup.gateshead,
        setup.newcastle,
        setup.sunderland,
    ]


def test_the_upload_page_shows_the_unknown_area_in_the_table_of_problems(staff_client):
    setup = make_setup()

    response = upload(staff_client, setup.survey, "returns.csv", csv_file([HEADER, GOTHAM]))

    assert response.status_code == 200
    assert page_title(response).startswith("Error: ")
    [[row, column, fix]] = problems_table(response)
    assert (row, column) == ("2", "local_authority")
    assert fix.startswith("'Gotham' is not a local authority in the register")
