"""A file with any problem writes nothing at all: no return, answer, batch or history row,
even when its other rows are good and would have changed stored returns."""

import pytest

from surveys.imports import ImportRefusedError, survey_import_apply
from surveys.spreadsheets import UnreadableFileError

from .import_files import (
    GATESHEAD,
    HEADER,
    NEWCASTLE,
    SUNDERLAND,
    csv_file,
    import_csv,
    make_setup,
    row_counts,
    upload,
    xlsx_file,
)

# Each starts with good rows (a change to Gateshead, a new Sunderland) and then one problem.
CHANGED_GATESHEAD = [GATESHEAD[0], "No", *GATESHEAD[2:]]
GOOD = [HEADER, CHANGED_GATESHEAD, SUNDERLAND]
REFUSED_FILES = {
    "unknown area": ("r.csv", csv_file([*GOOD, ["Gotham", *NEWCASTLE[1:]]])),
    "duplicate area": ("r.csv", csv_file([*GOOD, ["394", *SUNDERLAND[1:]]])),
    "value not a choice": ("r.csv", csv_file([*GOOD, [NEWCASTLE[0], "No", "Hub", "Police"]])),
    "bad number": ("r.csv", csv_file([*GOOD, [*NEWCASTLE[:4], "lots", "", ""]])),
    "bad date": ("r.csv", csv_file([*GOOD, [*NEWCASTLE[:5], "soon", ""]])),
    "required answer missing": ("r.csv", csv_file([*GOOD, [NEWCASTLE[0], "", *NEWCASTLE[2:]]])),
    "unknown column": ("r.csv", csv_file([[*HEADER, "Notes"], *GOOD[1:]])),
    "empty file": ("r.csv", b""),
    "binary file": ("r.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
    "file over 5 MB": ("r.csv", csv_file(GOOD) + b" " * 5 * 1024 * 1024),
    "formula": ("r.xlsx", xlsx_file([*GOOD, [*NEWCASTLE[:4], "=1+1", "", ""]])),
}


@pytest.fixture
def stored(db):
    """A survey with a submitted return from Gateshead, imported from a file."""
    setup = make_setup()
    import_csv(setup, [HEADER, GATESHEAD])
    return setup


@pytest.mark.parametrize("case", REFUSED_FILES, ids=str)
def test_a_refused_file_writes_no_row_of_any_kind(stored, staff_user, case):
    name, content = REFUSED_FILES[case]
    before = row_counts()
    gateshead = stored.survey.responses.get()

    with pytest.raises((ImportRefusedError, UnreadableFileError)):
        survey_import_apply(survey=stored.survey, file_name=name, content=content, user=staff_user)

    assert row_counts() == before
    assert stored.survey.responses.get().version == gateshead.version


@pytest.mark.parametrize("case", ["unknown area", "formula"])
def test_uploading_a_refused_file_in_the_browser_writes_nothing(stored, staff_client, case):
    name, content = REFUSED_FILES[case]
    before = row_counts()

    response = upload(staff_client, stored.survey, name, content)

    assert response.status_code == 200
    assert row_counts() == before
