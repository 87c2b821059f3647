"""A value that is not one of a closed question's choices is refused with the choices."""

from surveys.imports import survey_import_check

from .import_files import GATESHEAD, HEADER, NEWCASTLE, csv_file, make_setup, problems_table, upload


def test_a_single_choice_not_among_the_choices_is_refused_listing_them(db):
    setup = make_setup()
    bad = [*GATESHEAD[:2], "Hub", *GATESHEAD[3:]]

    plan = survey_import_check(
        survey=setup.survey, file_name="r.csv", content=csv_file([HEADER, NEWCASTLE, bad])
    )

    [problem] = plan.problems
    assert (problem.row, problem.column) == (3, "Q2")
    assert problem.message == (
        "'Hub' is not one of the choices; enter one of MASH, Co-located team, Other"
    )


def test_one_wrong_choice_among_several_is_refused_and_yes_no_takes_only_yes_or_no(db):
    setup = make_setup()
    bad = [GATESHEAD[0], "Maybe", GATESHEAD[2], "Police; Fire service", *GATESHEAD[4:]]

    plan = survey_import_check(
        survey=setup.survey, file_name="r.csv", content=csv_file([HEADER, bad])
    )

    assert [(p.row, p.column) for p in plan.problems] == [(2, "Q1"), (2, "Q3")]
    assert plan.problems[0].message == "enter Yes or No"
    assert "'Fire service' is not one of the choices" in plan.problems[1].message


def test_choices_are_matched_whatever_their_case_and_spacing(db):
    setup = make_setup()
    row = [GATESHEAD[0], "yes", "co-located TEAM", " health ;police ", *GATESHEAD[4:]]

    plan = survey_import_check(
        survey=setup.survey, file_name="r.csv", content=csv_file([HEADER, row])
    )

    assert plan.problems == []
    values = {q.code: v for q, v in plan.rows[0].values.items()}
    assert values["Q1"].choices == ("Yes",)
    assert values["Q2"].choices == ("Co-located team",)
    assert values["Q3"].choices == ("Police", "Health")  # in the question's order


def test_the_upload_page_shows_the_value_and_the_allowed_choices(staff_client):
    setup = make_setup()
    bad = [*GATESHEAD[:2], "Hub", *GATESHEAD[3:]]

    response = upload(staff_client, setup.survey, "returns.csv", csv_file([HEADER, bad]))

    assert problems_table(response) == [
        ["2", "Q2", "'Hub' is not one of the choices; enter one of MASH, Co-located team, Other"]
    ]
