"""`{% once_field %}`: a create form's one-time token (see mash_survey.once)."""

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from mash_survey import once

register = template.Library()


@register.simple_tag(takes_context=True)
def once_field(context: dict[str, Any]) -> SafeString:
    """A hidden input with a new token, or the one sent (a form shown again keeps its token:
    a preview or a problem made nothing)."""
    request = context.get("request")
    sent = once.token_in(request.POST) if request is not None else None
    return format_html(
        '<input type="hidden" name="{}" value="{}">', once.FIELD, sent or once.new_token()
    )
