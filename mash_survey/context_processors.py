from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from .roles import is_staff_member

# (label, URL name, the URL namespace that marks it current, shown to project members only)
NAVIGATION = (
    ("Findings", "findings:index", "findings", False),
    ("Case studies", "case_studies:index", "case_studies", False),
    ("Areas", "areas:region_list", "areas", False),
    ("Survey", "surveys:index", "surveys", False),
    ("Visits", "visits:index", "visits", True),
    ("API", "api:docs", "api", False),
)


def service(request: HttpRequest) -> dict[str, Any]:
    """The service name and the navigation for the layout."""
    user = getattr(request, "user", None)
    member = bool(user and is_staff_member(user))
    match = getattr(request, "resolver_match", None)
    namespace = match.namespace if match else ""
    return {
        "service_name": settings.SERVICE_NAME,
        "is_project_member": member,
        "navigation": [
            {"text": label, "href": reverse(name), "current": namespace == ns}
            for label, name, ns, members_only in NAVIGATION
            if member or not members_only
        ],
    }
