"""Public pages served from the cache until the data changes.

A page a visitor who is not signed in gets is the same for every such visitor until a record
changes. So the rendered response is kept in the cache under the data's *generation*, a
number that goes up whenever a transaction that wrote to any of the service's tables
commits (not the audit table: a security event changes no page); the next request reads the
generation (one small query, as `/healthz` makes) and, when the page of that generation is
kept, sends it without rendering. A change therefore shows at once, on every app server,
whatever wrote it: a form, the API, an import, a background job, a management command or a
bulk update (the writes are seen as SQL, so no code path can forget to say it changed
something).

Kept only: GET requests from visitors who are not signed in (no session cookie, no
`Authorization` header, no messages waiting), answered 200 with a whole body, no cookie
set, no form's CSRF token in it and nothing that forbids caching (`private`, `no-store`,
`no-cache`). Never: the API (it counts allowances per caller), the admin, signing in,
`/healthz`, `/readyz` and static files.
A kept page answers a conditional request (its ETag or Last-Modified) with 304.

API lists (`KeptList`, on every list viewset) are kept the same way, per audience, after
the caller is authenticated and counted against its allowance.

`PAGE_CACHE_SECONDS` (default an hour; 0 turns it off) bounds how long an unchanged page
is kept. Several app servers share their pages when `CACHE_URL` names a shared cache;
each keeps its own otherwise, and the generation, being in the database, is always shared.
"""

import hashlib
import re
from collections.abc import Callable
from functools import cache
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache as default_cache
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe
from rest_framework.relations import Hyperlink
from rest_framework.request import Request
from rest_framework.response import Response as ApiResponse

from .audience import audience_of

#: The apps whose tables hold what the pages show.
DATA_APPS = ("areas", "surveys", "visits", "case_studies", "findings", "mash_survey")
GENERATION_TABLE = "mash_survey_datageneration"
#: Tables of the data apps that no page shows: writing to them changes no kept page.
UNWATCHED_TABLES = frozenset({GENERATION_TABLE, "mash_survey_auditevent"})
#: Never kept: what counts callers, signs them in, or must answer live.
SKIPPED_PREFIXES = ("/api/", "/admin/", "/accounts/", "/healthz", "/readyz", "/static/")
#: Request cookies that mean the page may differ for this visitor.
PERSONAL_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")

_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
_BUMP = (
    "INSERT INTO mash_survey_datageneration (id, number) VALUES (1, 1) "
    "ON CONFLICT (id) DO UPDATE SET number = mash_survey_datageneration.number + 1"
)
_MOVE_PAST = (
    "INSERT INTO mash_survey_datageneration (id, number) VALUES (1, %s) "
    "ON CONFLICT (id) DO UPDATE SET number = CASE WHEN mash_survey_datageneration.number > %s "
    "THEN mash_survey_datageneration.number ELSE %s END + 1"
)
_READ = "SELECT number FROM mash_survey_datageneration WHERE id = 1"


@cache
def _data_tables() -> frozenset[str]:
    tables = set()
    for label in DATA_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            tables.add(model._meta.db_table)
    return frozenset(tables - UNWATCHED_TABLES)


# ----- The generation ------------------------------------------------------------------------


def generation(using: str = "default") -> int:
    """The data's generation now (0 before anything was written)."""
    with connections[using].cursor() as cursor:
        cursor.execute(_READ)
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def generation_move_past(number: int, using: str = "default") -> int:
    """After the data was replaced wholesale (a restore: `mash_survey.backups`), move the
    generation past `number` (its value before) and past the one the new data holds, so no
    page kept for either is served again. The new generation."""
    connection = connections[using]
    connection.__dict__.pop("_generation_table", None)  # the tables may have changed too
    with connection.cursor() as cursor:
        cursor.execute(_MOVE_PAST, [number + 1, number, number])
    return generation(using)


_bumpers: dict[str, Callable[[], None]] = {}


def _bumper(alias: str) -> Callable[[], None]:
    """One function per database, so a transaction registers it once however much it writes."""
    if alias not in _bumpers:

        def bump() -> None:
            with connections[alias].cursor() as cursor:
                cursor.execute(_BUMP)

        _bumpers[alias] = bump
    return _bumpers[alias]


