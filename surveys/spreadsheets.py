"""Reading the survey's files: CSV (UTF-8 with or without BOM, or Excel's Windows-1252) and
XLSX, refusing what it cannot trust with a message that says why. Writing is
`mash_survey.spreadsheets`.

Reading is bounded in memory and time whatever the file holds, so a small file that unpacks
to a huge one (an XLSX is a zip) cannot exhaust a worker:

- the upload is at most `MAX_BYTES`; a workbook's parts, as its zip declares them, at most
  `MAX_UNPACKED_BYTES` together, checked before any part is opened (the zip module then
  refuses a part that inflates past its declared size);
- an XLSX is read as a stream with the standard library's expat parser (not openpyxl, whose
  read-only mode still pads every row to the sheet's claimed width and every gap between
  rows): only the first worksheet, up to the end of its cells, plus the shared strings, the
  styles (which numbers are dates) and the workbook's list of sheets. A DOCTYPE is refused
  (no entities), the parts read may hold at most `MAX_XML_ELEMENTS` elements together (which
  bounds the time), and a single tag or comment at most `MAX_XML_TOKEN_BYTES` (expat buffers
  a token whole, and re-reads it as it grows);
- a file may have at most `MAX_ROWS` rows below its header and `MAX_COLUMNS` columns; the
  read stops, refusing the file, as soon as either is passed;
- a cell keeps at most `MAX_CELL_CHARS` characters: reading one stops collecting there, and the
  cell is reported.

A cell the import cannot take is not a reason to stop reading: each formula, each cell
holding a control character (a NUL byte, an escape: anything below a space but tab, carriage
return and line feed, and DEL) and each over-long cell is listed in `Sheet.problems` with its
row and column, and its value in `Sheet.rows` is `BAD_CELL`, so the checks after it skip it.
The whole file is read for them, not a sample. Only a file that is not text at all (a known
binary signature, UTF-16, or more than a few control bytes in its first 8 KB) or XML that
cannot hold the character (a raw NUL byte in a workbook) is refused as a whole.
"""

import contextlib
import csv
import datetime as dt
import io
import itertools
import posixpath
import pyexpat
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.cell import get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from mash_survey.api_renderers import FORMULA_PREFIXES
from mash_survey.clean_input import CONTROL
from mash_survey.errors import ServiceError

# ----- Limits ---------------------------------------------------------------------------------

MB = 1024 * 1024
#: The largest upload.
MAX_BYTES = 5 * MB
#: Rows below the header (blank rows not counted). A survey file has one row per area: 152.
MAX_ROWS = 2_000
#: Columns: the area, the export's four columns for people and one per question.
MAX_COLUMNS = 400
#: Characters in one cell (the longest free-text answer a file may carry).
MAX_CELL_CHARS = 10_000
#: A workbook's parts together, unpacked, as its zip declares them.
MAX_UNPACKED_BYTES = 50 * MB
#: XML elements in the parts of a workbook that are read, empty cells and rows included (a
#: full sheet at the row and column limits, with its shared texts, has 3.2 million).
MAX_XML_ELEMENTS = 4_000_000
#: One tag, comment or processing instruction in a workbook's XML.
MAX_XML_TOKEN_BYTES = 1 * MB
#: Problems with cells kept to list (more are counted, not kept).
MAX_CELL_PROBLEMS = 10_000

EXTENSIONS = (".csv", ".xlsx")

# A cell may be as long as a file may be (the standard library stops at 128 KB): an over-long
# cell is reported by its row and column, not as a file the csv module cannot read.
csv.field_size_limit(MAX_BYTES)

EMPTY_MESSAGE = "The selected file is empty"
TOO_BIG_MESSAGE = "The selected file must be 5 MB or smaller"
WRONG_TYPE_MESSAGE = "The selected file must be a CSV or XLSX"
NOT_TEXT_MESSAGE = (
    "The selected file is not a CSV file: save it from your spreadsheet as "
    "CSV UTF-8 (.csv) or as an Excel workbook (.xlsx) and upload it again"
)
NOT_XLSX_MESSAGE = (
    "The selected file is not a valid Excel workbook: save it again as .xlsx, or as "
    "CSV UTF-8 (.csv), and upload it again"
)
TOO_MANY_ROWS_MESSAGE = (
    f"The selected file has more than {MAX_ROWS:,} rows below its header: a survey file has "
    "one row per area, so check it is the right file"
)
UNPACKED_MESSAGE = (
    f"The selected workbook is larger than {MAX_UNPACKED_BYTES // MB} MB when unpacked: copy "
    "the returns into a new workbook, or save them as CSV UTF-8 (.csv), and upload that"
)
TOO_COMPLEX_MESSAGE = (
    f"The selected workbook has more than {MAX_XML_ELEMENTS:,} cells, rows and other parts, "
    "counting empty formatted cells: copy the returns into a new workbook, or save them as "
    "CSV UTF-8 (.csv), and upload that"
)


