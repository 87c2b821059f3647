"""Writing spreadsheets people download: CSV (UTF-8 with a BOM, so Excel reads it) and XLSX,
every text cell safe to open (a formula is kept as text), and the download response itself.

`download(fmt, name, sheets)` is the one way a page offers a table as CSV or XLSX: an unknown
format is a 404, and the file is private (not cached).
"""

import csv
import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal

from django.http import Http404, HttpResponse
from openpyxl import Workbook

from .api_renderers import neutralise_formula

Cell = str | int | Decimal | dt.date | None
Rows = Sequence[Sequence[Cell]]

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"csv": CSV_CONTENT_TYPE, "xlsx": XLSX_CONTENT_TYPE}


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


def write_csv(rows: Rows) -> bytes:
    """CSV in UTF-8 with a BOM (so Excel reads it), every text cell formula-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([_csv_text(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_value(cell: Cell) -> object:
    if isinstance(cell, str):
        return neutralise_formula(cell)
    if isinstance(cell, Decimal):
        # Whole numbers as integers, so a spreadsheet shows 120 rather than 120.00.
        return int(cell) if cell == cell.to_integral_value() else cell
    return cell


def write_xlsx(sheets: Sequence[tuple[str, Rows]]) -> bytes:
    """An XLSX workbook of named sheets; text that looks like a formula is kept as text,
    numbers and dates are typed cells."""
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]  # a new workbook has one sheet
    for title, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        for row in rows:
            sheet.append([_xlsx_value(cell) for cell in row])
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
        for column in sheet.columns:
            width = max((len(str(c.value or "")) for c in column), default=10)
            sheet.column_dimensions[column[0].column_letter].width = min(max(width, 10), 60)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def check_format(fmt: str) -> None:
    """A download's format from its URL: CSV or XLSX, anything else is a 404."""
    if fmt not in CONTENT_TYPES:
        raise Http404("Choose CSV or XLSX")


def attachment(content: bytes, fmt: str, name: str) -> HttpResponse:
    """A file written in `fmt`, to download as `name`.`fmt` (private: it is not cached)."""
    check_format(fmt)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


def download(fmt: str, name: str, sheets: Sequence[tuple[str, Rows]]) -> HttpResponse:
    """The sheets as `name`.csv (the first sheet only) or `name`.xlsx to download."""
    check_format(fmt)
    content = write_csv(sheets[0][1]) if fmt == "csv" else write_xlsx(sheets)
    return attachment(content, fmt, name)
