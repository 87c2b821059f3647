"""Logs: one line per record on standard output, JSON in production, each carrying the id
of the request it was written for; and one access line per request.

- `logging_config()` is the logging set-up of Django (`settings.LOGGING`) and of gunicorn
  (`gunicorn.conf.py`) alike, so every line on standard output has the same shape. `json`
  (python-json-logger): one object a line with `time`, `level`, `logger`, `message`,
  `request_id` and whatever the record carries as `extra`. `text`: for a terminal.
- `RequestLog`, first in `MIDDLEWARE`, gives each request an id: the caller's
  `X-Request-ID` when it is a plain token (at most 64 letters, digits, `.`, `_`, `-`),
  otherwise a new one. It is `request.request_id`, the `X-Request-ID` of the response
  (kept pages and redirects too), and, through a context variable and `RequestIdFilter`,
  the `request_id` of every log line written while the request is answered. Then it writes
  the access line (logger `mash_survey.access`, INFO): method, path without its query
  string (a search may hold a name), status, duration, size, who asked (user id, or the
  partner key's name) and their address (`client_address`).
"""

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.functional import SimpleLazyObject, empty
from pythonjsonlogger.core import RESERVED_ATTRS

from .client_address import client_address

HEADER = "X-Request-ID"
LOG_FORMATS = ("json", "text")
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
access_log = logging.getLogger("mash_survey.access")


def current_request_id() -> str:
    """The id of the request being answered ("" outside a request)."""
    return _request_id.get()


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record a handler writes. Django logs a 4xx
    response after the middleware has returned it, so for its records the id is read from
    the request they carry."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            request = getattr(record, "request", None)
            record.request_id = _request_id.get() or getattr(request, "request_id", "")
        return True


def logging_config(*, level: str, log_format: str) -> dict[str, Any]:
    """The `logging.config.dictConfig` of the service: everything to standard output."""
    if log_format not in LOG_FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {log_format!r}")
    formatters: dict[str, dict[str, Any]] = {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
            # Django's request loggers pass the request object: its repr has the query string.
            "reserved_attrs": [*RESERVED_ATTRS, "request"],
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {log_format: formatters[log_format]},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": log_format,
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level.upper()},
        "loggers": {
            "axes": {"level": "WARNING"},
            # WeasyPrint logs each step of every PDF at INFO.
            "weasyprint": {"level": "WARNING"},
            # runserver's own access line (errors it still logs at WARNING): ours is enough.
            "django.server": {"level": "WARNING"},
        },
    }


# ----- The middleware ------------------------------------------------------------------------


def _request_id_from(request: HttpRequest) -> str:
    given = request.headers.get(HEADER, "")
    return given if _SANE_ID.fullmatch(given) else uuid.uuid4().hex


def _user_id(request: HttpRequest) -> int | None:
    """The signed-in user's id, when the request looked at who is signed in (a page that did
    not is not made to read the session for the log)."""
    user = getattr(request, "user", None)
    # AuthenticationMiddleware's lazy user, not looked at yet (`_wrapped` is how Django's
    # lazy objects know it; django-stubs do not declare it).
    if user is None or (
        isinstance(user, SimpleLazyObject) and getattr(user, "_wrapped", None) is empty
    ):
        return None
    return user.pk if user.is_authenticated else None


def _api_key_name(request: HttpRequest) -> str | None:
    """The partner key's name: the API's authentication puts the key on the request."""
    from rest_framework_api_key.models import AbstractAPIKey

    key = getattr(request, "auth", None)
    return key.name if isinstance(key, AbstractAPIKey) else None


def _size(response: HttpResponseBase) -> int | None:
    if response.has_header("Content-Length"):
        return int(response["Content-Length"])
    return len(response.content) if isinstance(response, HttpResponse) else None


class RequestLog:
    """A request id for each request, and its access line (see above)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        request_id = _request_id_from(request)
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            access_log.info(
                "%s %s %s %sms",
                request.method,
                request.path,
                response.status_code,
                duration_ms,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                    "size": _size(response),
                    "user_id": _user_id(request),
                    "api_key": _api_key_name(request),
                    "client": client_address(request),
                },
            )
            return response
        finally:
            _request_id.reset(token)
