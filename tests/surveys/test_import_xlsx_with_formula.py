"""A workbook with a formula is refused, naming the cell: the import reads values only."""

import pytest

from surveys.imports import survey_import_check
from surveys.spreadsheets import UnreadableFileError

from .import_files import GATESHEAD, HEADER, field_error, make_setup, upload, xlsx_file


def with_formula() -> bytes:
    return xlsx_file([HEADER, [*GATESHEAD[:4], "=SUM(1,2)", *GATESHEAD[5:]]])


def test_a_formula_is_refused_naming_its_cell_and_how_to_replace_it(db):
    setup = make_setup()

    with pytest.raises(UnreadableFileError) as refused:
        survey_import_check(survey=setup.survey, file_name="returns.xlsx", content=with_formula())

    assert str(refused.value) == (
        "The selected file has a formula in cell E2: replace each formula with its value "
        "(copy, then paste values) and upload it again"
    )


def test_the_same_workbook_with_values_is_read(db):
    setup = make_setup()
    content = xlsx_file([HEADER, [*GATESHEAD[:4], 120, *GATESHEAD[5:]]])

    plan = survey_import_check(survey=setup.survey, file_name="returns.xlsx", content=content)

    assert plan.problems == []


def test_the_upload_page_refuses_the_formula_at_the_field(staff_client):
    setup = make_setup()

    response = upload(staff_client, setup.survey, "returns.xlsx", with_formula())

    assert field_error(response).startswith("Error: The selected file has a formula in cell E2")
