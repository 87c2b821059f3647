"""Failed sign-ins limited by address across user names, and by account across addresses.

django-axes' pause for one user name at one address is in test_sign_in.py. Addresses come
from the connection (REMOTE_ADDR), or through TRUSTED_PROXY_COUNT proxies' entries in
X-Forwarded-For; an entry the caller wrote is never believed.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from tests.factories import TEST_PASSWORD, StaffFactory

pytestmark = pytest.mark.django_db

URL = "/accounts/login/"
ATTACKER = "198.51.100.7"
OWNER = "203.0.113.5"


@pytest.fixture(autouse=True)
def limits(settings: Settings) -> None:
    # The service's defaults; a developer's .env cannot change them here.
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = 0.5
    settings.SIGN_IN_ADDRESS_LIMIT = 10
    settings.SIGN_IN_ACCOUNT_LIMIT = 10
    settings.SIGN_IN_ACCOUNT_COOLOFF_MINUTES = 10
    settings.TRUSTED_PROXY_COUNT = 0


@pytest.fixture
def user() -> User:
    return StaffFactory.create(username="sam.staff")


def sign_in(username: str, password: str, *, address: str, forwarded: str = ""):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    client = Client(REMOTE_ADDR=address, headers=headers)
    return client.post(URL, {"username": username, "password": password})


def signed_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.wsgi_request.session


def test_one_address_trying_one_password_on_many_user_names_is_paused(user: User) -> None:
    answers = [sign_in(f"user.{n}", "Summer2026!", address=ATTACKER).status_code for n in range(20)]

    assert answers == [200] * 10 + [429] * 10
    paused = sign_in("sam.staff", TEST_PASSWORD, address=ATTACKER)
    assert paused.status_code == 429
    assert "Too many attempts to sign in" in paused.content.decode()
    assert "Wait 30 minutes, then try again." in paused.content.decode()
    assert signed_in(sign_in("sam.staff", TEST_PASSWORD, address=OWNER))


def test_a_made_up_x_forwarded_for_does_not_escape_the_address_pause(user: User) -> None:
    answers = [
        sign_in(f"user.{n}", "Summer2026!", address=ATTACKER, forwarded=f"192.0.2.{n}").status_code
        for n in range(12)
    ]

    assert answers == [200] * 10 + [429] * 2


def test_naming_the_owners_address_does_not_lock_the_owner_out(user: User) -> None:
    for _ in range(6):
        sign_in("sam.staff", "not-the-password", address=ATTACKER, forwarded=OWNER)

    assert signed_in(sign_in("sam.staff", TEST_PASSWORD, address=OWNER))


def test_behind_one_trusted_proxy_the_caller_is_the_right_most_entry(
    user: User, settings: Settings
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for _ in range(5):
        # What the attacker wrote, then the address our proxy saw.
        sign_in("sam.staff", "wrong", address=proxy, forwarded=f"{OWNER}, {ATTACKER}")

    assert sign_in("sam.staff", TEST_PASSWORD, address=proxy, forwarded=ATTACKER).status_code == 429
    assert signed_in(sign_in("sam.staff", TEST_PASSWORD, address=proxy, forwarded=OWNER))


def test_guessing_one_account_from_many_addresses_is_slowed_then_the_owner_gets_in(
    user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = [
        sign_in("sam.staff", "not-the-password", address=f"192.0.2.{n}").status_code
        for n in range(12)
    ]
    assert answers == [200] * 10 + [429] * 2

    paused = sign_in("sam.staff", TEST_PASSWORD, address="192.0.2.200")
    assert paused.status_code == 429
    assert "Wait 10 minutes, then try again." in paused.content.decode()
    # Other accounts are not affected.
    other = StaffFactory.create(username="alex.staff")
    assert signed_in(sign_in(other.username, TEST_PASSWORD, address="192.0.2.200"))

    later = timezone.now() + timedelta(minutes=10)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert signed_in(sign_in("sam.staff", TEST_PASSWORD, address="192.0.2.201"))


def test_guessing_from_elsewhere_does_not_keep_the_owner_out_of_a_known_address(
    user: User,
) -> None:
    assert signed_in(sign_in("sam.staff", TEST_PASSWORD, address=OWNER))
    for n in range(12):
        sign_in("sam.staff", "not-the-password", address=f"192.0.2.{n}")

    assert sign_in("sam.staff", TEST_PASSWORD, address="192.0.2.200").status_code == 429
    assert signed_in(sign_in("sam.staff", TEST_PASSWORD, address=OWNER))


def test_the_admin_sign_in_is_limited_too(user: User) -> None:
    for n in range(10):
        Client(REMOTE_ADDR=ATTACKER).post(
            "/admin/login/", {"username": f"user.{n}", "password": "Summer2026!"}
        )

    response = Client(REMOTE_ADDR=ATTACKER).post(
        "/admin/login/", {"username": "admin", "password": "Summer2026!"}
    )

    assert response.status_code == 429
