"""Error reports go to Sentry only when SENTRY_DSN is set, and carry nothing a person typed."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sentry_sdk
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path
from pytest_django.fixtures import Settings

from mash_survey.error_reporting import (
    sentry_options,
    start_error_reporting,
    without_personal_data,
)

ROOT = Path(settings.BASE_DIR)

#: Imports the settings in a process of its own (Sentry, once started, stays for the
#: process) and says what they started.
PROBE = """
import json, sentry_sdk, mash_survey.settings as s
client = sentry_sdk.get_client()
print(json.dumps({
    "active": client.is_active(),
    "dsn": client.options.get("dsn"),
    "environment": client.options.get("environment"),
    "send_default_pii": client.options.get("send_default_pii"),
    "include_local_variables": client.options.get("include_local_variables"),
    "before_send": getattr(client.options.get("before_send"), "__name__", None),
    "log_format": s.LOG_FORMAT,
}))
"""


def settings_started_with(**env: str) -> dict[str, Any]:
    result = subprocess.run(  # noqa: S603 (our own settings, in this interpreter)
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**os.environ, "SECRET_KEY": "probe-only", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    facts: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    return facts


def test_sentry_starts_when_sentry_dsn_is_set_and_sends_no_personal_data() -> None:
    # Nothing is sent: starting the client makes no request (the address is this machine's).
    facts = settings_started_with(
        SENTRY_DSN="http://public@127.0.0.1:9/1", SENTRY_ENVIRONMENT="staging", DEBUG="true"
    )

    assert facts["active"] is True
    assert facts["dsn"] == "http://public@127.0.0.1:9/1"
    assert facts["environment"] == "staging"
    assert facts["send_default_pii"] is False
    assert facts["include_local_variables"] is False
    assert facts["before_send"] == "without_personal_data"
    assert facts["log_format"] == "text", "with DEBUG on, logs are for a terminal"


def test_without_sentry_dsn_nothing_is_started() -> None:
    assert start_error_reporting(dsn="", environment="", traces_sample_rate=0.0) is False
    assert not sentry_sdk.get_client().is_active()  # the suite's settings have no DSN


def test_traces_are_off_unless_asked_for() -> None:
    options = sentry_options(
        dsn="http://public@127.0.0.1:9/1", environment="", traces_sample_rate=0
    )

    assert options["traces_sample_rate"] == 0
    assert options["max_request_body_size"] == "never"
    assert options["environment"] is None


def test_a_report_keeps_the_path_and_drops_what_the_caller_sent() -> None:
    event = {
        "request": {
            "url": "https://mash-survey.example.org/visits/12/notes/",
            "method": "POST",
            "query_string": "q=Jane+Smith",
            "data": {"notes": "Jane Smith, born 1 May 2010"},
            "cookies": {"sessionid": "abc"},
            "env": {"REMOTE_ADDR": "203.0.113.9"},
            "headers": {
                "Cookie": "sessionid=abc",
                "Authorization": "Api-Key secret",
                "Referer": "https://mash-survey.example.org/search/?q=Jane",
                "X-Forwarded-For": "203.0.113.9",
                "User-Agent": "Firefox",
            },
        },
        "exception": {"values": [{"type": "ValueError"}]},
    }

    sent = without_personal_data(event, {})

    assert sent["request"] == {
        "url": "https://mash-survey.example.org/visits/12/notes/",
        "method": "POST",
        "headers": {"User-Agent": "Firefox"},
    }
    assert sent["exception"] == {"values": [{"type": "ValueError"}]}
    assert "Jane" not in json.dumps(sent)


REPORTED: dict[str, Any] = {}


def reporting_view(request: HttpRequest) -> HttpResponse:
    """Reports as an error would be reported, and keeps what would be sent."""
    REPORTED.clear()
    REPORTED.update(without_personal_data({}, {}))
    return HttpResponse("reported")


#: This module is the URL conf of the test below.
urlpatterns = [path("fails", reporting_view)]


@pytest.mark.django_db
def test_a_report_sent_while_answering_a_request_carries_its_id(
    client: Client, settings: Settings
) -> None:
    """The report names the request, so its log lines can be found beside it."""
    settings.ROOT_URLCONF = __name__

    response = client.get("/fails", headers={"X-Request-ID": "report-1"})

    assert response["X-Request-ID"] == "report-1"
    assert REPORTED == {"tags": {"request_id": "report-1"}}
