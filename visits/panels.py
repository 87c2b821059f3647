"""The visits section of an area's page (registered in apps.py; `areas` never imports us)."""

from django.http import HttpRequest
from django.urls import reverse

from areas.models import LocalAuthority
from areas.panels import AreaPanel
from mash_survey.pagination import page_of
from mash_survey.roles import is_staff_member

from . import queries


def area_visits_panel(request: HttpRequest, authority: LocalAuthority) -> AreaPanel | None:
    """The area's visits, for project members only (nobody else learns an area was visited),
    a page at a time: the area's page has `?page=` for this list alone."""
    if not is_staff_member(request.user):
        return None
    page = page_of(request, queries.visit_list_for_area(authority))
    visits = list(page.object_list)
    if not visits:
        return None
    rows = [
        {
            "visit": visit,
            "href": reverse("visits:detail", kwargs={"pk": visit.pk}),
            "feedback_href": (
                reverse("visits:feedback", kwargs={"pk": visit.pk})
                if visit.has_feedback  # annotated by the query
                else ""
            ),
        }
        for visit in visits
    ]
    context = {
        "page": page,
        "visits": rows,
        "illustrative": any(visit.is_illustrative for visit in visits),
    }
    return AreaPanel(template="visits/area_panel.html", context=context, order=30)
