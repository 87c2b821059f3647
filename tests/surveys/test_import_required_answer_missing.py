"""A required question left empty is refused; an optional one may be empty."""

from surveys.imports import survey_import_check

from .import_files import GATESHEAD, HEADER, NEWCASTLE, csv_file, make_setup, problems_table, upload


def test_an_empty_required_answer_is_refused_with_its_row_and_question(db):
    setup = make_setup()
    missing = [GATESHEAD[0], "", *GATESHEAD[2:]]  # Q1 is required

    plan = survey_import_check(
        survey=setup.survey, file_name="r.csv", content=csv_file([HEADER, NEWCASTLE, missing])
    )

    assert [(p.row, p.column, p.message) for p in plan.problems] == [
        (3, "Q1", "this question is required; enter an answer")
    ]


def test_a_short_row_leaves_its_last_required_answers_missing(db):
    setup = make_setup()

    plan = survey_import_check(
        survey=setup.survey, file_name="r.csv", content=csv_file([HEADER, GATESHEAD[:3]])
    )

    assert [(p.row, p.column) for p in plan.problems] == [(2, "Q3"), (2, "Q4")]


def test_empty_optional_answers_are_accepted(db):
    setup = make_setup()  # Q5 and Q6 are optional; Newcastle leaves both empty

    plan = survey_import_check(
        survey=setup.survey, file_name="r.csv", content=csv_file([HEADER, NEWCASTLE])
    )

    assert plan.problems == []


def test_the_upload_page_shows_the_missing_answer(staff_client):
    setup = make_setup()
    missing = [GATESHEAD[0], "", *GATESHEAD[2:]]

    response = upload(staff_client, setup.survey, "r.csv", csv_file([HEADER, missing]))

    assert problems_table(response) == [["2", "Q1", "This question is required; enter an answer"]]
