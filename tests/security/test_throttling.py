"""The API's allowances: anonymous callers by address, each partner key on its own.

The test settings set allowances too high to reach; these tests set small ones. DRF reads
the rates into each throttle class when it is defined, so the tests patch `THROTTLE_RATES`
on the classes the API uses, keeping the production relation between them (a signed-in
user's allowance equals a partner key's).
"""

from collections.abc import Iterator
from datetime import timedelta

import pytest
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
