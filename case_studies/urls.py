from django.urls import path

from . import views

app_name = "case_studies"

urlpatterns = [path("", views.case_study_index, name="index")]