def _has_generation_table(connection: BaseDatabaseWrapper) -> bool:
    """False while migrations have not made it yet (only then is it looked up again)."""
    if not getattr(connection, "_generation_table", False):
        with connection.cursor() as cursor:
            names = connection.introspection.table_names(cursor)
        connection._generation_table = GENERATION_TABLE in names  # type: ignore[attr-defined]
    return bool(connection._generation_table)  # type: ignore[attr-defined]


def _watch_writes(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    """After a statement that wrote to a data table, move the generation on when its
    transaction commits (at once outside a transaction; never if it rolls back)."""
    result = execute(sql, params, many, context)
    written = _WRITE.match(sql)
    if written and written.group(1) in _data_tables():
        connection = context["connection"]
        bump = _bumper(connection.alias)
        pending = any(entry[1] is bump for entry in connection.run_on_commit)
        if not pending and _has_generation_table(connection):
            transaction.on_commit(bump, using=connection.alias)
    return result


@receiver(connection_created)
def _install(sender: object, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    if _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_writes)


# ----- The middleware ------------------------------------------------------------------------


def _cacheable_request(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and not request.path.startswith(SKIPPED_PREFIXES)
        and not any(name in request.COOKIES for name in PERSONAL_COOKIES)
        and "authorization" not in request.headers
    )


def _cacheable_response(request: HttpRequest, response: HttpResponseBase) -> bool:
    control = response.get("Cache-Control", "").lower()
    return (
        response.status_code == 200
        # A form's CSRF token belongs to the visitor it was rendered for.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not response.streaming
        and not response.cookies
        and not any(word in control for word in ("private", "no-store", "no-cache"))
    )


def _key(request: HttpRequest, number: int) -> str:
    gzip = "gzip" in request.headers.get("accept-encoding", "")
    where = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"page:{number}:{'gz' if gzip else 'id'}:{where}"


class PublicPageCache:
    """Sends a kept page when the data has not changed since it was rendered (see above).
    Sits outside the compression middleware, so a page is kept compressed as it was sent."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        seconds = settings.PAGE_CACHE_SECONDS
        if not seconds or not _cacheable_request(request):
            return self.get_response(request)
        key = _key(request, generation())
        kept = default_cache.get(key)
        if kept is not None:
            stamp = parse_http_date_safe(kept.get("Last-Modified", ""))
            answer = get_conditional_response(
                request, etag=kept.get("ETag"), last_modified=stamp, response=kept
            )
            return answer or kept
        response = self.get_response(request)
        if _cacheable_response(request, response):
            default_cache.set(key, response, seconds)
        return response


# ----- API lists ---------------------------------------------------------------------------


def _plain(data: Any) -> Any:
    """`data` with its links as plain strings: a DRF hyperlink carries the record it points
    at, which would be kept (and read back on every request) with it."""
    if isinstance(data, dict):
        return {key: _plain(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_plain(value) for value in data]
    if isinstance(data, Hyperlink):
        return str(data)
    return data


class KeptList:
    """For an API viewset: its list's data kept under the data's generation, for each
    audience (what a caller may see depends only on it: `mash_survey.audience`) and address
    (page, filters and format). The caller is still authenticated and counted against its
    allowance first; only the reading and serialising are saved."""

    def list(self, request: Request, *args: Any, **kwargs: Any) -> ApiResponse:
        listed = super().list  # type: ignore[misc]
        return self.kept(request, lambda: listed(request, *args, **kwargs))

    def kept(self, request: Request, respond: Callable[[], ApiResponse]) -> ApiResponse:
        """The kept answer for this request, or `respond()`'s, kept. A viewset whose own
        `list` comes before this class's returns `self.kept(request, ...)` from it."""
        seconds = settings.PAGE_CACHE_SECONDS
        if not seconds:
            return respond()
        where = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
        key = f"api:{generation()}:{audience_of(request).name}:{where}"
        data = default_cache.get(key)
        if data is not None:
            return ApiResponse(data)
        response = respond()
        if response.status_code == 200:
            default_cache.set(key, _plain(response.data), seconds)
        return response
