"""The coding reports for project staff: every table on one page, each also as CSV and XLSX,
and each theme's coded excerpts as a spreadsheet with links to their sources."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from mash_survey import spreadsheets
from mash_survey.access import member_required

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


@member_required
def report_download(request: HttpRequest, report: str, fmt: str) -> HttpResponse:
    spreadsheets.check_format(fmt)
    table = reports.coding_report(report)
    return spreadsheets.download(
        fmt, f"coding-{table.slug}", [(table.title, table.table())], audited=request
    )


@member_required
def theme_excerpts_download(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    theme = get_object_or_404(Theme, slug=slug)
    spreadsheets.check_format(fmt)
    rows = reports.theme_excerpts_table(theme, absolute=request.build_absolute_uri)
    return spreadsheets.download(
        fmt, f"coded-excerpts-{theme.slug}", [("Coded excerpts", rows)], audited=request
    )
