"""The findings section of an area's page (registered in apps.py; `areas` never imports us):
for everyone, the agreed findings that quote the area by name (cleared to name it, still
standing); for project staff, the area's coded excerpts by theme as well."""

from django.http import HttpRequest

from areas.models import LocalAuthority
from areas.panels import AreaPanel
from mash_survey.roles import is_staff_member

from . import queries
from .sources import STALE_LABELS


def area_findings_panel(request: HttpRequest, authority: LocalAuthority) -> AreaPanel | None:
    findings = queries.findings_naming_area(authority)
    coded = queries.excerpts_of_area(authority) if is_staff_member(request.user) else []
    if not findings and not coded:
        return None
    context = {"findings": findings, "coded": coded, "stale_labels": STALE_LABELS}
    return AreaPanel(template="findings/area_panel.html", context=context, order=50)
