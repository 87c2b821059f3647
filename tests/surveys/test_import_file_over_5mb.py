"""A file over 5 MB is refused with our message, on the command line and in the browser
(where Django keeps a large upload in a temporary file rather than refusing it)."""

import pytest

from surveys.imports import survey_import_check
from surveys.spreadsheets import MAX_BYTES, UnreadableFileError

from .import_files import GATESHEAD, HEADER, csv_file, field_error, make_setup, page_title, upload


def big_csv(size: int) -> bytes:
    """A valid CSV padded to `size` bytes with note rows (each cell shorter than the longest
    a cell may be)."""
    start = csv_file([HEADER, GATESHEAD])
    note = b"#" + b"x" * 8999 + b"\r\n"
    count, rest = divmod(size - len(start), len(note))
    if rest < 3:
        count, rest = count - 1, rest + len(note)
    return start + note * count + b"#" + b"x" * (rest - 3) + b"\r\n"


def test_a_file_of_just_over_5_mb_is_refused(db):
    setup = make_setup()
    content = big_csv(MAX_BYTES + 1)
    assert len(content) == 5 * 1024 * 1024 + 1

    with pytest.raises(UnreadableFileError, match=r"^The selected file must be 5 MB or smaller$"):
        survey_import_check(survey=setup.survey, file_name="returns.csv", content=content)


def test_a_file_of_exactly_5_mb_is_read(db):
    setup = make_setup()
    # The padding is one free-text answer: let Q6 hold it (answers have a length limit).
    setup.survey.questions.filter(code="Q6").update(max_length=MAX_BYTES)

    plan = survey_import_check(
        survey=setup.survey, file_name="returns.csv", content=big_csv(MAX_BYTES)
    )

    assert plan.problems == []


def test_the_upload_page_refuses_a_6_mb_file_at_the_field(staff_client, settings):
    setup = make_setup()
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE < 6 * 1024 * 1024  # goes to a temporary file

    response = upload(staff_client, setup.survey, "returns.csv", big_csv(6 * 1024 * 1024))

    assert response.status_code == 200
    assert page_title(response).startswith("Error: ")
    assert field_error(response) == "Error: The selected file must be 5 MB or smaller"
