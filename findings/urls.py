from django.urls import path

from . import views
from .views import coding

app_name = "findings"

urlpatterns = [
    path("", views.findings_index, name="index"),
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
    # A stand-in for the codebook's theme page (same name and address), so coded excerpts
    # link to their themes until that page arrives.
    path("codebook/<slug:slug>/", coding.codebook_theme, name="codebook_theme"),
    # ----- end of coding -----
]