def cell_name(row: int, column: int) -> str:
    """How a message names a cell: "cell E2" for row 2 and column 4 (0 is A), or by the
    column's number past the last a spreadsheet can have (XFD)."""
    if column < 16384:
        return f"cell {get_column_letter(column + 1)}{row}"
    return f"column {column + 1:,} of row {row}"


def too_many_columns_message(where: str) -> str:
    return (
        f"The selected file has more than {MAX_COLUMNS:,} columns ({where} is filled in): "
        "a survey file has a column per question, so delete the columns after the last "
        "question and upload it again"
    )


def formula_message(cell: str) -> str:
    return (
        f"cell {cell} holds a formula; replace each formula with its value (copy, then paste "
        "values)"
    )


def control_message(cell: str) -> str:
    return (
        f"cell {cell} holds a control character (such as a NUL byte); delete it: a cell can "
        "hold text, tabs and line breaks"
    )


def too_long_message(cell: str) -> str:
    return f"cell {cell} has more than {MAX_CELL_CHARS:,} characters; shorten it"


class UnreadableFileError(ServiceError):
    """The file as a whole cannot be read; nothing in it was looked at further."""


class _BadCell(str):
    """The value of a cell that was reported and is not to be checked further."""


#: A refused cell's value: empty (so rows and columns read as they would without it), and
#: told apart by identity (`cell is BAD_CELL`). One object, however many cells are refused.
BAD_CELL = _BadCell("")


@dataclass(frozen=True, slots=True)
class CellProblem:
    row: int  # as in the file: 1 is the first row
    column: int  # 0 is the first column
    message: str


@dataclass
class Sheet:
    """The non-empty rows of a file's first sheet as text, the header row first.

    `row_numbers[i]` is the row of `rows[i]` in the file (1 is the first row), so messages
    name the row a person sees in their spreadsheet even when blank rows were skipped.
    `problems` lists the cells that could not be taken (in file order, the first
    `MAX_CELL_PROBLEMS`; `more_problems` counts the rest).
    """

    rows: list[list[str]]
    row_numbers: list[int] = field(default_factory=list)
    problems: list[CellProblem] = field(default_factory=list)
    more_problems: int = 0

    def numbered(self) -> list[tuple[int, list[str]]]:
        numbers = self.row_numbers or list(range(1, len(self.rows) + 1))
        return list(zip(numbers, self.rows, strict=True))


class _Collector:
    """Builds a Sheet row by row, enforcing the row limit and keeping cell problems."""

    def __init__(self) -> None:
        self.sheet = Sheet(rows=[])

    def problem(self, row: int, column: int, message: Callable[[str], str]) -> str:
        if len(self.sheet.problems) < MAX_CELL_PROBLEMS:
            cell = f"{get_column_letter(column + 1)}{row}"
            self.sheet.problems.append(CellProblem(row, column, message(cell)))
        else:
            self.sheet.more_problems += 1
        return BAD_CELL

    def row(self, number: int, cells: list[str]) -> None:
        if not any(cells) and not any(cell is BAD_CELL for cell in cells):
            return  # a blank row
        if len(self.sheet.rows) > MAX_ROWS:  # the header and MAX_ROWS rows are kept
            raise UnreadableFileError(TOO_MANY_ROWS_MESSAGE)
        self.sheet.rows.append(cells)
        self.sheet.row_numbers.append(number)


def check_upload(file_name: str, size: int) -> None:
    """The checks that need neither the content nor a parser: type and size."""
    if not file_name.lower().endswith(EXTENSIONS):
        raise UnreadableFileError(WRONG_TYPE_MESSAGE)
    if size == 0:
        raise UnreadableFileError(EMPTY_MESSAGE)
    if size > MAX_BYTES:
        raise UnreadableFileError(TOO_BIG_MESSAGE)


def unquote(text: str) -> str:
    """Undo neutralise_formula: `'=A1` as written by our export reads back as `=A1`."""
    if text.startswith("'") and text[1:2] and text[1:2] in FORMULA_PREFIXES:
        return text[1:]
    return text


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):  # Excel dates arrive as datetimes
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return unquote(str(value).strip())


