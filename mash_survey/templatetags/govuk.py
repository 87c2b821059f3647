"""GOV.UK Design System pieces for templates: `{% load govuk %}`."""

from collections.abc import Sequence
from typing import Any

from django import template
from django.core.paginator import Page
from django.forms.boundfield import BoundField

from mash_survey import pagination
from mash_survey.forms import AuthorityPickerContent, authority_picker

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


@register.simple_tag(name="authority_picker")
def authority_picker_tag(
    field: BoundField, form_show_errors: object = ""
) -> AuthorityPickerContent:
    """The regions of a local authority picker, with their checkboxes, its hint and its
    problems: `{% authority_picker field form_show_errors as picker %}` (see
    `mash_survey.forms.authority_picker`). Only crispy's `form_show_errors` set to False
    hides the problems; a page that does not set it shows them."""
    return authority_picker(field, show_errors=form_show_errors is not False)


@register.simple_tag(name="showing")
def showing_tag(page: Page[Any], singular: str, plural: str) -> str:
    """A list's count over its rows: `{% showing page "visit" "visits" %}` gives "Showing
    51 to 100 of 3,700 visits" (see `mash_survey.pagination.showing`)."""
    return pagination.showing(page, singular, plural)
