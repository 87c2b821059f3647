"""Partner API keys: who gets in, what a refused partner is told, how keys are kept."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_api_key.models import AbstractAPIKey, APIKey

from areas.models import LocalAuthority, Region

from .samples import Role, Samples

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/local-authorities/"


def client_with_key(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def new_key(**fields: object) -> tuple[AbstractAPIKey, str]:
    fields.setdefault("expiry_date", timezone.now() + timedelta(days=30))
    return APIKey.objects.create_key(name="Partner system", **fields)


def test_a_valid_key_reads_the_api(samples: Samples) -> None:
    response = client_with_key(samples.partner_key).get(LIST_URL)

    assert response.status_code == 200
    assert [row["gss_code"] for row in response.json()["results"]] == ["E08000037"]


def test_a_key_without_an_expiry_date_is_refused_with_a_message(samples: Samples) -> None:
    _, key = new_key(expiry_date=None)

    response = client_with_key(key).get(LIST_URL)

    assert response.status_code == 401
    assert response.json()["detail"] == (
        "This API key has no expiry date. Ask the project team to set one."
    )


def test_a_revoked_key_is_refused_with_a_message(samples: Samples) -> None:
    api_key, key = new_key()
    api_key.revoked = True
    api_key.save()

    response = client_with_key(key).get(LIST_URL)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"
    assert response.json()["detail"] == (
        "This API key is not recognised or has been revoked. Ask the project team for a new key."
    )


def test_an_expired_key_is_refused_with_a_message(samples: Samples) -> None:
    _, key = new_key(expiry_date=timezone.now() - timedelta(minutes=1))

    response = client_with_key(key).get(LIST_URL)

    assert response.status_code == 401
    assert response.json()["detail"] == (
        "This API key has expired. Ask the project team for a new key."
    )


@pytest.mark.parametrize(
    "key",
    ["not-a-key", "abcdefgh.0123456789abcdef0123456789abcdef", "Api-Key"],
    ids=["no prefix", "unknown prefix", "keyword twice"],
)
def test_a_malformed_or_unknown_key_is_refused_with_a_message(samples: Samples, key: str) -> None:
    response = client_with_key(key).get(LIST_URL)

    assert response.status_code == 401
    detail = response.json()["detail"]
    assert "not recognised" in detail
    assert "Ask the project team for a new key." in detail


HOW_TO_SEND = (
    "Send your partner API key as 'Authorization: Api-Key <key>', or send no "
    "Authorization header to use the API without a key."
)


@pytest.mark.parametrize(
    "header",
    [
        "Bearer {key}",
        "Api-Key",
        "Api-Key ",
        "Api-Key {key} {key}",
        "{key}",
        "Basic Zm9vOmJhcg==",
        "%%%",
    ],
    ids=["bearer", "keyword alone", "empty key", "two tokens", "no keyword", "basic", "garbage"],
)
def test_an_authorization_header_not_in_the_api_key_form_is_refused_with_what_to_send(
    samples: Samples, header: str
) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header.format(key=samples.partner_key))

    response = client.get(LIST_URL)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"
    assert response.json()["detail"] == HOW_TO_SEND


def test_the_keyword_is_read_in_any_case(samples: Samples) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"api-key {samples.partner_key}")

    assert client.get(LIST_URL).status_code == 200


def test_a_signed_in_member_without_an_authorization_header_reads_internal_records(
    samples: Samples,
) -> None:
    client = APIClient()
    client.force_login(samples.users[Role.STAFF])

    response = client.get("/api/v1/visits/")

    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_a_real_prefix_with_the_wrong_secret_is_refused(samples: Samples) -> None:
    prefix = samples.partner_key.partition(".")[0]

    response = client_with_key(f"{prefix}.{'x' * 32}").get(LIST_URL)

    assert response.status_code == 401
    assert "not recognised" in response.json()["detail"]


def test_a_key_is_stored_hashed() -> None:
    api_key, key = new_key()
    prefix, _, secret = key.partition(".")

    stored = APIKey.objects.filter(pk=api_key.pk).values().get()

    assert stored["prefix"] == prefix
    for column, value in stored.items():
        assert secret not in str(value), f"the key's secret is stored in {column}"
    assert not APIKey.objects.filter(hashed_key=key).exists()
    assert APIKey.objects.get_from_key(key).pk == api_key.pk


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/",
        "/api/v1/regions/",
        "/api/v1/regions/E12000001/",
        LIST_URL,
        "/api/v1/local-authorities/E08000037/",
        "/api/v1/local-authorities.csv",
        "/api/v1/schema/",
    ],
)
def test_anonymous_callers_see_the_public_endpoints(samples: Samples, url: str) -> None:
    response = APIClient().get(url)

    assert response.status_code == 200


WRITES = [
    ("post", LIST_URL),
    ("put", f"{LIST_URL}E08000037/"),
    ("patch", f"{LIST_URL}E08000037/"),
    ("delete", f"{LIST_URL}E08000037/"),
    ("post", "/api/v1/regions/"),
    ("delete", "/api/v1/regions/E12000001/"),
]


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.name.lower())
@pytest.mark.parametrize(("method", "url"), WRITES, ids=[f"{m} {u}" for m, u in WRITES])
def test_the_api_is_read_only_for_every_caller(
    samples: Samples, role: Role, method: str, url: str
) -> None:
    client = APIClient()
    if role is Role.PARTNER:
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {samples.partner_key}")
    elif role in samples.users:
        client.force_login(samples.users[role])
    payload = {"name": "Renamed", "code": "E12000099", "gss_code": "E06000999", "dfe_code": "999"}

    response = getattr(client, method)(url, payload, format="json")

    if role is Role.ANONYMOUS:
        assert response.status_code == 401
    else:
        assert response.status_code == 403
        assert response.json()["detail"] == "The API is read-only."
    samples.authority.refresh_from_db()
    assert samples.authority.name == "Gateshead"
    assert LocalAuthority.objects.count() == 1
    assert Region.objects.count() == 1
