"""Conditional requests for content that never changes once stored (a published edition's
pages and files): the response carries an ETag and Last-Modified, and a request that already
has it (If-None-Match, If-Modified-Since) gets 304 Not Modified without the body being read
or rendered."""

from collections.abc import Callable
from datetime import datetime

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag


def conditional(
    request: HttpRequest,
    *,
    etag: str,
    last_modified: datetime,
    respond: Callable[[], HttpResponseBase],
    public: bool = True,
) -> HttpResponseBase:
    """`respond()`'s response with `etag` (unquoted) and `last_modified`, or 304 if the
    caller's copy is current. `public` lets shared caches keep it; pages that differ by who is
    signed in pass False (they are also sent with Vary: Cookie by the session middleware)."""
    quoted = quote_etag(etag)
    stamp = int(last_modified.timestamp())
    not_modified = get_conditional_response(request, etag=quoted, last_modified=stamp)
    response = respond() if not_modified is None else not_modified
    response.headers["ETag"] = quoted
    response.headers["Last-Modified"] = http_date(stamp)
    if public:
        patch_cache_control(response, public=True, max_age=300)
    else:
        patch_cache_control(response, private=True, no_cache=True)
    return response