def read_sheet(file_name: str, content: bytes) -> Sheet:
    """Read a CSV or XLSX upload, refusing empty, oversized, binary and unreadable files, and
    listing each cell that holds a formula, a control character or too much text."""
    check_upload(file_name, len(content))
    is_xlsx = file_name.lower().endswith(".xlsx")
    sheet = _read_xlsx(content) if is_xlsx else _read_csv(content)
    if not sheet.rows:
        raise UnreadableFileError(EMPTY_MESSAGE)
    header = sheet.rows[0]
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        raise UnreadableFileError(
            "The selected file's columns are separated by semicolons or tabs: save it as "
            "CSV UTF-8 (comma delimited) and upload it again"
        )
    return sheet


# ----- CSV ------------------------------------------------------------------------------------

#: How files that are not text begin: a zip (an XLSX, a Word file), an old Excel or Word file,
#: a PDF, images.
_BINARY_STARTS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_CONTROL_BYTES = re.compile(CONTROL.pattern.encode())  # the same characters, as bytes
#: More control bytes than this in a file's first 8 KB: it is not text (a stray NUL or two
#: in a CSV is reported by its row and column instead).
_BINARY_CONTROL_BYTES = 8


def _decode(content: bytes) -> str:
    if content.startswith(_UTF16_BOMS):
        raise UnreadableFileError(
            "The selected file is saved as Unicode text (UTF-16): save it as CSV UTF-8 (.csv) "
            "and upload it again"
        )
    start = content[:8192]
    if (
        content.startswith(_BINARY_STARTS)
        or len(_CONTROL_BYTES.findall(start)) > _BINARY_CONTROL_BYTES
    ):
        raise UnreadableFileError(NOT_TEXT_MESSAGE)
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFileError(
        "The selected file's text cannot be read: save it as CSV UTF-8 (.csv) and upload it again"
    )


def _read_csv(content: bytes) -> Sheet:
    text = _decode(content)
    check_control = CONTROL.search(text) is not None
    collector = _Collector()
    try:
        # Rows, not lines: a quoted cell with a line break in it is still one row, as in a
        # spreadsheet, so messages name the row a person sees.
        for number, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            if not row:
                continue
            if len(row) > MAX_COLUMNS and any(itertools.islice(row, MAX_COLUMNS, None)):
                last = max(i for i, cell in enumerate(row) if cell)
                raise UnreadableFileError(too_many_columns_message(cell_name(number, last)))
            cells: list[str] = []
            for index, cell in enumerate(itertools.islice(row, MAX_COLUMNS)):
                if len(cell) > MAX_CELL_CHARS:
                    cells.append(collector.problem(number, index, too_long_message))
                elif check_control and CONTROL.search(cell):
                    cells.append(collector.problem(number, index, control_message))
                else:
                    cells.append(_cell_text(cell))
            collector.row(number, cells)
    except csv.Error:
        raise UnreadableFileError(NOT_TEXT_MESSAGE) from None
    return collector.sheet


# ----- XLSX -----------------------------------------------------------------------------------

_MAIN_NAMESPACES = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",  # ISO strict
)
_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _tags(*names: str) -> dict[str, str]:
    """Each main-namespace element's name as expat gives it ("namespace}name") → its name."""
    return {f"{ns}}}{name}": name for ns in _MAIN_NAMESPACES for name in names}


#: `_x000D_` in a workbook's text is a character the XML could not hold (ECMA-376 ST_Xstring).
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape(text: str) -> str:
    if "_x" not in text:
        return text
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)


class _Stop(Exception):
    """A part's reader has everything it needs."""


