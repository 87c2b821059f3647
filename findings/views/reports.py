"""The coding reports for project staff: every table on one page, each also as CSV and XLSX,
and each theme's coded excerpts as a spreadsheet with links to their sources."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from mash_survey.access import member_required
from surveys.exports import CONTENT_TYPES
from surveys.spreadsheets import write_csv, write_xlsx

from .. import queries, reports
from ..models import Theme


@member_required
def report_list(request: HttpRequest) -> HttpResponse:
    themes = queries.codebook()
    return render(
        request,
        "findings/reports/index.html",
        {
            "reports": reports.coding_reports(themes),
            "themes": themes,
            "areas_visited": queries.areas_visited(),
            "illustrative": any(t.is_illustrative for t in themes),
        },
    )


def _download(fmt: str, name: str, title: str, rows: list[list[reports.Cell]]) -> HttpResponse:
    """A table to download as CSV or XLSX (private: it is not cached)."""
    if fmt not in CONTENT_TYPES:
        raise Http404("Choose CSV or XLSX")
    content = write_csv(rows) if fmt == "csv" else write_xlsx([(title, rows)])
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


@member_required
def report_download(request: HttpRequest, report: str, fmt: str) -> HttpResponse:
    table = reports.coding_report(report)
    return _download(fmt, f"coding-{table.slug}", table.title, table.table())


@member_required
def theme_excerpts_download(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    theme = get_object_or_404(Theme, slug=slug)
    rows = reports.theme_excerpts_table(theme, absolute=request.build_absolute_uri)
    return _download(fmt, f"coded-excerpts-{theme.slug}", "Coded excerpts", rows)
