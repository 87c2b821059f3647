"""Files to import, built in the tests: a small survey, three real areas, and CSV or XLSX
bytes from rows.

The survey is survey_with_every_kind(): Q1 yes/no, Q2 single choice (MASH, Co-located team,
Other), Q3 multiple choice (Police, Health, Education), Q4 number, Q5 date (optional), Q6
free text (optional).
"""

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from areas.models import AuthorityType, LocalAuthority
from surveys.imports import survey_import_apply
from surveys.models import ImportBatch, Survey

from ..areas.pages import parse, table_rows
from ..factories import LocalAuthorityFactory, RegionFactory
from .factories import survey_with_every_kind

HEADER = ["local_authority", "Q1", "Q2", "Q3", "Q4", "Q5", "Q6"]
GATESHEAD = ["E08000037", "Yes", "MASH", "Police; Health", "120", "2012-10-01", "Shared IT"]
NEWCASTLE = ["Newcastle upon Tyne", "No", "Other", "Education", "2.5", "", ""]
SUNDERLAND = ["394", "Yes", "Co-located team", "Police", "40", "01/04/2013", ""]


@dataclass
class Setup:
    survey: Survey
    gateshead: LocalAuthority
    newcastle: LocalAuthority
    sunderland: LocalAuthority


def make_setup() -> Setup:
    """The survey and three North East areas (real codes), no returns yet."""
    region = RegionFactory.create(code="E12000001", name="North East", slug="north-east")
    areas = [
        LocalAuthorityFactory.create(
            gss_code=gss,
            gss_code_before_april_2013=old,
            dfe_code=dfe,
            name=name,
            slug=slug,
            type=AuthorityType.METROPOLITAN_DISTRICT,
            region=region,
        )
        for gss, old, dfe, name, slug in (
            ("E08000037", "E08000020", "390", "Gateshead", "gateshead"),
            ("E08000021", "", "391", "Newcastle upon Tyne", "newcastle-upon-tyne"),
            ("E08000024", "", "394", "Sunderland", "sunderland"),
        )
    ]
    return Setup(survey_with_every_kind(), *areas)


def csv_file(
    rows: Sequence[Sequence[object]], *, encoding: str = "utf-8", bom: bool = False
) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode(encoding)


def xlsx_file(rows: Sequence[Sequence[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_RAW_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{_PACKAGE_RELS}"><Relationship Id="rId1" '
        f'Type="{_DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{MAIN_NS}" xmlns:r="{_DOC_RELS}"><sheets>'
        '<sheet name="Returns" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_PACKAGE_RELS}">'
        f'<Relationship Id="rId1" Type="{_DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    ),
}


def raw_xlsx(
    sheet_data: Iterable[bytes], strings: Sequence[str] = (), *, before: str = ""
) -> bytes:
    """An XLSX written part by part, for shapes no spreadsheet program writes: the first
    sheet's `<sheetData>` is the chunks of `sheet_data` (written as they come, so a huge
    sheet is never whole in memory), `strings` the shared texts (cells `t="s"`), `before`
    what comes before `<sheetData>` (such as a `<dimension>`)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in _RAW_PARTS.items():
            archive.writestr(name, text)
        shared = "".join(f"<si><t>{s}</t></si>" for s in strings)
        archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN_NS}">{shared}</sst>')
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(f'<worksheet xmlns="{MAIN_NS}">{before}<sheetData>'.encode())
            for chunk in sheet_data:
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def xml_row(number: int, cells: Sequence[str]) -> bytes:
    """A sheet row of inline text cells (`<row>`, `<c t="inlineStr">`)."""
    return (
        f'<row r="{number}">'
        + "".join(f'<c t="inlineStr"><is><t>{escape(cell)}</t></is></c>' for cell in cells)
        + "</row>"
    ).encode()


def import_csv(
    setup: Setup, rows: Sequence[Sequence[object]], name: str = "returns.csv"
) -> ImportBatch:
    return survey_import_apply(
        survey=setup.survey, file_name=name, content=csv_file(rows), user=None
    )


def row_counts() -> dict[str, int]:
    """How many rows each survey table holds, the history tables included."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_app_config("surveys").get_models()
    }


def use_tmp_media(settings: Any, path: Path) -> None:
    """Keep uploads waiting for confirmation in a test's own folder, not var/media."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(path)},
        },
    }


def upload(client: Client, survey: Survey, name: str, content: bytes) -> Any:
    """POST a file to the upload page; returns the test client's response."""
    url = reverse("surveys:import_upload", kwargs={"slug": survey.slug})
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def page_title(response: HttpResponse) -> str:
    return parse(response.content).find("title").text()


def field_error(response: HttpResponse) -> str:
    """The error message shown at the file field."""
    page = parse(response.content)
    [message] = [el for el in page.iter() if "govuk-error-message" in el.classes]
    return message.text()


def error_summary(response: HttpResponse) -> list[tuple[str, str]]:
    """The error summary's links: (text, target)."""
    summary = parse(response.content).find("div", "govuk-error-summary")
    return [(a.text(), a.attrs["href"]) for a in summary.find_all("a")]


def problems_table(response: HttpResponse) -> list[list[str]]:
    """The rows of the table of problems: row, column, what to fix."""
    page = parse(response.content)
    tables = [t for t in page.find_all("table") if t.attrs.get("id") == "problems"]
    assert tables, "no table of problems on the page"
    return table_rows(tables[0])
