from functools import cache
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from .models import SearchEntry
from .roles import is_staff_member

# (label, URL name, the URL namespace that marks it current, shown to project members only):
# what readers come for first (the findings and case studies), then the survey and register.
NAVIGATION = (
    ("Findings", "findings:index", "findings", False),
    ("Case studies", "case_studies:index", "case_studies", False),
    ("Survey", "surveys:index", "surveys", False),
    ("Areas", "areas:region_list", "areas", False),
    ("Visits", "visits:index", "visits", True),
    ("API", "api:docs", "api", False),
)


@cache
def _illustrative_models() -> list[type[models.Model]]:
    """Every model with an `is_illustrative` flag (the demo content's mark), but the search
    index, which only copies it."""
    return [
        model
        for model in apps.get_models()
        if model is not SearchEntry
        and any(f.name == "is_illustrative" for f in model._meta.get_fields())
    ]


def illustrative_content_exists() -> bool:
    """Whether any demo record is stored: one query, however many kinds of record there are."""
    first, *rest = [
        model._default_manager.filter(is_illustrative=True).values("pk")
        for model in _illustrative_models()
    ]
    return first.union(*rest, all=True).exists()


def service(request: HttpRequest) -> dict[str, Any]:
    """The service name, its phase and the navigation for the layout, and whether demo content
    is loaded (asked only when a page shows the layout, and then once)."""
    user = getattr(request, "user", None)
    member = bool(user and is_staff_member(user))
    match = getattr(request, "resolver_match", None)
    namespace = match.namespace if match else ""
    return {
        "service_name": settings.SERVICE_NAME,
        "service_phase": settings.SERVICE_PHASE,
        "is_project_member": member,
        "navigation": [
            {"text": label, "href": reverse(name), "current": namespace == ns}
            for label, name, ns, members_only in NAVIGATION
            if member or not members_only
        ],
        "shows_illustrative_content": SimpleLazyObject(illustrative_content_exists),
    }
