"""Fixtures every test can use: the register, a user per role, partner keys, API clients."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_api_key.models import APIKey

from areas.services import register_load

from .factories import AdminFactory, ReviewerFactory, StaffFactory


@pytest.fixture
def register(db: None) -> None:
    """The real register: 9 regions and 152 authorities from the project's data files."""
    register_load()


@pytest.fixture
def staff_user(db: None):
    return StaffFactory()


@pytest.fixture
def reviewer_user(db: None):
    return ReviewerFactory()


@pytest.fixture
def admin_user(db: None):
    return AdminFactory()


@pytest.fixture
def staff_client(client: Client, staff_user) -> Client:
    client.force_login(staff_user)
    return client


@pytest.fixture
def reviewer_client(client: Client, reviewer_user) -> Client:
    client.force_login(reviewer_user)
    return client


@pytest.fixture
def partner_key(db: None) -> str:
    """A valid partner API key (the secret, as a partner system would send it)."""
    _, key = APIKey.objects.create_key(
        name="Test partner system", expiry_date=timezone.now() + timedelta(days=30)
    )
    return key


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def partner_client(partner_key: str) -> Iterator[APIClient]:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {partner_key}")
    yield client
