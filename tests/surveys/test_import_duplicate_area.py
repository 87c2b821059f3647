"""Two rows for one area are refused, however each names it."""

from surveys.imports import survey_import_check

from .import_files import GATESHEAD, HEADER, NEWCASTLE, csv_file, make_setup, problems_table, upload


def test_a_second_row_for_an_area_is_refused_naming_the_first_row(db):
    setup = make_setup()
    # The same area by its ONS code, then by its DfE code.
    rows = [HEADER, GATESHEAD, NEWCASTLE, ["390", *GATESHEAD[1:]]]

    plan = survey_import_check(survey=setup.survey, file_name="r.csv", content=csv_file(rows))

    assert [(p.row, p.column) for p in plan.problems] == [(4, "local_authority")]
    assert plan.problems[0].message == ("Gateshead is already in row 2; keep one row per area")
    assert plan.rows == []


def test_the_upload_page_shows_the_duplicate_row(staff_client):
    setup = make_setup()
    rows = [HEADER, GATESHEAD, ["gateshead", *GATESHEAD[1:]]]

    response = upload(staff_client, setup.survey, "returns.csv", csv_file(rows))

    assert problems_table(response) == [
        ["3", "local_authority", "Gateshead is already in row 2; keep one row per area"]
    ]
