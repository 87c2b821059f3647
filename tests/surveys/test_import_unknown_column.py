"""A column that is neither local_authority, a question code nor an export column is refused."""

from surveys.imports import survey_import_check

from .import_files import GATESHEAD, HEADER, csv_file, make_setup, problems_table, upload


def test_an_unknown_column_is_refused_listing_the_columns_there_are(db):
    setup = make_setup()
    rows = [[*HEADER, "Q99"], [*GATESHEAD, "x"]]

    plan = survey_import_check(survey=setup.survey, file_name="r.csv", content=csv_file(rows))

    [problem] = plan.problems
    assert (problem.row, problem.column) == (1, "Q99")
    assert problem.message.startswith(
        "unknown column; the columns are local_authority and the question codes "
        "Q1, Q2, Q3, Q4, Q5, Q6"
    )


def test_a_missing_area_column_and_a_missing_required_question_column_are_refused(db):
    setup = make_setup()
    rows = [HEADER[2:], GATESHEAD[2:]]  # no local_authority, no Q1 (required)

    plan = survey_import_check(survey=setup.survey, file_name="r.csv", content=csv_file(rows))

    assert [(p.row, p.column) for p in plan.problems] == [(1, "local_authority"), (1, "Q1")]
    assert plan.problems[1].message == (
        "add this required question's column, with an answer in every row"
    )


def test_every_problem_is_reported_at_once_header_and_rows(db):
    setup = make_setup()
    rows = [[*HEADER, "Notes"], [*GATESHEAD[:4], "lots", *GATESHEAD[5:], "x"]]

    plan = survey_import_check(survey=setup.survey, file_name="r.csv", content=csv_file(rows))

    assert [(p.row, p.column) for p in plan.problems] == [(1, "Notes"), (2, "Q4")]


def test_an_optional_question_column_may_be_left_out(db):
    setup = make_setup()
    rows = [HEADER[:5], GATESHEAD[:5]]  # no Q5, Q6: both optional

    plan = survey_import_check(survey=setup.survey, file_name="r.csv", content=csv_file(rows))

    assert plan.problems == []
    assert {q.code for q in plan.rows[0].values} == {"Q1", "Q2", "Q3", "Q4"}


def test_a_column_twice_is_refused(db):
    setup = make_setup()
    rows = [[*HEADER, "q2"], [*GATESHEAD, "MASH"]]

    plan = survey_import_check(survey=setup.survey, file_name="r.csv", content=csv_file(rows))

    assert [(p.row, p.column, p.message) for p in plan.problems] == [
        (1, "q2", "this column appears twice; keep one")
    ]


def test_values_under_a_column_without_a_heading_are_refused(db):
    setup = make_setup()
    rows = [[*HEADER, ""], [*GATESHEAD, "lost answer"]]

    plan = survey_import_check(survey=setup.survey, file_name="r.csv", content=csv_file(rows))

    assert [(p.row, p.column) for p in plan.problems] == [(2, "column H")]


def test_question_codes_are_matched_whatever_their_case_and_order(db):
    setup = make_setup()
    header = ["q6", "Q5", "q4", "Q3", "q2", "Q1", "LOCAL_AUTHORITY"]

    plan = survey_import_check(
        survey=setup.survey,
        file_name="r.csv",
        content=csv_file([header, list(reversed(GATESHEAD))]),
    )

    assert plan.problems == []


def test_the_upload_page_shows_the_unknown_column(staff_client):
    setup = make_setup()

    response = upload(
        staff_client, setup.survey, "r.csv", csv_file([[*HEADER, "Notes"], [*GATESHEAD, ""]])
    )

    [[row, column, fix]] = problems_table(response)
    assert (row, column) == ("1", "Notes")
    assert fix.startswith("Unknown column")
