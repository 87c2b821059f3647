"""Logs: JSON lines, each with the id of the request it was written for; the id comes back as
`X-Request-ID`; one access line per request says what was asked, how it went and who asked."""

import io
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils.module_loading import import_string
from rest_framework.test import APIClient

from mash_survey.request_log import RequestIdFilter, logging_config

pytestmark = pytest.mark.django_db

NEW_ID = re.compile(r"[0-9a-f]{32}")


class Lines:
    """What the service's JSON handler wrote, a parsed object a line."""

    def __init__(self, stream: io.StringIO) -> None:
        self.stream = stream

    def all(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]

    def access(self) -> dict[str, Any]:
        (line,) = [line for line in self.all() if line["logger"] == "mash_survey.access"]
        return line


@pytest.fixture
def logged() -> Iterator[Lines]:
    """The service's JSON handler (formatter and filter as `settings.LOGGING` builds them)
    writing to a string: every logger's warnings, and the service's own lines at INFO (the
    suite runs at WARNING)."""
    formatter_config = dict(logging_config(level="INFO", log_format="json")["formatters"]["json"])
    formatter = import_string(formatter_config.pop("()"))(**formatter_config)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    handler.addFilter(RequestIdFilter())
    root, service = logging.getLogger(), logging.getLogger("mash_survey")
    level = service.level
    root.addHandler(handler)
    service.setLevel(logging.INFO)
    try:
        yield Lines(stream)
    finally:
        root.removeHandler(handler)
        service.setLevel(level)


def test_the_access_line_is_json_with_the_request_id_sent_back(
    client: Client, logged: Lines
) -> None:
    response = client.get("/healthz")

    request_id = response["X-Request-ID"]
    assert NEW_ID.fullmatch(request_id)
    line = logged.access()
    assert line["request_id"] == request_id
    assert line["level"] == "INFO"
    assert line["time"].endswith("+00:00")
    assert line["method"] == "GET"
    assert line["path"] == "/healthz"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], int | float) and line["duration_ms"] >= 0
    assert line["size"] == len(response.content)
    assert line["client"] == "127.0.0.1"
    assert line["user_id"] is None and line["api_key"] is None


def test_each_request_gets_its_own_id(client: Client) -> None:
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]

    assert first != second


def test_a_plain_incoming_request_id_is_kept(client: Client, logged: Lines) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.01_B"})

    assert response["X-Request-ID"] == "lb-7f3a.01_B"
    assert logged.access()["request_id"] == "lb-7f3a.01_B"


@pytest.mark.parametrize(
    "given", ["two words", "<script>", "x" * 65, "id\nINFO forged line", "naïve"]
)
def test_an_incoming_request_id_that_is_not_a_plain_token_is_replaced(
    client: Client, logged: Lines, given: str
) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": given})

    assert NEW_ID.fullmatch(response["X-Request-ID"])
    assert logged.access()["request_id"] == response["X-Request-ID"]
    assert given not in logged.stream.getvalue()


def test_the_access_line_leaves_the_query_string_out(client: Client, logged: Lines) -> None:
    client.get("/search/", {"q": "Jane Smith 1984"})

    assert logged.access()["path"] == "/search/"
    assert "Jane" not in logged.stream.getvalue()


def test_every_line_written_while_answering_carries_the_request_id(
    client: Client, logged: Lines
) -> None:
    response = client.get("/no-such-page/")

    lines = logged.all()
    assert sorted(line["logger"] for line in lines) == ["django.request", "mash_survey.access"]
    assert {line["request_id"] for line in lines} == {response["X-Request-ID"]}
    (warning,) = [line for line in lines if line["logger"] == "django.request"]
    assert warning["message"] == "Not Found: /no-such-page/"
    assert "request" not in warning, "the request object (its query string) is left out"
    assert logged.access()["status"] == 404


def test_the_access_line_names_the_signed_in_user(
    client: Client, staff_user: User, logged: Lines
) -> None:
    client.force_login(staff_user)

    assert client.get("/your-work/").status_code == 200
    assert logged.access()["user_id"] == staff_user.pk


def test_the_access_line_names_a_partner_key(partner_client: APIClient, logged: Lines) -> None:
    assert partner_client.get("/api/v1/regions/").status_code == 200

    line = logged.access()
    assert line["api_key"] == "Test partner system"
    assert line["user_id"] is None
    assert line["path"] == "/api/v1/regions/"


def test_the_access_line_names_a_member_using_the_api(
    staff_api: APIClient, staff_user: User, logged: Lines
) -> None:
    assert staff_api.get("/api/v1/regions/").status_code == 200

    line = logged.access()
    assert line["user_id"] == staff_user.pk
    assert line["api_key"] is None


def test_the_access_line_gives_the_address_the_proxies_saw(
    client: Client, logged: Lines, settings: Any
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    client.get("/healthz", headers={"X-Forwarded-For": "203.0.113.9"})

    assert logged.access()["client"] == "203.0.113.9"


def test_a_log_format_other_than_json_or_text_is_refused() -> None:
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        logging_config(level="INFO", log_format="xml")
