"""The case studies section of an area's page (registered in apps.py; `areas` never imports us)."""

from django.http import HttpRequest

from areas.models import LocalAuthority
from areas.panels import AreaPanel

from . import queries


def area_case_studies_panel(request: HttpRequest, authority: LocalAuthority) -> AreaPanel | None:
    """The area's published case studies, for everyone (drafts never appear here)."""
    case_studies = list(queries.published_case_studies_for_area(authority))
    if not case_studies:
        return None
    context = {
        "case_studies": case_studies,
        "illustrative": any(case_study.is_illustrative for case_study in case_studies),
    }
    return AreaPanel(template="case_studies/area_panel.html", context=context, order=40)
