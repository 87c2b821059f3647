"""GOV.UK Design System pieces for templates: `{% load govuk %}`."""

from collections.abc import Sequence

from django import template
from django.forms.boundfield import BoundField

from mash_survey.forms import AuthorityGroup, authority_groups

register = template.Library()

NUMERIC = "|numeric"


@register.inclusion_tag("includes/table_head.html")
def table_head(*headings: str | Sequence[str]) -> dict[str, list[tuple[str, bool]]]:
    """A GOV.UK table's header row, one column a heading; a heading ending in "|numeric" is
    right-aligned for figures: `{% table_head "Region" "Local authorities|numeric" %}`.
    A list stands for its headings, for columns known only when the page is made:
    `{% table_head report.headings %}`."""
    flat = [h for item in headings for h in ([item] if isinstance(item, str) else item)]
    return {"headings": [(h.removesuffix(NUMERIC), h.endswith(NUMERIC)) for h in flat]}


@register.simple_tag(name="authority_groups")
def authority_groups_tag(field: BoundField) -> list[AuthorityGroup]:
    """The regions of a local authority picker, with their checkboxes:
    `{% authority_groups field as groups %}` (see `mash_survey.forms.authority_groups`)."""
    return authority_groups(field)
