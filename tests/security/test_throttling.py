"""The API's allowances: anonymous callers by address, each partner key on its own.

The test settings set allowances too high to reach; these tests set small ones. DRF reads
the rates into each throttle class when it is defined, so the tests patch `THROTTLE_RATES`
on the classes the API uses, keeping the production relation between them (a signed-in
user's allowance equals a partner key's).
"""

import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from pytest_django.fixtures import Settings
from rest_framework.settings import api_settings
from rest_framework.test import APIClient
from rest_framework_api_key.models import APIKey

from mash_survey.api_auth import AnonymousThrottle, PartnerKeyThrottle
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

ANONYMOUS_ALLOWANCE = 3
PARTNER_ALLOWANCE = 5
URL = "/api/v1/regions/"


@pytest.fixture(autouse=True)
def small_allowances(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    rates = {
        "anon": f"{ANONYMOUS_ALLOWANCE}/minute",
        "partner": f"{PARTNER_ALLOWANCE}/minute",
        "user": f"{PARTNER_ALLOWANCE}/minute",
    }
    assert AnonymousThrottle in api_settings.DEFAULT_THROTTLE_CLASSES
    assert PartnerKeyThrottle in api_settings.DEFAULT_THROTTLE_CLASSES
    for throttle in api_settings.DEFAULT_THROTTLE_CLASSES:
        monkeypatch.setattr(throttle, "THROTTLE_RATES", rates)
    cache.clear()
    yield
    cache.clear()


def key_client() -> APIClient:
    _, key = APIKey.objects.create_key(
        name="Partner system", expiry_date=timezone.now() + timedelta(days=30)
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def use_up(client: APIClient, allowance: int) -> None:
    for _ in range(allowance):
        assert client.get(URL).status_code == 200


def test_anonymous_callers_are_refused_with_429_after_their_allowance() -> None:
    client = APIClient()
    use_up(client, ANONYMOUS_ALLOWANCE)

    response = client.get(URL)

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "throttled" in response.json()["detail"]


def test_a_partner_key_is_refused_with_429_after_its_allowance() -> None:
    client = key_client()
    use_up(client, PARTNER_ALLOWANCE)

    response = client.get(URL)

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_a_second_partner_key_is_unaffected_by_the_first_keys_use() -> None:
    first, second = key_client(), key_client()
    use_up(first, PARTNER_ALLOWANCE)
    assert first.get(URL).status_code == 429

    for _ in range(PARTNER_ALLOWANCE):
        assert second.get(URL).status_code == 200
    assert second.get(URL).status_code == 429


def test_anonymous_use_does_not_use_up_a_partner_keys_allowance() -> None:
    anonymous = APIClient()
    use_up(anonymous, ANONYMOUS_ALLOWANCE)
    assert anonymous.get(URL).status_code == 429

    use_up(key_client(), PARTNER_ALLOWANCE)


def test_a_partner_keys_use_does_not_use_up_the_anonymous_allowance() -> None:
    partner = key_client()
    use_up(partner, PARTNER_ALLOWANCE)
    assert partner.get(URL).status_code == 429

    use_up(APIClient(), ANONYMOUS_ALLOWANCE)


def test_a_signed_in_member_has_an_allowance_of_their_own() -> None:
    anonymous = APIClient()
    use_up(anonymous, ANONYMOUS_ALLOWANCE)
    member = APIClient()
    member.force_login(StaffFactory.create())

    use_up(member, PARTNER_ALLOWANCE)
    assert member.get(URL).status_code == 429


def test_a_made_up_x_forwarded_for_does_not_escape_the_anonymous_allowance() -> None:
    client = APIClient()
    for n in range(ANONYMOUS_ALLOWANCE):
        assert client.get(URL, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code == 200

    response = client.get(URL, HTTP_X_FORWARDED_FOR="198.51.100.99")

    assert response.status_code == 429


def test_naming_someone_elses_address_does_not_use_up_their_allowance() -> None:
    attacker = APIClient(REMOTE_ADDR="198.51.100.7")
    for _ in range(ANONYMOUS_ALLOWANCE + 1):
        attacker.get(URL, HTTP_X_FORWARDED_FOR="203.0.113.5")

    use_up(APIClient(REMOTE_ADDR="203.0.113.5"), ANONYMOUS_ALLOWANCE)


def test_behind_one_trusted_proxy_the_caller_is_the_right_most_entry(
    settings: Settings,
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = APIClient(REMOTE_ADDR="10.0.0.2")
    for n in range(ANONYMOUS_ALLOWANCE):
        # What the caller wrote, then the address our proxy saw.
        forwarded = f"192.0.2.{n}, 203.0.113.5"
        assert proxy.get(URL, HTTP_X_FORWARDED_FOR=forwarded).status_code == 200
    assert proxy.get(URL, HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.5").status_code == 429

    # Another caller through the same proxy has an allowance of its own.
    for _ in range(ANONYMOUS_ALLOWANCE):
        assert proxy.get(URL, HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 200


# ----- Several app servers sharing one Redis cache --------------------------------------------

APP_SERVER = """
import json, os, sys
import django
django.setup()
from django.conf import settings
from django.test import Client
client = Client(REMOTE_ADDR=sys.argv[1])
codes = [client.get("/api/v1/").status_code for _ in range(int(sys.argv[2]))]
database = settings.DATABASES["default"]
print(json.dumps({
    "session_engine": settings.SESSION_ENGINE,
    "connection": [database["CONN_MAX_AGE"], database["CONN_HEALTH_CHECKS"]],
    "codes": codes,
}))
"""


def run_app_server(address: str, requests: int, tmp_path: Path) -> dict[str, Any]:
    """A separate process configured as a deployed app server with CACHE_URL set to Redis."""
    env = {
        **os.environ,
        "PYTHONPATH": str(settings.BASE_DIR),
        "DJANGO_SETTINGS_MODULE": "mash_survey.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite3'}",
        "CACHE_URL": "redis://127.0.0.1:6379/14",
        "API_THROTTLE_ANON": f"{ANONYMOUS_ALLOWANCE}/minute",
    }
    done = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-W", "ignore", "-c", APP_SERVER, address, str(requests)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_app_servers_sharing_a_redis_cache_count_one_allowance_and_keep_sessions_there(
    tmp_path: Path,
) -> None:
    # A fresh address each run: the Redis database outlives the test.
    address = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250)}"
    first = run_app_server(address, ANONYMOUS_ALLOWANCE - 1, tmp_path)
    second = run_app_server(address, 2, tmp_path)

    assert first["codes"] == [200] * (ANONYMOUS_ALLOWANCE - 1)
    assert second["codes"] == [200, 429]
    assert second["session_engine"] == "django.contrib.sessions.backends.cached_db"
    # Deployed defaults: each worker keeps its database connection, checked before reuse.
    assert second["connection"] == [60, True]
