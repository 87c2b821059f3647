"""Error reports to Sentry, only when `SENTRY_DSN` is set (`settings.py` calls
`start_error_reporting`).

Free text in this service (visit notes, feedback, case studies, survey answers, searches)
may hold personal data, so a report carries none of what a person sent: no request body,
cookies, query string or credentials headers, no local variables of the failing code (a
form's cleaned data would be there), and no user details (`send_default_pii=False`).
Reports keep the exception, its stack, the path, the request id and the logs before it.
"""

from typing import Any

from .request_log import current_request_id

#: Request headers that can identify or authenticate the caller, or carry another page's
#: query string.
PERSONAL_HEADERS = frozenset({"cookie", "authorization", "x-forwarded-for", "x-real-ip", "referer"})


def without_personal_data(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """Sentry's `before_send`: the event without what the caller sent, with the request id
    its log lines carry."""
    if current_request_id():
        event.setdefault("tags", {})["request_id"] = current_request_id()
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                name: value
                for name, value in headers.items()
                if name.lower() not in PERSONAL_HEADERS
            }
    return event


def sentry_options(*, dsn: str, environment: str, traces_sample_rate: float) -> dict[str, Any]:
    """What `sentry_sdk.init` is given."""
    from sentry_sdk.integrations.django import DjangoIntegration

    return {
        "dsn": dsn,
        "environment": environment or None,
        "traces_sample_rate": traces_sample_rate,
        "integrations": [DjangoIntegration()],
        "send_default_pii": False,
        "max_request_body_size": "never",
        "include_local_variables": False,
        "before_send": without_personal_data,
    }


def start_error_reporting(*, dsn: str, environment: str, traces_sample_rate: float) -> bool:
    """Starts Sentry when a DSN is given; True if it did."""
    if not dsn:
        return False
    import sentry_sdk

    sentry_sdk.init(
        **sentry_options(dsn=dsn, environment=environment, traces_sample_rate=traces_sample_rate)
    )
    return True
