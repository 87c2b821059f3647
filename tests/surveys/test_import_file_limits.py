"""Reading a file is bounded in memory and time whatever its shape or compression: a small
XLSX that unpacks to something huge, a sheet at the row and column limits, a sheet claiming a
million rows, a flood of empty elements, a 5 MB CSV of commas. Each is refused before a limit
is crossed, with a message that says the limit, or checked in seconds.

Memory is measured two ways: `tracemalloc` for files the reader refuses or skims quickly, and,
for the three large sheets (where tracing every allocation would slow reading fourfold), the
peak resident memory of a fresh Python process that reads them, as a worker would.
"""

import io
import json
import os
import struct
import subprocess
import sys
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from surveys.imports import MAX_PROBLEMS, survey_import_check
from surveys.spreadsheets import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    MAX_XML_ELEMENTS,
    UnreadableFileError,
    read_sheet,
)

from ..areas.pages import parse
from .import_files import (
    GATESHEAD,
    HEADER,
    MAIN_NS,
    csv_file,
    field_error,
    make_setup,
    problems_table,
    raw_xlsx,
    upload,
    xml_row,
)

MB = 1024 * 1024
#: What reading any of these files may add to a worker's memory ("well under 200 MB").
MEMORY_BUDGET = 100 * MB
#: Seconds for a file the reader refuses or skims.
QUICK = 3.0
#: Seconds for a sheet read to its end at the limits (about 2.5 on an idle developer machine).
FULL = 12.0


def measured(read: Callable[[], Any]) -> tuple[Any, float, int]:
    """What `read` returned (or the UnreadableFileError it raised), its seconds, and the peak
    of memory it allocated when run again under tracemalloc (which slows it down)."""

    def run() -> Any:
        try:
            return read()
        except UnreadableFileError as exc:
            return exc

    start = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    try:
        run()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, seconds, peak


