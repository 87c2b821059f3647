from django.urls import path

from .views import authoring, public

app_name = "case_studies"

urlpatterns = [
    path("", public.case_study_list, name="index"),
    path("manage/", authoring.case_study_manage, name="manage"),
    path("new/", authoring.case_study_create, name="create"),
    path("<slug:slug>/", public.case_study_detail, name="detail"),
    path("<slug:slug>.pdf", public.case_study_pdf, name="pdf"),
    path("<slug:slug>/edit/", authoring.case_study_edit, name="edit"),
    path("<slug:slug>/submit/", authoring.case_study_submit, name="submit"),
    path("<slug:slug>/review/", authoring.case_study_review, name="review"),
    path("<slug:slug>/withdraw/", authoring.case_study_withdraw, name="withdraw"),
    path("<slug:slug>/history/", authoring.case_study_history, name="history"),
    path("<slug:slug>/history/redact/", authoring.case_study_redact, name="redact"),
]
