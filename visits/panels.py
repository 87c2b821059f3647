"""The visits section of an area's page (registered in apps.py; `areas` never imports us)."""

from django.http import HttpRequest
from django.urls import reverse

from areas.models import LocalAuthority
from areas.panels import AreaPanel
from mash_survey.roles import is_staff_member

from . import queries


def area_visits_panel(request: HttpRequest, authority: LocalAuthority) -> AreaPanel | None:
    """The area's visits, for project members only: nobody else learns an area was visited."""
    if not is_staff_member(request.user):
        return None
    visits = list(queries.visit_list_for_area(authority))
    if not visits:
        return None
    rows = [
        {
            "visit": visit,
            "href": reverse("visits:detail", kwargs={"pk": visit.pk}),
            "feedback_href": (
                reverse("visits:feedback", kwargs={"pk": visit.pk})
                if visit.has_feedback  # type: ignore[attr-defined]  # annotated by the query
                else ""
            ),
        }
        for visit in visits
    ]
    context = {"visits": rows, "illustrative": any(visit.is_illustrative for visit in visits)}
    return AreaPanel(template="visits/area_panel.html", context=context, order=30)