def chunks(text: bytes, size: int) -> Iterator[bytes]:
    """`size` bytes of `text` repeated, a megabyte at a time (never all in memory)."""
    block = text * (MB // len(text))
    for _ in range(size // len(block)):
        yield block


def huge_cell_sheet(size: int, *, row: int = 1) -> Iterator[bytes]:
    """A sheet whose first cell of `row` holds `size` bytes of text."""
    yield f'<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>'.encode()
    yield from chunks(b"All work and no play. ", size)
    yield b"</t></is></c></row>"


# ----- Files that unpack to more than they look ------------------------------------------


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """A 60 MB header cell of repeated text, compressed about a thousandfold."""
    return raw_xlsx(huge_cell_sheet(60 * MB))


def test_a_small_workbook_that_unpacks_past_the_limit_is_refused_before_it_is_read(db, bomb):
    setup = make_setup()
    assert len(bomb) < 1 * MB

    result, seconds, peak = measured(
        lambda: survey_import_check(survey=setup.survey, file_name="r.xlsx", content=bomb)
    )

    assert isinstance(result, UnreadableFileError)
    assert str(result).startswith(
        f"The selected workbook is larger than {MAX_UNPACKED_BYTES // MB} MB when unpacked"
    )
    assert seconds < QUICK
    assert peak < 10 * MB


def test_the_upload_page_refuses_it_at_the_field_in_a_short_page(staff_client, bomb):
    setup = make_setup()

    response = upload(staff_client, setup.survey, "returns.xlsx", bomb)

    assert field_error(response).startswith("Error: The selected workbook is larger than 50 MB")
    assert len(response.content) < 100_000
    assert b"All work and no play" not in response.content


def understated(content: bytes, part: str, size: int) -> bytes:
    """`content` (a zip) with `part`'s unpacked size given as `size` in its central directory,
    where the zip module reads it."""
    data = bytearray(content)
    start = data.index(b"PK\x01\x02")
    while True:
        (name_length,) = struct.unpack_from("<H", data, start + 28)
        if data[start + 46 : start + 46 + name_length] == part.encode():
            struct.pack_into("<I", data, start + 24, size)
            return bytes(data)
        start = data.index(b"PK\x01\x02", start + 46)


def test_a_workbook_whose_zip_understates_a_part_is_refused_reading_no_more(db, bomb):
    setup = make_setup()
    lying = understated(bomb, "xl/worksheets/sheet1.xml", 1 * MB)
    assert zipfile.ZipFile(io.BytesIO(lying)).getinfo("xl/worksheets/sheet1.xml").file_size == MB

    result, seconds, peak = measured(
        lambda: survey_import_check(survey=setup.survey, file_name="r.xlsx", content=lying)
    )

    assert isinstance(result, UnreadableFileError)
    assert str(result).startswith("The selected file is not a valid Excel workbook")
    assert seconds < QUICK
    assert peak < 10 * MB


@pytest.mark.parametrize("row", [1, 2], ids=["header cell", "answer"])
def test_a_cell_longer_than_the_limit_is_listed_by_its_cell_and_never_echoed(staff_client, row):
    """45 MB in one cell, within the unpacked limit: read as a stream, kept to the limit."""
    setup = make_setup()
    header = xml_row(1, HEADER) if row == 2 else b""
    rest = xml_row(2, GATESHEAD) if row == 1 else b""
    content = raw_xlsx([header, *huge_cell_sheet(45 * MB, row=row), rest])

    result, seconds, peak = measured(
        lambda: survey_import_check(survey=setup.survey, file_name="r.xlsx", content=content)
    )

    message = f"cell A{row} has more than {MAX_CELL_CHARS:,} characters; shorten it"
    assert [(p.row, p.column, p.message) for p in result.problems][:1] == [
        (row, "column A" if row == 1 else "local_authority", message)
    ]
    assert seconds < QUICK
    assert peak < 20 * MB
    response = upload(staff_client, setup.survey, "returns.xlsx", content)
    assert problems_table(response)[0][2] == message[0].upper() + message[1:]
    assert len(response.content) < 100_000
    assert b"All work and no play" not in response.content


def test_a_csv_cell_longer_than_the_limit_is_listed_by_its_cell(db):
    setup = make_setup()
    content = csv_file([HEADER, [*GATESHEAD[:6], "x" * (5 * MB - 200)]])

    result, seconds, peak = measured(
        lambda: survey_import_check(survey=setup.survey, file_name="r.csv", content=content)
    )

    assert [(p.row, p.column, p.message) for p in result.problems] == [
        (2, "Q6", f"cell G2 has more than {MAX_CELL_CHARS:,} characters; shorten it")
    ]
    assert seconds < QUICK
    assert peak < MEMORY_BUDGET  # the text, decoded and parsed: the CSV is at most 5 MB


def test_a_tag_longer_than_a_megabyte_is_refused(db):
    content = raw_xlsx([b'<row r="1"><c r="A1" x="', *chunks(b"a", 2 * MB), b'"/></row>'])

    result, seconds, peak = measured(lambda: read_sheet("r.xlsx", content))

    assert str(result).startswith("The selected workbook's first sheet has a tag of more than 1 MB")
    assert seconds < QUICK
    assert peak < 10 * MB


def test_a_workbook_declaring_entities_is_refused(db):
    """No DOCTYPE, so no entity expanding a few bytes into gigabytes."""
    buffer = io.BytesIO()
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    sheet = (
        f'<!DOCTYPE worksheet [<!ENTITY l0 "lol">{laughs}]>'
        f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1"><c t="inlineStr"><is>'
        "<t>&l9;</t></is></c></row></sheetData></worksheet>"
    )
    with zipfile.ZipFile(io.BytesIO(raw_xlsx([]))) as good, zipfile.ZipFile(buffer, "w") as bad:
        for info in good.infolist():
            data = good.read(info)
            bad.writestr(info, sheet if info.filename == "xl/worksheets/sheet1.xml" else data)

    result, seconds, _ = measured(lambda: read_sheet("r.xlsx", buffer.getvalue()))

    assert str(result).startswith("The selected file is not a valid Excel workbook")
    assert seconds < QUICK


# ----- Sheets of every shape ---------------------------------------------------------------

WIDE_HEADER = [*HEADER, *(f"N{i}" for i in range(len(HEADER) + 1, MAX_COLUMNS + 1))]


def wide_sheet() -> bytes:
    """MAX_ROWS rows below a header, MAX_COLUMNS columns, every cell filled."""
    cells = b'<c t="s"><v>0</v></c>' * MAX_COLUMNS
    rows = (b'<row r="%d">%s</row>' % (n, cells) for n in range(2, MAX_ROWS + 2))
    return raw_xlsx([xml_row(1, WIDE_HEADER), *rows], ["x"])


def million_rows() -> bytes:
    """A sheet that claims all 1,048,576 rows, has a million empty ones and a last one."""
    empty = (b'<row r="%d" ht="15" customHeight="1"/>' % n for n in range(2, 1_000_002))
    return raw_xlsx(
        [xml_row(1, HEADER), *empty, xml_row(1_048_576, GATESHEAD)],
        before='<dimension ref="A1:Z1048576"/>',
    )


def empty_elements() -> bytes:
    """More empty elements than a workbook may have, a few bytes each."""
    per_row = MAX_COLUMNS
    rows = MAX_XML_ELEMENTS // per_row + 1
    row = b"<row>" + b"<c/>" * per_row + b"</row>"
    return raw_xlsx(row for _ in range(rows))


def the_issues_example() -> bytes:
    """1,500 rows of 1,000 one-letter cells (3.8 MB as Excel saves it)."""
    row = b"<row>" + b'<c t="s"><v>0</v></c>' * 1000 + b"</row>"
    return raw_xlsx((row for _ in range(1500)), ["x"])


@pytest.fixture(scope="module")
def sheets() -> dict[str, bytes]:
    return {
        "wide": wide_sheet(),
        "million rows": million_rows(),
        "empty elements": empty_elements(),
    }


READ_IN_A_FRESH_PROCESS = """
import json, sys, time
import django
django.setup()
from surveys.spreadsheets import UnreadableFileError, read_sheet

def memory(field):
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith(field))

files = {name: open(path, "rb").read() for name, path in json.loads(sys.argv[1]).items()}
try:  # Start the peak afresh (Linux), rather than from Django's start-up.
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")
except OSError:
    pass  # then the peak may be the start-up's: larger, never smaller
before = memory("VmRSS:")
results = {}
for name, content in files.items():
    start = time.perf_counter()
    try:
        outcome = len(read_sheet(name + ".xlsx", content).rows)
    except UnreadableFileError as exc:
        outcome = str(exc)
    results[name] = {"seconds": time.perf_counter() - start, "outcome": outcome}
grown = memory("VmHWM:") - before
print(json.dumps({"grown": grown, "results": results}))
"""


@pytest.fixture(scope="module")
def fresh_process(sheets, tmp_path_factory) -> dict[str, Any]:
    """Read the large sheets in a new Python process, as a worker would: how much its peak
    resident memory grew over what it held before (so at least the most any one of them
    needed), and for each its seconds and the rows read or the message refusing it."""
    folder: Path = tmp_path_factory.mktemp("sheets")
    paths = {}
    for name, content in sheets.items():
        paths[name] = str(folder / f"{name}.xlsx")
        Path(paths[name]).write_bytes(content)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    done = subprocess.run(  # noqa: S603  # this interpreter, running the code above
        [sys.executable, "-c", READ_IN_A_FRESH_PROCESS, json.dumps(paths)],
        capture_output=True,
        check=True,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_reading_the_large_sheets_grows_a_worker_by_well_under_200_mb(fresh_process):
    results = fresh_process["results"]
    assert results["wide"]["outcome"] == MAX_ROWS + 1
    assert results["million rows"]["outcome"] == 2
    assert 0 < fresh_process["grown"] < MEMORY_BUDGET
    assert all(result["seconds"] < FULL for result in results.values())


def test_a_sheet_at_the_row_and_column_limits_is_checked_in_seconds(db, sheets):
    setup = make_setup()

    start = time.perf_counter()
    plan = survey_import_check(survey=setup.survey, file_name="r.xlsx", content=sheets["wide"])
    seconds = time.perf_counter() - start

    assert seconds < FULL
    # Every problem found: 393 unknown columns, and in each of the 2,000 rows an unknown area
    # and five answers that fit no question (Q6 takes any text); the first 10,000 are kept.
    unknown_columns = MAX_COLUMNS - len(HEADER)
    assert plan.problem_count == unknown_columns + MAX_ROWS * 6
    assert len(plan.problems) == MAX_PROBLEMS
    assert [p.column for p in plan.problems[unknown_columns : unknown_columns + 6]] == [
        "local_authority",
        "Q1",
        "Q2",
        "Q3",
        "Q4",
        "Q5",
    ]


def test_a_sheet_claiming_a_million_rows_is_read_to_its_last_row_in_seconds(db, sheets):
    setup = make_setup()

    start = time.perf_counter()
    plan = survey_import_check(
        survey=setup.survey, file_name="r.xlsx", content=sheets["million rows"]
    )
    seconds = time.perf_counter() - start

    assert seconds < FULL
    assert plan.problems == []
    assert [(row.row, row.local_authority) for row in plan.rows] == [(1_048_576, setup.gateshead)]


def test_a_flood_of_empty_elements_is_refused_saying_the_limit(fresh_process):
    result = fresh_process["results"]["empty elements"]

    assert result["outcome"] == (
        f"The selected workbook has more than {MAX_XML_ELEMENTS:,} cells, rows and other "
        "parts, counting empty formatted cells: copy the returns into a new workbook, or save "
        "them as CSV UTF-8 (.csv), and upload that"
    )
    assert result["seconds"] < FULL


def test_the_issues_1500_by_1000_workbook_is_refused_at_its_401st_column(db):
    content = the_issues_example()

    result, seconds, peak = measured(lambda: read_sheet("r.xlsx", content))

    assert str(result).startswith(
        f"The selected file has more than {MAX_COLUMNS} columns (cell OK1 is filled in)"
    )
    assert seconds < QUICK
    assert peak < 10 * MB


def rows_file(file_type: str, count: int) -> bytes:
    rows = [HEADER, *([f"E0800{n:04}", "Yes"] for n in range(count))]
    if file_type == "csv":
        return csv_file(rows)
    return raw_xlsx(xml_row(n, row) for n, row in enumerate(rows, start=1))


@pytest.mark.parametrize("file_type", ["csv", "xlsx"])
def test_more_rows_than_the_limit_are_refused_saying_the_limit(db, file_type):
    with pytest.raises(UnreadableFileError) as refused:
        read_sheet(f"r.{file_type}", rows_file(file_type, MAX_ROWS + 1))

    assert str(refused.value) == (
        "The selected file has more than 2,000 rows below its header: a survey file has one "
        "row per area, so check it is the right file"
    )
    assert len(read_sheet(f"r.{file_type}", rows_file(file_type, MAX_ROWS)).rows) == MAX_ROWS + 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"a," * (5 * MB // 2), "The selected file has more than 400 columns (column 2,621,440"),
        (b"\r\n" * (5 * MB // 2), "The selected file is empty"),
        (b'"' + b"x" * (5 * MB - 1), None),
    ],
    ids=["one row of 2.6 million cells", "5 MB of blank lines", "one 5 MB cell"],
)
def test_a_5_mb_csv_of_any_shape_is_read_in_seconds(db, content, message):
    result, seconds, peak = measured(lambda: read_sheet("r.csv", content))

    if message:
        assert str(result).startswith(message)
    else:  # an unclosed quote: one cell, listed as too long
        assert [(p.row, p.column) for p in result.problems] == [(1, 0)]
    assert seconds < QUICK
    assert peak < MEMORY_BUDGET


def test_a_wide_csv_row_names_its_last_filled_cell(db):
    content = csv_file([HEADER, [*GATESHEAD, *([""] * 500), "stray"]])

    with pytest.raises(UnreadableFileError) as refused:
        read_sheet("r.csv", content)

    assert str(refused.value) == (
        "The selected file has more than 400 columns (cell SN2 is filled in): a survey file "
        "has a column per question, so delete the columns after the last question and upload "
        "it again"
    )


def test_empty_cells_past_the_column_limit_are_allowed(db):
    setup = make_setup()
    content = csv_file([HEADER + [""] * 600, GATESHEAD + [""] * 600])

    plan = survey_import_check(survey=setup.survey, file_name="r.csv", content=content)

    assert plan.problems == []


def test_the_upload_page_says_the_limits(staff_client):
    setup = make_setup()

    response = staff_client.get(
        reverse("surveys:import_upload", kwargs={"slug": setup.survey.slug})
    )

    assert (
        "no more than 2,000 rows below the header, 400 columns and 10,000 characters in a cell; "
        "an Excel workbook no larger than 50 MB when unpacked"
    ) in parse(response.content).text()