def _parse(
    archive: zipfile.ZipFile,
    name: str,
    handlers: dict[str, Any],
    part: str,
) -> None:
    """Stream one part of the workbook through expat with `handlers` (expat's handler
    attributes), bounded: no DOCTYPE, no token over MAX_XML_TOKEN_BYTES, no more bytes than
    the zip declared."""
    parser = pyexpat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.buffer_size = 65536

    def no_doctype(*args: object) -> None:
        raise UnreadableFileError(NOT_XLSX_MESSAGE)

    parser.StartDoctypeDeclHandler = no_doctype
    parser.EntityDeclHandler = no_doctype
    for attribute, handler in handlers.items():
        setattr(parser, attribute, handler)
    try:
        info = archive.getinfo(name)
        fed = 0
        with archive.open(info) as stream:
            while chunk := stream.read(65536):
                fed += len(chunk)
                if fed > info.file_size:
                    raise UnreadableFileError(UNPACKED_MESSAGE)
                parser.Parse(chunk, False)
                if fed - max(parser.CurrentByteIndex, 0) > MAX_XML_TOKEN_BYTES:
                    raise UnreadableFileError(
                        f"The selected workbook's {part} has a tag of more than "
                        f"{MAX_XML_TOKEN_BYTES // MB} MB: save it again as .xlsx, or as CSV "
                        "UTF-8 (.csv), and upload it again"
                    )
            parser.Parse(b"", True)
    except _Stop:
        return
    except pyexpat.ExpatError:
        raise UnreadableFileError(NOT_XLSX_MESSAGE) from None


class _Budget:
    """The XML elements left to read in a workbook (MAX_XML_ELEMENTS for all its parts)."""

    __slots__ = ("left",)

    def __init__(self) -> None:
        self.left = MAX_XML_ELEMENTS


def _relationships(
    archive: zipfile.ZipFile, part: str, budget: _Budget
) -> dict[str, tuple[str, str]]:
    """A part's relationships: id → (type, the target's name in the zip)."""
    folder, file = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{file}.rels")
    found: dict[str, tuple[str, str]] = {}
    if rels not in archive.NameToInfo:
        return found

    def start(name: str, attrs: dict[str, str]) -> None:
        budget.left -= 1
        if budget.left < 0:
            raise UnreadableFileError(TOO_COMPLEX_MESSAGE)
        if name == f"{_RELATIONSHIPS}}}Relationship" and attrs.get("TargetMode") != "External":
            target = attrs.get("Target", "")
            if target.startswith("/"):
                path = target.lstrip("/")
            else:
                path = posixpath.normpath(posixpath.join(folder, target))
            found[attrs.get("Id", "")] = (attrs.get("Type", ""), path)

    _parse(archive, rels, {"StartElementHandler": start}, "list of parts")
    return found


@dataclass
class _Workbook:
    sheet: str  # the first worksheet's part
    shared_strings: str | None
    styles: str | None
    epoch: dt.datetime


def _workbook(archive: zipfile.ZipFile, budget: _Budget) -> _Workbook:
    package = _relationships(archive, "", budget)
    workbook = next(
        (path for kind, path in package.values() if kind.endswith("/officeDocument")),
        "xl/workbook.xml",
    )
    if workbook not in archive.NameToInfo:
        raise UnreadableFileError(NOT_XLSX_MESSAGE)
    parts = _relationships(archive, workbook, budget)
    tags = _tags("sheet", "workbookPr", "sheets")
    sheets: list[str] = []
    epoch = CALENDAR_WINDOWS_1900

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal epoch
        budget.left -= 1
        if budget.left < 0:
            raise UnreadableFileError(TOO_COMPLEX_MESSAGE)
        tag = tags.get(name)
        if tag == "workbookPr" and attrs.get("date1904", "").lower() in ("1", "true"):
            epoch = CALENDAR_MAC_1904
        elif tag == "sheet":
            rid = next((v for k, v in attrs.items() if k.endswith("relationships}id")), "")
            kind, path = parts.get(rid, ("", ""))
            if kind.endswith("/worksheet") and path in archive.NameToInfo:
                sheets.append(path)
                raise _Stop

    def end(name: str) -> None:
        if tags.get(name) == "sheets":
            raise _Stop

    _parse(archive, workbook, {"StartElementHandler": start, "EndElementHandler": end}, "workbook")
    if not sheets:
        raise UnreadableFileError(NOT_XLSX_MESSAGE)

    def part(kind: str) -> str | None:
        return next(
            (p for k, p in parts.values() if k.endswith(kind) and p in archive.NameToInfo), None
        )

    return _Workbook(sheets[0], part("/sharedStrings"), part("/styles"), epoch)


