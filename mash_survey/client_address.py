"""Who is asking: the caller's address, for API throttling and sign-in limits.

`X-Forwarded-For` is written by whoever sends the request, so only the entries added by
our own proxies can be believed. Each proxy appends the address it received the request
from, so with `TRUSTED_PROXY_COUNT` proxies in front of the service the caller is the
entry that many places from the right; anything to its left came from the caller and is
ignored. With no proxies (the default), the header is ignored and the address is the one
the connection came from.
"""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    proxies: int = settings.TRUSTED_PROXY_COUNT
    remote_addr: str = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies == 0 or not forwarded:
        return remote_addr
    entries = [entry.strip() for entry in forwarded.split(",")]
    return entries[-min(proxies, len(entries))] or remote_addr
