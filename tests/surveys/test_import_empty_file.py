"""An empty file, or one with nothing in it but blank lines, is refused."""

import pytest

from surveys.imports import survey_import_check
from surveys.spreadsheets import UnreadableFileError

from .import_files import HEADER, csv_file, error_summary, field_error, make_setup, page_title
from .import_files import upload as post_upload


@pytest.mark.parametrize("content", [b"", b"\r\n\r\n,,,\r\n", b"\xef\xbb\xbf"])
def test_an_empty_csv_is_refused(db, content):
    setup = make_setup()

    with pytest.raises(UnreadableFileError, match=r"^The selected file is empty$"):
        survey_import_check(survey=setup.survey, file_name="r.csv", content=content)


def test_a_header_without_returns_is_refused_saying_to_add_a_row_per_area(db):
    setup = make_setup()

    plan = survey_import_check(survey=setup.survey, file_name="r.csv", content=csv_file([HEADER]))

    assert [(p.row, str(p)) for p in plan.problems] == [
        (None, "File: the file has a header row but no returns; add a row per area")
    ]


def test_the_upload_page_says_the_selected_file_is_empty_at_the_field(staff_client):
    setup = make_setup()

    response = post_upload(staff_client, setup.survey, "returns.csv", b"")

    assert response.status_code == 200
    assert page_title(response).startswith("Error: Import returns")
    assert field_error(response) == "Error: The selected file is empty"
    assert error_summary(response) == [("The selected file is empty", "#id_file")]


def test_sending_no_file_asks_to_select_one(staff_client):
    setup = make_setup()
    url = f"/survey/{setup.survey.slug}/import/"

    response = staff_client.post(url, {})

    assert field_error(response) == "Error: Select a CSV or XLSX file"