def _date_styles(archive: zipfile.ZipFile, name: str | None, budget: _Budget) -> dict[int, bool]:
    """The cell styles that show a number as a date or time: style index → is a duration."""
    if name is None:
        return {}
    tags = _tags("numFmt", "cellXfs", "xf")
    custom: dict[int, str] = {}
    styles: dict[int, bool] = {}
    in_cell_xfs = False
    index = 0

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal in_cell_xfs, index
        budget.left -= 1
        if budget.left < 0:
            raise UnreadableFileError(TOO_COMPLEX_MESSAGE)
        tag = tags.get(name)
        if tag == "numFmt":
            with contextlib.suppress(ValueError):
                custom[int(attrs.get("numFmtId", ""))] = attrs.get("formatCode", "")[:255]
        elif tag == "cellXfs":
            in_cell_xfs = True
        elif tag == "xf" and in_cell_xfs:
            try:
                number_format = int(attrs.get("numFmtId", "0"))
            except ValueError:
                number_format = 0
            code = custom.get(number_format, BUILTIN_FORMATS.get(number_format, "General"))
            if is_date_format(code):
                styles[index] = is_timedelta_format(code)
            index += 1

    def end(name: str) -> None:
        if tags.get(name) == "cellXfs":
            raise _Stop

    _parse(archive, name, {"StartElementHandler": start, "EndElementHandler": end}, "styles")
    return styles


def _shared_strings(archive: zipfile.ZipFile, name: str | None, budget: _Budget) -> list[str]:
    """The workbook's shared texts, each cut at one character over MAX_CELL_CHARS (so a cell
    holding it is reported as too long) and unescaped."""
    if name is None:
        return []
    tags = _tags("si", "t", "rPh")
    SI, T, RPH = "si", "t", "rPh"
    strings: list[str] = []
    pieces: list[str] = []
    length = 0
    depth_rph = 0
    in_text = False
    limit = MAX_CELL_CHARS + 1
    allowed = budget.left
    count = 0

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal in_text, depth_rph, length, count
        count += 1
        if count > allowed:
            raise UnreadableFileError(TOO_COMPLEX_MESSAGE)
        tag = tags.get(name)
        if tag == T:
            in_text = depth_rph == 0
        elif tag == SI:
            if pieces:
                pieces.clear()
            length = 0
        elif tag == RPH:
            depth_rph += 1

    def end(name: str) -> None:
        nonlocal in_text, depth_rph
        tag = tags.get(name)
        if tag == T:
            in_text = False
        elif tag == SI:
            strings.append(_unescape(pieces[0] if len(pieces) == 1 else "".join(pieces)))
        elif tag == RPH:
            depth_rph -= 1

    def text(data: str) -> None:
        nonlocal length
        if in_text and length < limit:
            pieces.append(data[: limit - length])
            length += len(pieces[-1])

    try:
        _parse(
            archive,
            name,
            {"StartElementHandler": start, "EndElementHandler": end, "CharacterDataHandler": text},
            "shared texts",
        )
    finally:
        budget.left -= count
    return strings


def _number_text(raw: str, style: int, dates: dict[int, bool], epoch: dt.datetime) -> str | None:
    """A number cell's value (a date if its style shows one), or None if it is not a number."""
    number: float | int
    try:
        number = int(raw)
    except ValueError:
        try:
            number = float(raw)
        except ValueError:
            return None
    if style in dates:
        try:
            return _cell_text(from_excel(number, epoch, timedelta=dates[style]))
        except (OverflowError, ValueError, TypeError):
            return raw.strip()
    return _cell_text(number)


def _iso_date_text(raw: str) -> str | None:
    """A date cell's (ISO 8601) date, or None if it is not one."""
    try:
        return dt.datetime.fromisoformat(raw.strip()).date().isoformat()
    except ValueError:
        return None


def _read_xlsx(content: bytes) -> Sheet:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        OSError,
        ValueError,
        EOFError,
    ):
        raise UnreadableFileError(NOT_XLSX_MESSAGE) from None
    with archive:
        # Before opening any part: what the zip says each part unpacks to.
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise UnreadableFileError(UNPACKED_MESSAGE)
        try:
            budget = _Budget()
            book = _workbook(archive, budget)
            dates = _date_styles(archive, book.styles, budget)
            shared = _shared_strings(archive, book.shared_strings, budget)
            return _read_worksheet(archive, book.sheet, shared, dates, book.epoch, budget)
        except (
            zipfile.BadZipFile,  # a part larger than declared, or damaged
            RuntimeError,  # an encrypted part
            NotImplementedError,  # a compression the zip module does not know
            ValueError,
            EOFError,
            zlib.error,
            OSError,
            KeyError,
        ):
            raise UnreadableFileError(NOT_XLSX_MESSAGE) from None


#: A column's letters → its index (0 is column A), for every column a sheet can have.
_COLUMN_INDEX = {get_column_letter(i + 1): i for i in range(16384)}
_DIGITS = "0123456789"


