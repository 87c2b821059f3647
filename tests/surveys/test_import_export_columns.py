"""The columns the export adds for people to read (dfe_code, name, region, status) are
accepted on import, so an export imports back; they cannot contradict local_authority, and a
Draft row is named in the preview but not imported."""

from surveys.imports import survey_import_check

from .import_files import GATESHEAD, HEADER, NEWCASTLE, csv_file, import_csv, make_setup

EXPORT_HEADER = ["local_authority", "dfe_code", "name", "region", "status", *HEADER[1:]]


def exported(area: list[str], dfe: str, name: str, status: str = "Submitted") -> list[str]:
    return [area[0], dfe, name, "North East", status, *area[1:]]


def test_a_name_or_dfe_code_that_names_another_area_is_refused(db):
    setup = make_setup()
    rows = [
        EXPORT_HEADER,
        exported(GATESHEAD, "391", "Gateshead"),
        exported(NEWCASTLE, "391", "Sunderland"),
    ]

    plan = survey_import_check(survey=setup.survey, file_name="r.csv", content=csv_file(rows))

    assert [(p.row, p.column) for p in plan.problems] == [(2, "dfe_code"), (3, "name")]
    assert plan.problems[0].message == (
        "'391' does not match local_authority 'E08000037' (Gateshead, DfE code 390); "
        "correct one of them or empty the dfe_code cell"
    )


def test_the_region_column_is_not_read(db):
    setup = make_setup()
    row = [GATESHEAD[0], "", "", "Anywhere", "", *GATESHEAD[1:]]

    plan = survey_import_check(
        survey=setup.survey, file_name="r.csv", content=csv_file([EXPORT_HEADER, row])
    )

    assert plan.problems == []


def test_a_draft_row_is_listed_as_not_imported_and_its_answers_are_not_checked(db):
    setup = make_setup()
    import_csv(setup, [HEADER, GATESHEAD])
    draft = [NEWCASTLE[0], "391", "Newcastle upon Tyne", "North East", "Draft", "Maybe"]

    plan = survey_import_check(
        survey=setup.survey,
        file_name="r.csv",
        content=csv_file([EXPORT_HEADER, exported(GATESHEAD, "390", "Gateshead"), draft]),
    )

    assert plan.problems == []
    assert [r.local_authority for r in plan.unchanged] == [setup.gateshead]
    assert [r.local_authority for r in plan.skipped] == [setup.newcastle]
    assert not plan.changes_anything


def test_a_status_other_than_submitted_or_draft_is_refused(db):
    setup = make_setup()
    rows = [EXPORT_HEADER, exported(GATESHEAD, "", "", status="Done")]

    plan = survey_import_check(survey=setup.survey, file_name="r.csv", content=csv_file(rows))

    assert [(p.row, p.column, p.message) for p in plan.problems] == [
        (
            2,
            "status",
            "enter Submitted, or Draft for a row that is not to be imported, or leave it empty",
        )
    ]


def test_a_note_row_starting_with_a_hash_is_skipped(db):
    setup = make_setup()
    rows = [HEADER, ["# filled in by the North East team"], GATESHEAD]

    plan = survey_import_check(survey=setup.survey, file_name="r.csv", content=csv_file(rows))

    assert plan.problems == []
    assert [r.row for r in plan.rows] == [3]


def test_rows_are_numbered_as_in_the_spreadsheet_even_after_blank_rows(db):
    setup = make_setup()
    content = csv_file([HEADER, GATESHEAD]) + b"\r\n,,,\r\n" + csv_file([["Gotham"]])

    plan = survey_import_check(survey=setup.survey, file_name="r.csv", content=content)

    assert (plan.problems[0].row, plan.problems[0].column) == (5, "local_authority")
