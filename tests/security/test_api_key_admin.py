"""Issuing partner API keys in the admin: every key gets an expiry, soon enough."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings
from rest_framework_api_key.models import APIKey

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/rest_framework_api_key/apikey/add/"


def issue(client: Client, *, name: str = "Partner system", day: date | None, time: str = "09:00"):
    return client.post(
        ADD_URL,
        {
            "name": name,
            "expiry_date_0": day.isoformat() if day else "",
            "expiry_date_1": time if day else "",
        },
    )


def expiry_errors(response) -> list[str]:
    return list(response.context["adminform"].form.errors.get("expiry_date", []))


def test_a_key_without_an_expiry_date_is_not_issued(admin_client: Client) -> None:
    response = issue(admin_client, day=None)

    assert response.status_code == 200
    assert expiry_errors(response) == ["Enter an expiry date"]
    assert "Enter an expiry date" in response.content.decode()
    assert not APIKey.objects.exists()


def test_a_key_expiring_in_the_past_is_not_issued(admin_client: Client) -> None:
    response = issue(admin_client, day=timezone.localdate() - timedelta(days=1))

    assert expiry_errors(response) == ["Enter an expiry date in the future"]
    assert not APIKey.objects.exists()


def test_a_key_expiring_more_than_a_year_away_is_not_issued(admin_client: Client) -> None:
    response = issue(admin_client, day=timezone.localdate() + timedelta(days=366))

    assert expiry_errors(response) == ["Enter an expiry date no more than 365 days from today"]
    assert not APIKey.objects.exists()


def test_the_longest_expiry_follows_the_setting(admin_client: Client, settings: Settings) -> None:
    settings.API_KEY_MAX_DAYS = 30

    response = issue(admin_client, day=timezone.localdate() + timedelta(days=31))

    assert expiry_errors(response) == ["Enter an expiry date no more than 30 days from today"]
    assert not APIKey.objects.exists()


def test_a_key_expiring_within_a_year_is_issued_and_shown_once(admin_client: Client) -> None:
    last_day = timezone.localdate() + timedelta(days=365)

    response = issue(admin_client, day=last_day, time="17:30", name="Council system")

    assert response.status_code == 302
    api_key = APIKey.objects.get()
    assert api_key.name == "Council system"
    assert timezone.localtime(api_key.expiry_date).date() == last_day
    page = admin_client.get(response["Location"]).content.decode()
    assert "The API key for Council system is:" in page


def test_an_issued_key_cannot_have_its_expiry_removed(admin_client: Client) -> None:
    api_key, _ = APIKey.objects.create_key(
        name="Partner system", expiry_date=timezone.now() + timedelta(days=30)
    )
    url = f"/admin/rest_framework_api_key/apikey/{api_key.pk}/change/"

    response = admin_client.post(
        url, {"name": "Partner system", "expiry_date_0": "", "expiry_date_1": ""}
    )

    assert expiry_errors(response) == ["Enter an expiry date"]
    api_key.refresh_from_db()
    assert api_key.expiry_date is not None


def test_an_old_key_without_an_expiry_is_given_one_without_a_new_secret(
    admin_client: Client,
) -> None:
    api_key, key = APIKey.objects.create_key(name="Partner system")
    url = f"/admin/rest_framework_api_key/apikey/{api_key.pk}/change/"
    day = timezone.localdate() + timedelta(days=90)

    response = admin_client.post(
        url, {"name": "Partner system", "expiry_date_0": day.isoformat(), "expiry_date_1": "09:00"}
    )

    assert response.status_code == 302
    client = Client(headers={"Authorization": f"Api-Key {key}"})
    assert client.get("/api/v1/visits/").status_code == 200
