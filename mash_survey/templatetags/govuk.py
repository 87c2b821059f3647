"""GOV.UK Design System pieces for templates: `{% load govuk %}`."""

from django import template

register = template.Library()

NUMERIC = "|numeric"


@register.inclusion_tag("includes/table_head.html")
def table_head(*headings: str) -> dict[str, list[tuple[str, bool]]]:
    """A GOV.UK table's header row, one column a heading; a heading ending in "|numeric" is
    right-aligned for figures: `{% table_head "Region" "Local authorities|numeric" %}`."""
    return {"headings": [(h.removesuffix(NUMERIC), h.endswith(NUMERIC)) for h in headings]}
