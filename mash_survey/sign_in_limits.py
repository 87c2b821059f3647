"""Limits on failed sign-ins beyond django-axes' pause for one user name at one address.

django-axes pauses a user name at one address after `AXES_FAILURE_LIMIT` failures. That
alone lets one address try one password against every user name (a password spray), and
lets many addresses keep guessing one account's password. Two more limits, each counted in
the cache over a window that opens at the first failure:

- an address: `SIGN_IN_ADDRESS_LIMIT` failures, whatever the user names, pause every
  sign-in from it until the axes cool-off window ends. Higher than the per-user-name
  limit, so one person's mistakes do not pause colleagues behind the same address.
- an account: `SIGN_IN_ACCOUNT_LIMIT` failures from any addresses pause signing in to it
  until a short window (`SIGN_IN_ACCOUNT_COOLOFF_MINUTES`) ends, except from an address it
  signed in from successfully in the last `KNOWN_ADDRESS_DAYS`. Guessing is slowed to that
  many tries a window, and a stranger cannot keep the owner out from their usual address.

A refused attempt is a failed sign-in as well, and never lengthens a window. Each refused
attempt is a `locked_out` audit event naming the limit (`mash_survey.audit`), as django-axes'
own pause is; django-axes' log lines name the user name and address too
(`AXES_SENSITIVE_PARAMETERS` in the settings), so it can be told who was attacked.
"""

import math
from dataclasses import dataclass
from datetime import timedelta
from hashlib import sha256
from typing import Any

from axes.helpers import get_cool_off
from axes.models import AccessLog
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from . import audit
from .client_address import client_address

KNOWN_ADDRESS_DAYS = 30


@dataclass(frozen=True)
class Window:
    """A limit's counting window for one subject (an address, a user name): it opens at the
    first failure and lasts `length`; the count and the window's end are kept in the cache."""

    name: str
    subject: str
    limit: int
    length: timedelta

    @property
    def _key(self) -> str:
        return f"sign-in:{self.name}:{sha256(self.subject.encode()).hexdigest()}"

    def pause(self) -> timedelta | None:
        """The time left in the window if its limit is reached, otherwise None."""
        found = cache.get_many([f"{self._key}:failures", f"{self._key}:ends"])
        failures, ends = found.get(f"{self._key}:failures"), found.get(f"{self._key}:ends")
        now = timezone.now()
        if failures is None or ends is None or failures < self.limit or ends <= now:
            return None
        return ends - now

    def count_failure(self) -> None:
        ends = timezone.now() + self.length
        timeout = math.ceil(self.length.total_seconds())
        if cache.add(f"{self._key}:ends", ends, timeout=timeout):
            cache.set(f"{self._key}:failures", 1, timeout=timeout)
            return
        try:
            cache.incr(f"{self._key}:failures")
        except ValueError:  # the window ended a moment ago: the next opens with this one
            cache.delete(f"{self._key}:ends")
            self.count_failure()


def _address_window(request: HttpRequest) -> Window:
    return Window(
        "address",
        client_address(request),
        limit=settings.SIGN_IN_ADDRESS_LIMIT,
        length=get_cool_off(request) or timedelta(hours=1),
    )


def _account_window(username: str) -> Window:
    return Window(
        "account",
        username,
        limit=settings.SIGN_IN_ACCOUNT_LIMIT,
        length=timedelta(minutes=settings.SIGN_IN_ACCOUNT_COOLOFF_MINUTES),
    )


def _is_known_address(username: str, address: str) -> bool:
    since = timezone.now() - timedelta(days=KNOWN_ADDRESS_DAYS)
    return AccessLog.objects.filter(
        username=username, ip_address=address, attempt_time__gte=since
    ).exists()


#: Each limit in the words of the audit events (`mash_survey.audit.locked_out`).
LIMIT_NAMES = {"address": "this address, any user name", "account": "this user name, any address"}


def sign_in_pauses(request: HttpRequest, username: str | None) -> dict[str, timedelta]:
    """The time left of each limit that pauses this request, by the limit's name (none if it
    may go ahead)."""
    windows = [_address_window(request)]
    if username and not _is_known_address(username, client_address(request)):
        windows.append(_account_window(username))
    return {window.name: pause for window in windows if (pause := window.pause()) is not None}


class SignInLimitBackend:
    """First of the authentication backends: refuses a paused sign-in before any password
    is checked. Never signs anyone in."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        pauses = sign_in_pauses(request, username)
        if not pauses:
            return None
        pause = max(pauses.values())
        request.sign_in_pause = pause  # type: ignore[attr-defined]  # read by paused_response
        audit.locked_out(
            request,
            username=username or "",
            limit=" and ".join(LIMIT_NAMES[name] for name in pauses),
        )
        # The flag django-axes' own backend sets: AxesMiddleware then answers with
        # AXES_LOCKOUT_CALLABLE (paused_response).
        request.axes_locked_out = True  # type: ignore[attr-defined]
        raise PermissionDenied


@receiver(user_login_failed)
def count_failure(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    if request is None:
        return
    _address_window(request).count_failure()
    username = credentials.get("username")
    if username:
        _account_window(username).count_failure()


def paused_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """The "Too many attempts to sign in" page, for django-axes' pause and ours."""
    pause = getattr(request, "sign_in_pause", None) or get_cool_off(request) or timedelta()
    minutes = max(1, math.ceil(pause.total_seconds() / 60))
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": minutes},
        status=429,
    )
