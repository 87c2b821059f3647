"""Security and audit events: one record of each, in the log and in the audit table.

`record(kind, request=…, user=…, target=…, detail=…)` is the one way an event is written. It
logs one line on the `mash_survey.audit` logger (INFO; WARNING for failures, refusals and
lockouts) with the event's fields under `extra={"audit": {...}}`, then inserts an
`AuditEvent` row (`mash_survey.models`), which nothing in the service changes or deletes.

- Who: the user (or the user name typed at sign-in), or the partner API key (its name and
  public prefix, never its secret). From where: the client address (`client_address`), the
  request id (`request.request_id`, when a middleware set one), the method and the path.
  What: the record (content type and id, named by its kind and id: "Case study 12", never by
  its title, which may hold what a reviewer let through) or a file's name, and a few details
  of the kind. Never a password, and never the text the identifier guard found: only which
  fields and which kinds of identifier.
- A service has no request: `record` takes the request being answered from
  django-simple-history's middleware (`HistoricalRecords.context.request`), so an event
  written by a service called from a page still says where it came from. A job or a
  command has none, and says so by leaving those fields blank.
- Transactions: requests are not wrapped in one (`ATOMIC_REQUESTS` is off), so a refusal,
  a failed sign-in or a 403 is written at once, in its own transaction, and stays whatever
  happens next. An event a service records inside its own transaction (a publication, a
  redaction, an import, identifiers let through) is part of that change: if the change is
  rolled back, nothing happened and the row goes with it; the log line stays.
- Recording never breaks the request: inside a transaction the row is written in a
  savepoint, and if it cannot be written the error is logged and the request goes on.
- The audit table is not part of the data the public pages show, so writing to it does not
  move the page cache's generation (`mash_survey.page_cache`).
- A partner key's use is logged on every request, but kept in the table at most once per key
  an hour (`KEY_USE_SECONDS`, counted in the cache), so the table does not grow with every
  API call and the API pays one cache look-up for it. Refusals are kept every time.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from axes.signals import user_locked_out
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import models, transaction
from django.db.models import QuerySet
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import capfirst
from rest_framework_api_key.models import AbstractAPIKey
from simple_history.models import HistoricalRecords

from .client_address import client_address
from .models import AuditEvent, AuditKind

if TYPE_CHECKING:
    from .spreadsheets import Cell

logger = logging.getLogger("mash_survey.audit")

#: Failures, refusals and lockouts: logged as warnings.
WARNINGS = frozenset(
    {
        AuditKind.SIGN_IN_FAILED,
        AuditKind.LOCKED_OUT,
        AuditKind.API_KEY_REFUSED,
        AuditKind.PERMISSION_REFUSED,
    }
)
#: A partner key's use is kept in the table at most once in this many seconds.
KEY_USE_SECONDS = 60 * 60


def current_request() -> HttpRequest | None:
    """The request being answered in this thread, if any (django-simple-history's
    middleware keeps it for the history rows)."""
    return getattr(HistoricalRecords.context, "request", None)


def _user(user: AbstractBaseUser | AnonymousUser | None) -> User | None:
    """The user, if it is someone signed in."""
    return user if isinstance(user, User) and user.is_authenticated else None


def _named(target: models.Model | None) -> str:
    """A record as "Case study 12": its kind and id, never its own words (a title may hold
    the identifier a reviewer let through, and this table cannot be redacted)."""
    if target is None:
        return ""
    return f"{capfirst(target._meta.verbose_name)} {target.pk}"


def _plain(detail: Mapping[str, Any] | None) -> dict[str, Any]:
    """The details as JSON would store them (dates and other values as text)."""
    plain: dict[str, Any] = json.loads(json.dumps(dict(detail or {}), default=str))
    return plain


def record(
    kind: AuditKind,
    *,
    request: HttpRequest | None = None,
    user: AbstractBaseUser | AnonymousUser | None = None,
    username: str = "",
    api_key: AbstractAPIKey | None = None,
    target: models.Model | None = None,
    what: str = "",
    detail: Mapping[str, Any] | None = None,
    keep: bool = True,
) -> AuditEvent | None:
    """Log the event and keep it in the audit table (not when `keep` is false); the row, or
    None if it was not kept. See the module's docstring for what each field holds."""
    request = request if request is not None else current_request()
    actor = _user(user) or _user(getattr(request, "user", None))
    name = (username or (actor.get_username() if actor is not None else ""))[:150]
    fields: dict[str, Any] = {
        "kind": kind.value,
        "username": name,
        "api_key_name": api_key.name[:50] if api_key is not None else "",
        "api_key_prefix": api_key.prefix[:8] if api_key is not None else "",
        "address": client_address(request)[:100] if request is not None else "",
        "request_id": str(getattr(request, "request_id", "") or "")[:100],
        "method": (request.method or "")[:10] if request is not None else "",
        "path": request.path[:500] if request is not None else "",
        "object_id": str(target.pk)[:150] if target is not None else "",
        "target": (what or _named(target))[:300],
        "detail": _plain(detail),
    }
    _log(kind, {**fields, "user_id": actor.pk if actor is not None else None})
    if not keep:
        return None
    try:
        if target is not None:
            fields["content_type"] = ContentType.objects.get_for_model(type(target))
        if not transaction.get_connection().in_atomic_block:
            # Autocommit (a request's own work): the insert is a transaction of its own.
            return AuditEvent.objects.create(user=actor, **fields)
        with transaction.atomic():  # a savepoint: a failed insert leaves the caller's work alone
            return AuditEvent.objects.create(user=actor, **fields)
    except Exception:
        logger.exception("The %s event could not be kept in the audit table", kind.value)
        return None


