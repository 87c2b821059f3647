"""The streaming workbook reader reads a cell as openpyxl does (numbers, dates, times, yes and
no, text, gaps), and a workbook the service exported imports back unchanged."""

import datetime as dt
import io

from django.urls import reverse
from openpyxl import Workbook, load_workbook

from surveys.imports import survey_import_check
from surveys.spreadsheets import _cell_text, read_sheet

from .import_files import GATESHEAD, HEADER, NEWCASTLE, import_csv, make_setup


def openpyxl_rows(content: bytes) -> list[list[str]]:
    """The first sheet's non-empty rows as openpyxl reads them (the reader before this one)."""
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    rows = []
    for row in workbook.worksheets[0].iter_rows(values_only=True):
        cells = [_cell_text(value) for value in row]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            rows.append(cells)
    workbook.close()
    return rows


def test_each_kind_of_cell_reads_as_openpyxl_reads_it():
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["text", "  padded  ", "'=quoted", "Children\u2019s services"])
    sheet.append([120, 2.5, 1e3, -0.125, 1234567890123])
    sheet.append([True, False, None, "", "after two empty cells"])
    sheet.append([dt.date(2012, 10, 1), dt.datetime(2013, 4, 1, 9, 30), dt.time(12, 0)])
    sheet["A4"].number_format = "yyyy-mm-dd"
    sheet["B4"].number_format = "dd/mm/yyyy hh:mm"
    sheet.append([])
    sheet["C7"] = "after a blank row"
    sheet["A9"] = 44000
    sheet["A9"].number_format = "d mmmm yyyy"
    buffer = io.BytesIO()
    workbook.save(buffer)
    content = buffer.getvalue()

    sheet_read = read_sheet("r.xlsx", content)

    assert sheet_read.rows == openpyxl_rows(content)
    assert sheet_read.rows[:2] == [
        ["text", "padded", "=quoted", "Children\u2019s services"],
        ["120", "2.5", "1000", "-0.125", "1234567890123"],
    ]
    assert sheet_read.row_numbers == [1, 2, 3, 4, 7, 9]
    assert sheet_read.rows[3][:2] == ["2012-10-01", "2013-04-01"]
    assert sheet_read.rows[5] == ["2020-06-18"]


def test_an_exported_workbook_imports_back_unchanged(staff_client):
    setup = make_setup()
    import_csv(setup, [HEADER, GATESHEAD, NEWCASTLE])
    url = reverse("surveys:export", kwargs={"slug": setup.survey.slug, "fmt": "xlsx"})
    content = staff_client.get(url).getvalue()

    plan = survey_import_check(survey=setup.survey, file_name="returns.xlsx", content=content)

    assert read_sheet("returns.xlsx", content).rows == openpyxl_rows(content)
    assert plan.problems == []
    assert [row.local_authority.name for row in plan.unchanged] == [
        "Gateshead",
        "Newcastle upon Tyne",
    ]
    assert plan.new == plan.updated == []