def _checked_text(text: str) -> str | Callable[[str], str]:
    """A text cell's value, or the message for a cell that cannot be taken."""
    if len(text) > MAX_CELL_CHARS:
        return too_long_message
    if CONTROL.search(text):
        return control_message
    return unquote(text.strip())


def _read_worksheet(
    archive: zipfile.ZipFile,
    name: str,
    shared: list[str],
    dates: dict[int, bool],
    epoch: dt.datetime,
    budget: _Budget,
) -> Sheet:
    """Stream the sheet's rows: a cell's value as `_cell_text` gives it for openpyxl's.

    The handlers run once or twice for every cell, so they are written for speed: plain
    locals, the most common elements tested first, each shared text checked once."""
    tags = _tags("row", "c", "v", "f", "is", "t", "rPh", "sheetData")
    ROW, C, V, F, T, RPH, SHEET_DATA = "row", "c", "v", "f", "t", "rPh", "sheetData"
    shared_values = [_checked_text(text) for text in shared]
    collector = _Collector()
    problem = collector.problem
    allowed = budget.left
    count = 0
    # The row being read.
    row_number = 0
    cells: dict[int, str] = {}
    # The cell being read.
    column = 0
    kind = "n"
    style = ""
    formula = False
    collecting = False
    depth_rph = 0
    pieces: list[str] = []
    length = 0
    limit = MAX_CELL_CHARS + 1

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal count, row_number, column, kind, style, formula, collecting, depth_rph, length
        count += 1
        if count > allowed:
            raise UnreadableFileError(TOO_COMPLEX_MESSAGE)
        tag = tags.get(name)
        if tag == C:
            ref = attrs.get("r")
            found = _COLUMN_INDEX.get(ref.rstrip(_DIGITS)) if ref else None
            column = column + 1 if found is None else found
            kind = attrs.get("t", "n")
            style = attrs.get("s", "")
            formula = False
            if pieces:
                pieces.clear()
            length = 0
        elif tag == V:
            collecting = True
        elif tag == ROW:
            try:
                row_number = int(attrs["r"])
            except (KeyError, ValueError):
                row_number += 1
            cells.clear()
            column = -1
        elif tag == T:
            collecting = depth_rph == 0
        elif tag == F:
            formula = True
        elif tag == RPH:
            depth_rph += 1

    def end(name: str) -> None:
        nonlocal collecting, depth_rph
        tag = tags.get(name)
        if tag == C:
            value: str = BAD_CELL
            if not formula:
                value = _value()
            elif column < MAX_COLUMNS:
                value = problem(row_number, column, formula_message)
            if value or value is BAD_CELL:
                if column >= MAX_COLUMNS:
                    where = cell_name(row_number, column)
                    raise UnreadableFileError(too_many_columns_message(where))
                cells[column] = value
        elif tag in (V, T):
            collecting = False
        elif tag == ROW:
            if cells:
                width = max(cells) + 1
                collector.row(row_number, [cells.get(i, "") for i in range(width)])
        elif tag == RPH:
            depth_rph -= 1
        elif tag == SHEET_DATA:
            raise _Stop

    def text(data: str) -> None:
        nonlocal length
        if collecting and length < limit:
            pieces.append(data[: limit - length])
            length += len(pieces[-1])

    def _value() -> str:
        raw = pieces[0] if len(pieces) == 1 else "".join(pieces)
        if not raw:
            return ""  # an empty cell (formatted, or an empty text)
        if kind == "s":
            try:
                checked = shared_values[int(raw)]
            except (ValueError, IndexError):
                raise UnreadableFileError(NOT_XLSX_MESSAGE) from None
        elif kind == "b":
            return "Yes" if raw.strip() in ("1", "true") else "No" if raw.strip() else ""
        elif kind == "d":
            date = _iso_date_text(raw)
            checked = _checked_text(_unescape(raw)) if date is None else date
        elif kind in ("inlineStr", "str", "e"):
            checked = _checked_text(_unescape(raw)[:limit])
        else:  # a number, or text where a number should be
            try:
                index = int(style) if style else 0
            except ValueError:
                index = 0
            number = _number_text(raw, index, dates, epoch)
            checked = _checked_text(_unescape(raw)) if number is None else number
        if isinstance(checked, str):
            return checked
        return problem(row_number, column, checked)

    try:
        _parse(
            archive,
            name,
            {"StartElementHandler": start, "EndElementHandler": end, "CharacterDataHandler": text},
            "first sheet",
        )
    finally:
        budget.left -= count
    return collector.sheet
