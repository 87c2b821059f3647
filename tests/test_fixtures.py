"""The shared fixtures in tests/conftest.py: each signed-in client is a client of its own."""

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from areas.models import LocalAuthority, Region
from areas.services import register_load


def user_seen_by_the_server(client: Client) -> object:
    return client.get(reverse("home")).wsgi_request.user


def test_each_signed_in_client_calls_as_its_own_user(
    client: Client,
    staff_client: Client,
    reviewer_client: Client,
    admin_client: Client,
    staff_user: User,
    reviewer_user: User,
    admin_user: User,
) -> None:
    assert len({id(c) for c in (client, staff_client, reviewer_client, admin_client)}) == 4

    assert user_seen_by_the_server(staff_client) == staff_user
    assert user_seen_by_the_server(reviewer_client) == reviewer_user
    assert user_seen_by_the_server(admin_client) == admin_user
    assert not user_seen_by_the_server(client).is_authenticated  # type: ignore[attr-defined]
    # Asking again, after the others signed in, still gives each its own user.
    assert user_seen_by_the_server(staff_client) == staff_user


def test_the_register_fixture_makes_the_rows_register_load_writes(register: None) -> None:
    result = register_load()

    assert (result.created, result.updated) == ([], [])
    assert result.unchanged == Region.objects.count() + LocalAuthority.objects.count()
    assert (Region.objects.count(), LocalAuthority.objects.count()) == (9, 152)
