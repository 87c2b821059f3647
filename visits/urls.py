from django.urls import path

from .views import editing, pages, quality, review

app_name = "visits"

urlpatterns = [
    path("", pages.visit_list, name="index"),
    path("needs-attention/", pages.needs_attention, name="needs_attention"),
    path("data-quality/", quality.data_quality, name="data_quality"),
    path("data-quality/check/", quality.data_quality_check, name="data_quality_check"),
    path("new/", editing.visit_create, name="create"),
    path("<int:pk>/", pages.visit_detail, name="detail"),
    path("<int:pk>/edit/", editing.visit_edit, name="edit"),
    path("<int:pk>/autosave/", editing.visit_autosave, name="autosave"),
    path("<int:pk>/submit/", review.visit_submit, name="submit"),
    path("<int:pk>/review/", review.visit_review, name="review"),
    path("<int:pk>/history/", review.visit_history, name="history"),
    path("<int:pk>/history/redact/", review.visit_redact, name="redact"),
    path("<int:pk>/feedback/", pages.feedback_detail, name="feedback"),
    path("<int:pk>/feedback/edit/", editing.feedback_edit, name="feedback_edit"),
    path("<int:pk>/feedback/autosave/", editing.feedback_autosave, name="feedback_autosave"),
    path("<int:pk>/feedback/submit/", review.feedback_submit, name="feedback_submit"),
    path("<int:pk>/feedback/review/", review.feedback_review, name="feedback_review"),
    path("<int:pk>/feedback/history/", review.feedback_history, name="feedback_history"),
    path("<int:pk>/feedback/history/redact/", review.feedback_redact, name="feedback_redact"),
]
