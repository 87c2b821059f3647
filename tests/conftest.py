"""Fixtures every test can use: the register, a user per role, partner keys, API clients."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoDbBlocker
from rest_framework.test import APIClient
from rest_framework_api_key.models import APIKey

from areas.models import LocalAuthority, Region
from areas.services import register_load
from mash_survey import audit, search

from .factories import AdminFactory, ReviewerFactory, StaffFactory


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Each test starts with nothing counted: API allowances and sign-in limits count in the
    cache, which outlives a test's database transaction."""
    cache.clear()


@dataclass(frozen=True)
class RegisterRows:
    """What `register_load()` writes: each row's field values, a region named by its code."""

    regions: list[dict[str, Any]]
    authorities: list[dict[str, Any]]


@pytest.fixture(scope="session")
def register_rows(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> RegisterRows:
    """Load the register once, keep its rows' values, and roll the load back.

    `register_load()` checks each of the 152 rows against the database's constraints, which
    takes seconds; copying the rows it wrote takes milliseconds.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        register_load()
        rows = RegisterRows(
            regions=list(Region.objects.order_by("pk").values(*_fields(Region))),
            authorities=list(
                LocalAuthority.objects.order_by("pk").values(
                    *_fields(LocalAuthority, but="region"), "region__code"
                )
            ),
        )
        transaction.set_rollback(True)
    return rows


def _fields(model: type[Model], but: str = "") -> list[str]:
    return [f.name for f in model._meta.concrete_fields if not f.primary_key and f.name != but]


@pytest.fixture
def register(db: None, register_rows: RegisterRows) -> None:
    """The real register: 9 regions and 152 authorities from the project's data files.

    The same rows, in the same order, as `register_load()` writes, made inside the test's
    transaction like any other test data.
    """
    regions = Region.objects.bulk_create(Region(**row) for row in register_rows.regions)
    by_code = {region.code: region for region in regions}
    authorities = LocalAuthority.objects.bulk_create(
        LocalAuthority(region=by_code[row["region__code"]], **_without(row, "region__code"))
        for row in register_rows.authorities
    )
    search.index_all([*regions, *authorities])  # as the loader's saves index them


def _without(row: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != key}


@pytest.fixture
def staff_user(db: None) -> User:
    return StaffFactory.create()


@pytest.fixture
def reviewer_user(db: None) -> User:
    return ReviewerFactory.create()


@pytest.fixture
def admin_user(db: None) -> User:
    return AdminFactory.create()


def signed_in_client(user: User) -> Client:
    """A new test client of its own, signed in as `user`.

    Not pytest-django's `client`: each of these fixtures has its own client, so a test that
    asks for two of them (or one and `client`) calls as two different people.
    """
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def staff_client(staff_user: User) -> Client:
    return signed_in_client(staff_user)


@pytest.fixture
def reviewer_client(reviewer_user: User) -> Client:
    return signed_in_client(reviewer_user)


@pytest.fixture
def admin_client(admin_user: User) -> Client:
    """Overrides pytest-django's, which signs in its shared `client` instead of its own."""
    return signed_in_client(admin_user)


@pytest.fixture
def staff_api(staff_user: User) -> APIClient:
    """An API client signed in as a project member."""
    client = APIClient()
    client.force_login(staff_user)
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
    # A key in use: its use this hour is kept already (the audit table keeps a key's use once
    # an hour), so a test counts the queries of any call after a partner's first.
    audit.api_key_used(HttpRequest(), APIKey.objects.get_from_key(partner_key))
    yield client
