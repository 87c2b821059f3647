"""/readyz: whether this app server can take traffic, its database and cache both answering."""

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

pytestmark = pytest.mark.django_db

#: Nothing listens on port 1: connecting is refused at once.
UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


def test_it_answers_200_when_the_database_and_the_cache_answer(client: Client) -> None:
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies, "no session is started"


def test_it_answers_503_naming_the_cache_when_the_cache_does_not_answer(
    client: Client, settings: Settings
) -> None:
    settings.CACHES = UNREACHABLE_REDIS
    # With pages kept, /readyz still answers itself: it is never looked up in the cache.
    settings.PAGE_CACHE_SECONDS = 3600

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "unavailable"}
    assert "no-store" in response["Cache-Control"]


def test_it_only_answers_get(client: Client) -> None:
    assert client.post("/readyz").status_code == 405


def test_it_answers_over_plain_http_when_https_is_enforced(settings: Settings) -> None:
    settings.SECURE_SSL_REDIRECT = True
    client = Client()

    assert client.get("/").status_code == 301
    assert client.get("/readyz").status_code == 200