def _log(kind: AuditKind, fields: dict[str, Any]) -> None:
    who = (
        f"user {fields['username']!r}"
        if fields["username"]
        else f"API key {fields['api_key_name']!r}"
        if fields["api_key_name"]
        else "no one signed in"
    )
    where = fields["address"] or "no address"
    about = f", {fields['target']}" if fields["target"] else ""
    details = f" ({json.dumps(fields['detail'])})" if fields["detail"] else ""
    level = logging.WARNING if kind in WARNINGS else logging.INFO
    logger.log(
        level, "%s: %s from %s%s%s", kind.label, who, where, about, details, extra={"audit": fields}
    )


def api_key_used(request: HttpRequest, api_key: AbstractAPIKey) -> None:
    """A partner key was accepted: logged every time, kept once per key an hour."""
    try:
        first = bool(cache.add(f"audit:api-key-used:{api_key.pk}", True, timeout=KEY_USE_SECONDS))
    except Exception:  # the cache is down: the log line still has the use; keep no row
        first = False
    record(AuditKind.API_KEY_USED, request=request, api_key=api_key, keep=first)


def locked_out(request: HttpRequest, *, username: str, limit: str) -> None:
    """A sign-in refused because signing in is paused (`limit` says which pause): one event a
    request, however many limits refuse it."""
    if getattr(request, "_audit_locked_out", False):
        return
    request._audit_locked_out = True  # type: ignore[attr-defined]  # this request's mark
    record(AuditKind.LOCKED_OUT, request=request, username=username, detail={"limit": limit})


# ----- Signing in and out: Django's and django-axes' signals -------------------------------


@receiver(user_logged_in, dispatch_uid="audit_signed_in")
def _signed_in_event(
    sender: Any, request: HttpRequest | None, user: AbstractBaseUser, **kwargs: Any
) -> None:
    record(AuditKind.SIGN_IN, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def _sign_in_failed_event(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Only the user name: Django has already masked the password in `credentials`, and
    # nothing else typed is kept.
    record(
        AuditKind.SIGN_IN_FAILED,
        request=request,
        username=str(credentials.get("username") or ""),
    )


@receiver(user_logged_out, dispatch_uid="audit_signed_out")
def _signed_out_event(
    sender: Any, request: HttpRequest | None, user: AbstractBaseUser | None, **kwargs: Any
) -> None:
    if user is not None:
        record(AuditKind.SIGN_OUT, request=request, user=user)


@receiver(user_locked_out, dispatch_uid="audit_axes_locked_out")
def _axes_locked_out_event(
    sender: Any, request: HttpRequest, username: str | None, **kwargs: Any
) -> None:
    locked_out(request, username=username or "", limit="user name at this address")


# ----- Reading the events: the administrators' page and its export ------------------------


@dataclass(frozen=True)
class EventFilter:
    """What the events page is narrowed to; blank means all. A user name matches any part
    of the name; an address matches from its start (so `198.51.100.` finds a network)."""

    kind: str = ""
    username: str = ""
    address: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_events(events_filter: EventFilter) -> QuerySet[AuditEvent]:
    """The events the filter lets through, newest first (the dates are the service's days,
    both ends included)."""
    events = AuditEvent.objects.all()
    if events_filter.kind:
        events = events.filter(kind=events_filter.kind)
    if events_filter.username:
        events = events.filter(username__icontains=events_filter.username)
    if events_filter.address:
        events = events.filter(address__startswith=events_filter.address)
    if events_filter.since:
        events = events.filter(at__gte=_start_of(events_filter.since))
    if events_filter.until:
        events = events.filter(at__lt=_start_of(events_filter.until + dt.timedelta(days=1)))
    return events.order_by("-at", "-pk")


EXPORT_HEADINGS: list[Cell] = [
    "When",
    "Event",
    "User name",
    "API key",
    "API key prefix",
    "Address",
    "Request id",
    "Method",
    "Path",
    "What",
    "Details",
]


def audit_event_rows(events: QuerySet[AuditEvent]) -> Iterator[list[Cell]]:
    """The events as spreadsheet rows, headings first, read in chunks as they are written
    (values, not model instances: the file's memory does not grow with the events)."""
    yield EXPORT_HEADINGS
    labels = dict(AuditKind.choices)
    columns = (
        "at",
        "kind",
        "username",
        "api_key_name",
        "api_key_prefix",
        "address",
        "request_id",
        "method",
        "path",
        "target",
        "detail",
    )
    for at, kind, *texts, detail in events.values_list(*columns).iterator(chunk_size=2000):
        when = timezone.localtime(at).strftime("%Y-%m-%d %H:%M:%S")
        yield [when, labels.get(kind, kind), *texts, json.dumps(detail) if detail else ""]
