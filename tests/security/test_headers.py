"""Security headers on every page, and the production settings behind the rest."""

import json
import os
import subprocess
import sys
from typing import Any

import pytest
from django.conf import settings
from django.http.response import HttpResponseBase
from django.test import Client

from tests.factories import UserFactory

from .endpoints import Endpoint, endpoints
from .permission_matrix import sample_url
from .samples import Role, Samples

SAFE_REFERRER_POLICIES = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
}
UNSAFE_SOURCES = {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*"}


def policy(response: HttpResponseBase) -> dict[str, list[str]]:
    assert response.has_header("Content-Security-Policy"), "no Content-Security-Policy"
    directives = {}
    for directive in response["Content-Security-Policy"].split(";"):
        name, *sources = directive.split()
        directives[name] = sources
    return directives


def assert_secure_headers(response: HttpResponseBase, where: str) -> None:
    csp = policy(response)
    for name, sources in csp.items():
        if name.startswith(("script-src", "style-src", "default-src")):
            unsafe = UNSAFE_SOURCES & set(sources)
            assert not unsafe, f"{where}: {name} allows {sorted(unsafe)}"
    # Without its own directive, a script or style falls back to default-src.
    assert "script-src" in csp or "default-src" in csp, f"{where}: scripts are unrestricted"
    assert "style-src" in csp or "default-src" in csp, f"{where}: styles are unrestricted"
    assert csp.get("frame-ancestors") == ["'none'"], f"{where}: frame-ancestors is not 'none'"
    assert csp.get("object-src") == ["'none'"], f"{where}: object-src is not 'none'"
    assert response.get("X-Content-Type-Options") == "nosniff", where
    assert response.get("X-Frame-Options") == "DENY", where
    assert response.get("Referrer-Policy") in SAFE_REFERRER_POLICIES, where


@pytest.mark.parametrize("endpoint", endpoints(), ids=lambda e: e.route)
def test_every_page_sends_the_security_headers(endpoint: Endpoint, samples: Samples) -> None:
    url = sample_url(endpoint, samples)
    for role in (Role.ANONYMOUS, Role.ADMIN):
        # Asking for HTML turns the API's answers into the browsable API's pages too.
        response = samples.client(role, Accept="text/html").get(url)
        assert_secure_headers(response, f"GET {url} as {role.value} ({response.status_code})")


@pytest.mark.django_db
def test_the_page_not_found_sends_the_security_headers(client: Client) -> None:
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert_secure_headers(response, "404 page")


@pytest.mark.django_db
def test_the_permission_denied_page_sends_the_security_headers(client: Client) -> None:
    client.force_login(UserFactory.create())

    response = client.get("/visits/")

    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    assert_secure_headers(response, "403 page")


@pytest.mark.django_db
def test_a_sign_in_form_with_errors_sends_the_security_headers(client: Client) -> None:
    response = client.post("/accounts/login/", {"username": "", "password": ""})

    assert response.status_code == 200
    assert_secure_headers(response, "sign-in form with errors")


@pytest.mark.django_db
def test_https_responses_tell_browsers_to_use_https_only(client: Client) -> None:
    response = client.get("/", secure=True)

    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


# Production settings are read in a fresh interpreter, the way a server starts. The
# project's .env (which `make run` writes with DEBUG on) is not read, so a developer's
# machine gives the same answer as CI.
READ_SETTINGS = """
import json
import environ
environ.Env.read_env = lambda *args, **kwargs: None
from mash_survey import settings as s
names = [
    "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_CONTENT_TYPE_NOSNIFF", "X_FRAME_OPTIONS", "SECURE_REFERRER_POLICY",
    "AXES_FAILURE_LIMIT", "TRUSTED_PROXY_COUNT",
]
print(json.dumps({name: getattr(s, name) for name in names}))
"""


def settings_with(debug: str) -> dict[str, Any]:
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "DEBUG": debug,
        "SECRET_KEY": "x",
        "ALLOWED_HOSTS": "a",
    }
    result = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", READ_SETTINGS],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    values: dict[str, Any] = json.loads(result.stdout)
    return values


def test_production_settings_use_secure_cookies_hsts_the_https_redirect_and_lockout() -> None:
    production = settings_with(debug="false")

    assert production["DEBUG"] is False
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert production["X_FRAME_OPTIONS"] == "DENY"
    assert production["SECURE_REFERRER_POLICY"] in SAFE_REFERRER_POLICIES
    assert production["AXES_FAILURE_LIMIT"] == 5
    assert production["TRUSTED_PROXY_COUNT"] == 0  # X-Forwarded-For believed only if set


def test_local_development_settings_relax_https_only() -> None:
    development = settings_with(debug="true")

    assert development["DEBUG"] is True
    assert development["SESSION_COOKIE_SECURE"] is False
    assert development["SECURE_SSL_REDIRECT"] is False
    assert development["SECURE_HSTS_SECONDS"] == 0
