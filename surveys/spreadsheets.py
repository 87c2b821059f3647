"""Reading the survey's files: CSV (UTF-8 with or without BOM, or Excel's Windows-1252) and
XLSX, refusing what it cannot trust with a message that says why. Writing is
`mash_survey.spreadsheets`."""

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from mash_survey.api_renderers import FORMULA_PREFIXES
from mash_survey.errors import ServiceError

MAX_BYTES = 5 * 1024 * 1024
#: More rows than any survey needs (one per area: 152), so a huge sheet is refused early.
MAX_ROWS = 2000
EXTENSIONS = (".csv", ".xlsx")

# A cell may be as long as a file may be (the standard library stops at 128 KB).
csv.field_size_limit(MAX_BYTES)

EMPTY_MESSAGE = "The selected file is empty"
TOO_BIG_MESSAGE = "The selected file must be 5 MB or smaller"
WRONG_TYPE_MESSAGE = "The selected file must be a CSV or XLSX"
NOT_TEXT_MESSAGE = (
    "The selected file is not a CSV file: save it from your spreadsheet as "
    "CSV UTF-8 (.csv) or as an Excel workbook (.xlsx) and upload it again"
)

#: A cell for write_csv / write_xlsx. Numbers and dates are written as such (never as a
#: formula); text is neutralised when a spreadsheet would run it.


class UnreadableFileError(ServiceError):
    """The file as a whole cannot be read; nothing in it was looked at further."""


@dataclass(frozen=True)
class Sheet:
    """The non-empty rows of a file's first sheet as text, the header row first.

    `row_numbers[i]` is the row of `rows[i]` in the file (1 is the first row), so messages
    name the row a person sees in their spreadsheet even when blank rows were skipped.
    """

    rows: list[list[str]]
    row_numbers: list[int] = field(default_factory=list)

    def numbered(self) -> list[tuple[int, list[str]]]:
        numbers = self.row_numbers or list(range(1, len(self.rows) + 1))
        return list(zip(numbers, self.rows, strict=True))


def check_upload(file_name: str, size: int) -> None:
    """The checks that need neither the content nor a parser: type and size."""
    if not file_name.lower().endswith(EXTENSIONS):
        raise UnreadableFileError(WRONG_TYPE_MESSAGE)
    if size == 0:
        raise UnreadableFileError(EMPTY_MESSAGE)
    if size > MAX_BYTES:
        raise UnreadableFileError(TOO_BIG_MESSAGE)


def _decode(content: bytes) -> str:
    if b"\x00" in content[:8192]:
        raise UnreadableFileError(NOT_TEXT_MESSAGE)
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFileError(
        "The selected file's text cannot be read: save it as CSV UTF-8 (.csv) and upload it again"
    )


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
    """Read a CSV or XLSX upload, refusing empty, oversized, binary and formula-bearing files."""
    check_upload(file_name, len(content))
    is_xlsx = file_name.lower().endswith(".xlsx")
    numbered = _read_xlsx(content) if is_xlsx else _read_csv(content)
    if not numbered:
        raise UnreadableFileError(EMPTY_MESSAGE)
    header = numbered[0][1]
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        raise UnreadableFileError(
            "The selected file's columns are separated by semicolons or tabs: save it as "
            "CSV UTF-8 (comma delimited) and upload it again"
        )
    return Sheet(rows=[row for _, row in numbered], row_numbers=[n for n, _ in numbered])


def _keep(numbered: list[tuple[int, list[str]]], number: int, cells: list[str]) -> None:
    if any(cells):
        if len(numbered) >= MAX_ROWS:
            raise UnreadableFileError(
                f"The selected file has more than {MAX_ROWS:,} rows: a survey file has one row "
                "per area, so check it is the right file"
            )
        numbered.append((number, cells))


def _read_csv(content: bytes) -> list[tuple[int, list[str]]]:
    text = _decode(content)
    numbered: list[tuple[int, list[str]]] = []
    try:
        # Rows, not lines: a quoted cell with a line break in it is still one row, as in a
        # spreadsheet, so messages name the row a person sees.
        for number, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            _keep(numbered, number, [_cell_text(cell) for cell in row])
    except csv.Error:
        raise UnreadableFileError(NOT_TEXT_MESSAGE) from None
    return numbered


def _read_xlsx(content: bytes) -> list[tuple[int, list[str]]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise UnreadableFileError(
            "The selected file is not a valid Excel workbook: save it again as .xlsx, or as "
            "CSV UTF-8 (.csv), and upload it again"
        ) from None
    try:
        sheet = workbook.worksheets[0]
        numbered: list[tuple[int, list[str]]] = []
        for number, row in enumerate(sheet.iter_rows(), start=1):
            cells = []
            for index, cell in enumerate(row, start=1):
                if cell.data_type == "f":
                    raise UnreadableFileError(
                        f"The selected file has a formula in cell {get_column_letter(index)}"
                        f"{number}: replace each formula with its value (copy, then paste "
                        "values) and upload it again"
                    )
                cells.append(_cell_text(cell.value))
            while cells and not cells[-1]:
                cells.pop()
            _keep(numbered, number, cells)
        return numbered
    finally:
        workbook.close()
