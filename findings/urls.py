from django.urls import path

from .views import (
    coding,
    edition_data,
    edition_pdf,
    editions,
    editions_manage,
    figures,
    manage,
    public,
    reports,
)

app_name = "findings"

urlpatterns = [
    # ----- manage: the codebook, the findings, the public pages -----
    path("", editions.findings_index, name="index"),
    # ----- report editions: the staff workflow (before any /findings/<slug>/ page) -----
    path("editions/manage/", editions_manage.edition_manage, name="edition_manage"),
    path("editions/new/", editions_manage.edition_create, name="edition_create"),
    path("editions/<slug:slug>/", editions_manage.edition_detail, name="edition_detail"),
    path("editions/<slug:slug>/edit/", editions_manage.edition_edit, name="edition_edit"),
    path("editions/<slug:slug>/submit/", editions_manage.edition_submit, name="edition_submit"),
    path(
        "editions/<slug:slug>/withdraw/",
        editions_manage.edition_withdraw,
        name="edition_withdraw",
    ),
    path("editions/<slug:slug>/publish/", editions_manage.edition_publish, name="edition_publish"),
    path(
        "editions/<slug:slug>/progress/",
        editions_manage.edition_progress,
        name="edition_progress",
    ),
    path("editions/<slug:slug>/amend/", editions_manage.edition_amend, name="edition_amend"),
    path("editions/<slug:slug>/history/", editions_manage.edition_history, name="edition_history"),
    # ----- end of report editions: the staff workflow -----
    path("themes/", public.theme_list, name="themes"),
    path("themes/<slug:slug>/", public.theme_detail, name="theme"),
    path("codebook/", manage.codebook, name="codebook"),
    path("codebook.<str:fmt>", manage.codebook_download, name="codebook_download"),
    path("codebook/new/", manage.theme_create, name="theme_create"),
    path("codebook/<slug:slug>/", manage.codebook_theme, name="codebook_theme"),
    path("codebook/<slug:slug>/edit/", manage.theme_edit, name="theme_edit"),
    path("codebook/<slug:slug>/retire/", manage.theme_retire, name="theme_retire"),
    path("codebook/<slug:slug>/delete/", manage.theme_delete, name="theme_delete"),
    path("codebook/<slug:slug>/merge/", manage.theme_merge, name="theme_merge"),
    path("codebook/<slug:slug>/history/", manage.theme_history, name="theme_history"),
    path("manage/", manage.finding_manage, name="manage"),
    path("manage/new/", manage.finding_create, name="finding_create"),
    path("manage/<int:pk>/", manage.finding_detail, name="finding"),
    path("manage/<int:pk>/edit/", manage.finding_edit, name="finding_edit"),
    path("manage/<int:pk>/evidence/", manage.finding_evidence, name="finding_evidence"),
    path("manage/<int:pk>/agree/", manage.finding_agree, name="finding_agree"),
    path("manage/<int:pk>/retire/", manage.finding_retire, name="finding_retire"),
    path("manage/<int:pk>/reopen/", manage.finding_reopen, name="finding_reopen"),
    path("manage/<int:pk>/history/", manage.finding_history, name="finding_history"),
    # Reports: the coding reports for project staff.
    path("reports/", reports.report_list, name="reports"),
    path("reports/<slug:report>.<str:fmt>", reports.report_download, name="report_download"),
    path(
        "reports/themes/<slug:slug>/excerpts.<str:fmt>",
        reports.theme_excerpts_download,
        name="report_theme_excerpts",
    ),
    # Figures: every computed figure for staff, and how each was calculated for everyone.
    path("figures/", figures.figure_list, name="figures"),
    path("figures/<str:key>/", figures.figure_detail, name="figure"),
    # ----- editions: the PDF (before any "<slug:edition>/" pattern) -----
    path("<slug:edition>.pdf", edition_pdf.edition_pdf, name="edition_pdf"),
    # ----- end of editions: the PDF -----
    # ----- coding: the sources' text, excerpts and what needs attention -----
    path("code/visit/<int:pk>/", coding.code_visit, name="code_visit"),
    path("code/feedback/<int:pk>/<str:field>/", coding.code_feedback, name="code_feedback"),
    path("code/section/<int:pk>/", coding.code_section, name="code_section"),
    path("code/answer/<int:pk>/", coding.code_answer, name="code_answer"),
    path("excerpts/<int:pk>/", coding.excerpt_detail, name="excerpt"),
    path("excerpts/<int:pk>/re-anchor/", coding.excerpt_reanchor, name="excerpt_reanchor"),
    path("excerpts/<int:pk>/re-confirm/", coding.excerpt_reconfirm, name="excerpt_reconfirm"),
    path("excerpts/<int:pk>/clearance/", coding.excerpt_clearance, name="excerpt_clearance"),
    path("excerpts/<int:pk>/remove/", coding.excerpt_remove, name="excerpt_remove"),
    path("excerpts/<int:pk>/history/", coding.excerpt_history, name="excerpt_history"),
    path("needs-attention/", coding.needs_attention, name="needs_attention"),
    # ----- end of coding -----
    # ----- a published edition's open data release and manifest (before `<slug>/` pages) -----
    path("<slug:edition>/data.zip", edition_data.data_zip, name="edition_data"),
    path("<slug:edition>/manifest.json", edition_data.manifest, name="edition_manifest"),
    # ----- end of the open data release -----
    # ----- editions: the published report; <slug:edition> patterns stay last -----
    path("editions/", editions.edition_list, name="editions"),
    path("editions/<slug:slug>/preview/", editions.edition_preview, name="edition_preview"),
    path("<slug:edition>/", editions.edition_page, name="edition"),
    path("<slug:edition>/changes/", editions.edition_changes, name="edition_changes"),
    path("<slug:edition>/<slug:theme>/", editions.edition_theme, name="edition_theme"),
    # ----- end of editions -----
]
