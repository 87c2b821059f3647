"""Disclosure control in templates: `{% load disclosure %}`."""

from django import template

from mash_survey.disclosure import is_small, min_areas

register = template.Library()


@register.filter
def public_count(count: int) -> int | str:
    """A count of areas as the public may see it: "Fewer than 5" when too small to publish."""
    return f"Fewer than {min_areas()}" if is_small(count) else count
