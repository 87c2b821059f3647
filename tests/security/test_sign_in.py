"""The GOV.UK sign-in page, its error messages, the lockout after failed attempts, sign-out."""

import logging
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django.fixtures import Settings

from tests.factories import TEST_PASSWORD, StaffFactory

pytestmark = pytest.mark.django_db

URL = "/accounts/login/"


class ErrorSummary(HTMLParser):
    """The page's <title> and the links in its "There is a problem" summary."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.title = ""
        self.heading = ""
        self.links: list[tuple[str, str]] = []
        self._depth = 0  # inside the summary: how many elements deep
        self._in: str | None = None
        self._href = ""
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if self._depth:
            self._depth += 1
        elif "govuk-error-summary" in classes:
            self._depth = 1
        if tag == "title":
            self._in = "title"
        elif self._depth and tag == "h2":
            self._in = "heading"
        elif self._depth and tag == "a":
            self._in, self._href = "link", dict(attrs).get("href") or ""
            self.links.append((self._href, ""))

    def handle_endtag(self, tag: str) -> None:
        if self._depth:
            self._depth -= 1
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.title += data
        elif self._in == "heading":
            self.heading += data.strip()
        elif self._in == "link":
            href, text = self.links[-1]
            self.links[-1] = (href, (text + " " + data.strip()).strip())


@pytest.fixture
def user() -> User:
    return StaffFactory.create(username="sam.staff")


@pytest.fixture(autouse=True)
def five_attempts(settings: Settings) -> None:
    # The service's default (checked in test_headers); a developer's .env cannot change it here.
    settings.AXES_FAILURE_LIMIT = 5


def sign_in(client: Client, username: str, password: str, **extra: str):
    return client.post(URL, {"username": username, "password": password, **extra})


def test_an_empty_form_says_what_to_enter(client: Client) -> None:
    response = sign_in(client, "", "")

    assert response.status_code == 200
    page = ErrorSummary(response.content.decode())
    assert page.title.startswith("Error: Sign in")
    assert page.heading == "There is a problem"
    assert page.links == [
        ("#id_username", "Enter your user name"),
        ("#id_password", "Enter your password"),
    ]
    assert "_auth_user_id" not in client.session


def test_the_sign_in_page_without_errors_has_no_error_prefix(client: Client) -> None:
    response = client.get(URL)

    assert response.status_code == 200
    page = ErrorSummary(response.content.decode())
    assert page.title.startswith("Sign in")
    assert page.links == []


def test_a_wrong_password_says_to_enter_a_correct_user_name_and_password(
    client: Client, user: User
) -> None:
    response = sign_in(client, "sam.staff", "not-the-password")

    assert response.status_code == 200
    page = ErrorSummary(response.content.decode())
    assert page.title.startswith("Error: ")
    assert page.links == [
        ("#id_username", "Enter a correct user name and password. Both are case-sensitive.")
    ]
    assert "_auth_user_id" not in client.session


def test_the_right_password_signs_in_and_redirects(client: Client, user: User) -> None:
    response = sign_in(client, "sam.staff", TEST_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_signing_in_returns_to_the_page_asked_for(client: Client, user: User) -> None:
    response = sign_in(client, "sam.staff", TEST_PASSWORD, next="/visits/")

    assert response.status_code == 302
    assert response["Location"] == "/visits/"


def test_signing_in_never_redirects_to_another_site(client: Client, user: User) -> None:
    response = sign_in(client, "sam.staff", TEST_PASSWORD, next="https://evil.example/")

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_five_failed_attempts_lock_the_account_even_with_the_right_password(
    client: Client, user: User, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="axes")
    for _ in range(4):
        assert sign_in(client, "sam.staff", "not-the-password").status_code == 200
    fifth = sign_in(client, "sam.staff", "not-the-password")
    assert fifth.status_code == 429

    response = sign_in(client, "sam.staff", TEST_PASSWORD)

    assert response.status_code == 429
    assert "Too many attempts to sign in" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The lockout's log line says who was attacked and from where, never with what.
    locking = next(r.getMessage() for r in caplog.records if "Locking out" in r.getMessage())
    assert 'username: "sam.staff"' in locking and 'ip_address: "127.0.0.1"' in locking
    assert not any("not-the-password" in r.getMessage() for r in caplog.records)


def test_four_failed_attempts_do_not_lock_the_account(client: Client, user: User) -> None:
    for _ in range(4):
        sign_in(client, "sam.staff", "not-the-password")

    response = sign_in(client, "sam.staff", TEST_PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_locked_account_does_not_lock_out_other_users(client: Client, user: User) -> None:
    other = StaffFactory.create(username="alex.staff")
    for _ in range(5):
        sign_in(client, "sam.staff", "not-the-password")

    response = sign_in(client, "alex.staff", TEST_PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other.pk)


def test_opening_the_sign_out_address_asks_to_confirm_and_signs_nobody_out(
    client: Client, user: User
) -> None:
    client.force_login(user)

    page = client.get("/accounts/logout/").content.decode()

    assert '<h1 class="govuk-heading-l">Sign out</h1>' in page
    assert '<form method="post" action="/accounts/logout/"' in page
    assert client.session["_auth_user_id"] == str(user.pk)
    client.logout()
    assert "You are signed out" in client.get("/accounts/logout/").content.decode()


def test_signing_out_ends_the_session(client: Client, user: User) -> None:
    client.force_login(user)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session
    assert client.get("/visits/").status_code == 302
