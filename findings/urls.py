from django.urls import path

from .views import index, reports

app_name = "findings"

urlpatterns = [
    path("", index.findings_index, name="index"),
    # Reports: the coding reports for project staff.
    path("reports/", reports.report_list, name="reports"),
    path("reports/<slug:report>.<str:fmt>", reports.report_download, name="report_download"),
    path(
        "reports/themes/<slug:slug>/excerpts.<str:fmt>",
        reports.theme_excerpts_download,
        name="report_theme_excerpts",
    ),
]
