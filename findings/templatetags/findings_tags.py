from django import template

from ..models import Excerpt
from ..sources import source_of

register = template.Library()


@register.filter
def source_label(excerpt: Excerpt) -> str:
    """Which text of its source an excerpt is from ("the barriers", "Section: Referral
    pathway"); reads only what the excerpt queries already selected."""
    return source_of(excerpt).label
