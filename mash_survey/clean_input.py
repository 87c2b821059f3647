"""Control characters (a NUL byte, a backspace, an escape…) are never taken from a request:
not in a filter, a form field or a field's name, whatever page or API endpoint it is sent to.
PostgreSQL cannot store a NUL byte at all, and no one types the others.

`RefuseControlCharacters` (a middleware) answers such a request with 400 and a message that
names the field, before any view reads it. Tabs and line breaks are text, and allowed. Files
are the import's to check, whole (`surveys.forms_files`).
"""

import re
from collections.abc import Callable, Iterable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def has_control_characters(text: str) -> bool:
    return bool(CONTROL.search(text))


def _first_bad(pairs: Iterable[tuple[str, list[str]]]) -> str | None:
    for name, values in pairs:
        if has_control_characters(name) or any(has_control_characters(v) for v in values):
            return CONTROL.sub("", name)[:60] or "a field"
    return None


class RefuseControlCharacters:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = _first_bad(request.GET.lists())
        if name is None and request.method == "POST" and request.content_type in FORM_TYPES:
            name = _first_bad(request.POST.lists())
        if name is None:
            return self.get_response(request)
        message = (
            f"Remove the control character (such as a NUL byte) from {name}: "
            "only text, tabs and line breaks can be sent"
        )
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=400)
        return render(request, "400.html", {"message": message}, status=400)
