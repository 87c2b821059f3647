from django.urls import path

from .views import entry, imports, quality, selection, stats

app_name = "surveys"

urlpatterns = [
    # Public
    path("", stats.survey_index, name="index"),
    path("<slug:slug>/", stats.survey_statistics, name="detail"),
    path("<slug:slug>/answers-by-area/", stats.answers_by_area, name="answers_by_area"),
    # Project staff: returns
    path("<slug:slug>/returns/", entry.return_list, name="return_list"),
    path(
        "<slug:slug>/returns/not-started.csv", entry.return_not_started, name="return_not_started"
    ),
    path("<slug:slug>/returns/<slug:area>/", entry.return_detail, name="return_detail"),
    path("<slug:slug>/returns/<slug:area>/edit/", entry.return_edit, name="return_edit"),
    path("<slug:slug>/returns/<slug:area>/check/", entry.return_check, name="return_check"),
    path("<slug:slug>/returns/<slug:area>/reopen/", entry.return_reopen, name="return_reopen"),
    path("<slug:slug>/returns/<slug:area>/history/", entry.return_history, name="return_history"),
    path(
        "<slug:slug>/returns/<slug:area>/history/redact/",
        entry.return_redact,
        name="return_redact",
    ),
    # Project staff: data quality
    path("<slug:slug>/data-quality/", quality.data_quality, name="data_quality"),
    path("<slug:slug>/data-quality/check/", quality.data_quality_check, name="data_quality_check"),
    # Project staff: files
    path("<slug:slug>/import/", imports.import_upload, name="import_upload"),
    path("<slug:slug>/import/confirm/", imports.import_confirm, name="import_confirm"),
    path("<slug:slug>/import/batches/", imports.import_batches, name="import_batches"),
    path(
        "<slug:slug>/import/problems/<str:sha256>.csv",
        imports.import_problems,
        name="import_problems",
    ),
    path("<slug:slug>/template.<str:fmt>", imports.template_download, name="template"),
    path("<slug:slug>/returns.<str:fmt>", imports.returns_export, name="export"),
    # Public: one question's figures (after the files above, whose names it would match)
    path("<slug:slug>/<str:code>.csv", stats.question_csv, name="question_csv"),
    # Project staff: choosing areas to visit
    path("<slug:slug>/selection/", selection.selection_list, name="selection"),
    path("<slug:slug>/selection/add/", selection.selection_add, name="selection_add"),
    path(
        "<slug:slug>/selection/<int:pk>/remove/",
        selection.selection_remove,
        name="selection_remove",
    ),
]
