"""/healthz: what load balancers and `make run` ask before sending traffic."""

from unittest import mock

import pytest
from django.db import OperationalError, connections
from django.test import Client
from pytest_django.fixtures import Settings

pytestmark = pytest.mark.django_db


def test_it_answers_200_with_the_database_ok(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["vendor"] == connections["default"].vendor
    assert "no-store" in response["Cache-Control"]


def test_it_answers_503_when_the_database_does_not_answer(client: Client) -> None:
    """The cursor raises the OperationalError Django raises when the server is unreachable.

    The conventions say never to mock the database, but a real outage cannot be staged
    here: the test's own connection holds the test transaction, and breaking it would fail
    every later test. The view's contract is "catch the driver's error from the cursor",
    so making that one call fail tests exactly that, on SQLite and PostgreSQL alike.
    """
    broken = OperationalError("connection to server at 127.0.0.1 failed: Connection refused")
    with mock.patch.object(connections["default"], "cursor", side_effect=broken):
        response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"] == "unavailable"
    assert body["error"] == "OperationalError"
    assert "127.0.0.1" not in response.content.decode(), "no connection details leak out"


def test_it_only_answers_get(client: Client) -> None:
    response = client.post("/healthz")

    assert response.status_code == 405


def test_it_answers_over_plain_http_when_https_is_enforced(settings: Settings) -> None:
    # Load balancers probe over HTTP inside the network: SECURE_REDIRECT_EXEMPT.
    settings.SECURE_SSL_REDIRECT = True
    client = Client()

    assert client.get("/").status_code == 301
    assert client.get("/healthz").status_code == 200
