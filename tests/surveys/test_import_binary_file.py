"""A file that is not CSV or XLSX (a binary, a PDF, an old .xls) is refused as a whole."""

import pytest

from surveys.imports import survey_import_check
from surveys.spreadsheets import UnreadableFileError

from .import_files import HEADER, csv_file, field_error, make_setup, page_title, upload, xlsx_file

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


def test_binary_content_named_csv_is_refused_saying_to_save_it_as_csv(db):
    setup = make_setup()

    with pytest.raises(UnreadableFileError, match=r"^The selected file is not a CSV file: save"):
        survey_import_check(survey=setup.survey, file_name="returns.csv", content=PNG)


def test_a_workbook_renamed_to_csv_is_refused(db):
    setup = make_setup()
    content = xlsx_file([HEADER])

    with pytest.raises(UnreadableFileError, match="is not a CSV file"):
        survey_import_check(survey=setup.survey, file_name="returns.csv", content=content)


def test_a_file_named_xlsx_that_is_not_a_workbook_is_refused(db):
    setup = make_setup()

    with pytest.raises(UnreadableFileError, match=r"^The selected file is not a valid Excel"):
        survey_import_check(survey=setup.survey, file_name="returns.xlsx", content=PNG)
    with pytest.raises(UnreadableFileError, match="not a valid Excel"):
        survey_import_check(
            survey=setup.survey, file_name="returns.xlsx", content=csv_file([HEADER])
        )


@pytest.mark.parametrize("name", ["returns.xls", "returns.pdf", "returns", "returns.csv.exe"])
def test_a_file_that_is_not_csv_or_xlsx_by_its_name_is_refused(db, name):
    setup = make_setup()

    with pytest.raises(UnreadableFileError, match=r"^The selected file must be a CSV or XLSX$"):
        survey_import_check(survey=setup.survey, file_name=name, content=csv_file([HEADER]))


def test_a_semicolon_separated_csv_is_refused_saying_how_to_save_it(db):
    setup = make_setup()
    content = ";".join(HEADER).encode() + b"\r\nE08000037;Yes\r\n"

    with pytest.raises(UnreadableFileError, match="separated by semicolons or tabs"):
        survey_import_check(survey=setup.survey, file_name="returns.csv", content=content)


def test_the_upload_page_refuses_a_binary_at_the_field(staff_client):
    setup = make_setup()

    response = upload(staff_client, setup.survey, "returns.csv", PNG)

    assert page_title(response).startswith("Error: ")
    assert field_error(response).startswith("Error: The selected file is not a CSV file")


def test_the_upload_page_refuses_another_type_at_the_field(staff_client):
    setup = make_setup()

    response = upload(staff_client, setup.survey, "returns.pdf", b"%PDF-1.4")

    assert field_error(response) == "Error: The selected file must be a CSV or XLSX"
