"""Writing spreadsheets people download: CSV (UTF-8 with a BOM, so Excel reads it) and XLSX,
every text cell safe to open (a formula is kept as text), and the download response itself.

Both are written row by row from an iterable, so a file of any size takes the same memory:
`csv_chunks` yields the CSV in pieces (what `streamed_download` sends as it is written), and
`xlsx_file` writes a write-only workbook to a temporary file (spilled to disk past 1 MiB)
that the response then reads from. `write_csv` and `write_xlsx` are the same files as bytes.

`download(fmt, name, sheets)` offers a table already in memory as CSV or XLSX;
`streamed_download(fmt, name, sheets)` offers rows read as they are written (a query's
iterator). An unknown format is a 404, and the file is private (not cached).

Every download says whether it is an audit event: `audited=request` for a file of data that
is not public (returns, coded excerpts, the audit events themselves: an `exported` event
naming the file), `audited=None` for one anyone may have (a public question's figures, a
blank template).
"""

import csv
import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from itertools import islice
from typing import IO

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from . import audit
from .api_renderers import FORMULA_PREFIXES, neutralise_formula
from .models import AuditKind

Cell = str | int | Decimal | dt.date | None
Rows = Iterable[Sequence[Cell]]

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"csv": CSV_CONTENT_TYPE, "xlsx": XLSX_CONTENT_TYPE}
#: About how many characters of CSV each piece of a streamed download holds.
CSV_CHUNK_CHARS = 64 * 1024
#: Column widths are measured on a sheet's first rows (a write-only sheet sets them first).
XLSX_WIDTH_ROWS = 500
#: An XLSX smaller than this is built in memory, a bigger one in a temporary file.
XLSX_IN_MEMORY_BYTES = 1024 * 1024


def _csv_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, str):
        return str(neutralise_formula(cell))
    if isinstance(cell, Decimal):
        return f"{cell.normalize():f}"
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell)


class _Echo:
    """A file that hands back what is written to it: `csv.writer` formats, we stream."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(rows: Rows) -> Iterator[bytes]:
    """The CSV file in pieces of about CSV_CHUNK_CHARS: UTF-8 with a BOM first (so Excel
    reads it), every text cell formula-safe; rows are read as the pieces are written."""
    writer = csv.writer(_Echo())
    piece = ["\ufeff"]
    size = 1
    for row in rows:
        line: str = writer.writerow(
            [
                # Most cells are plain text: written as they are, without a call.
                cell
                if type(cell) is str and not cell.startswith(FORMULA_PREFIXES)
                else _csv_text(cell)
                for cell in row
            ]
        )
        piece.append(line)
        size += len(line)
        if size >= CSV_CHUNK_CHARS:
            yield "".join(piece).encode("utf-8")
            piece, size = [], 0
    if piece:
        yield "".join(piece).encode("utf-8")


def write_csv(rows: Rows) -> bytes:
    """CSV in UTF-8 with a BOM (so Excel reads it), every text cell formula-safe."""
    return b"".join(csv_chunks(rows))


def _xlsx_value(cell: Cell) -> object:
    if isinstance(cell, str):
        return neutralise_formula(cell)
    if isinstance(cell, Decimal):
        # Whole numbers as integers, so a spreadsheet shows 120 rather than 120.00.
        return int(cell) if cell == cell.to_integral_value() else cell
    return cell


def _widths(rows: list[list[object]]) -> list[int]:
    """Each column as wide as its longest value (from 10 to 60 characters)."""
    longest: list[int] = [0] * max((len(row) for row in rows), default=1)
    for row in rows:
        for i, value in enumerate(row):
            longest[i] = max(longest[i], len(str(value or "")))
    return [min(max(width, 10), 60) for width in longest]


def xlsx_file(sheets: Sequence[tuple[str, Rows]]) -> IO[bytes]:
    """An XLSX workbook of named sheets, in a temporary file read from its start: text that
    looks like a formula is kept as text, numbers and dates are typed cells (a date shown as
    yyyy-mm-dd). Written row by row (openpyxl's write-only mode), so its memory does not grow
    with the rows; columns are as wide as the longest of their first XLSX_WIDTH_ROWS cells."""
    workbook = Workbook(write_only=True)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        remaining = iter(rows)
        first = [[_xlsx_value(cell) for cell in row] for row in islice(remaining, XLSX_WIDTH_ROWS)]
        for index, width in enumerate(_widths(first), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        for values in first:
            sheet.append(values)
        for row in remaining:
            sheet.append([_xlsx_value(cell) for cell in row])
    file = tempfile.SpooledTemporaryFile(max_size=XLSX_IN_MEMORY_BYTES)  # noqa: SIM115 - the response closes it
    workbook.save(file)
    file.seek(0)
    return file


def write_xlsx(sheets: Sequence[tuple[str, Rows]]) -> bytes:
    """The XLSX workbook of `xlsx_file`, as bytes."""
    with xlsx_file(sheets) as file:
        return file.read()


def check_format(fmt: str) -> None:
    """A download's format from its URL: CSV or XLSX, anything else is a 404."""
    if fmt not in CONTENT_TYPES:
        raise Http404("Choose CSV or XLSX")


def _private_download(
    response: HttpResponse | StreamingHttpResponse,
    fmt: str,
    name: str,
    audited: HttpRequest | None,
) -> None:
    response["Content-Type"] = CONTENT_TYPES[fmt]
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    if audited is not None:
        audit.record(
            AuditKind.EXPORTED, request=audited, what=f"{name}.{fmt}", detail={"format": fmt}
        )


def attachment(content: bytes, fmt: str, name: str, *, audited: HttpRequest | None) -> HttpResponse:
    """A file written in `fmt`, to download as `name`.`fmt` (private: it is not cached), an
    `exported` audit event of the request `audited` unless that is None."""
    check_format(fmt)
    response = HttpResponse(content)
    _private_download(response, fmt, name, audited)
    return response


def download(
    fmt: str, name: str, sheets: Sequence[tuple[str, Rows]], *, audited: HttpRequest | None
) -> HttpResponse:
    """The sheets as `name`.csv (the first sheet only) or `name`.xlsx to download (`audited`
    as for `attachment`)."""
    check_format(fmt)
    content = write_csv(sheets[0][1]) if fmt == "csv" else write_xlsx(sheets)
    return attachment(content, fmt, name, audited=audited)


def streamed_download(
    fmt: str, name: str, sheets: Sequence[tuple[str, Rows]], *, audited: HttpRequest | None
) -> StreamingHttpResponse:
    """The sheets as `name`.csv (the first sheet only, sent as it is written, its rows read
    as it goes) or `name`.xlsx (written to a temporary file, then sent from it): a download
    whose memory does not grow with its rows (`audited` as for `attachment`)."""
    check_format(fmt)
    response: StreamingHttpResponse
    if fmt == "csv":
        response = StreamingHttpResponse(csv_chunks(sheets[0][1]))
    else:
        response = FileResponse(xlsx_file(sheets))
    _private_download(response, fmt, name, audited)
    return response
