"""Factories shared by every app's tests."""

import csv

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from areas.models import AgencyType, AuthorityType, LocalAuthority, PartnerAgency, Region
from areas.services import AUTHORITIES_CSV
from mash_survey.roles import PROJECT_STAFF, REVIEWERS


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"E12{900000 + n:06d}")
    name = factory.Sequence(lambda n: f"Test region {n}")
    slug = factory.Sequence(lambda n: f"test-region-{n}")


def _free_dfe_codes() -> list[str]:
    """Three-digit codes no real authority has (tests name real ones, and load the register,
    beside made-up ones), nor 999, which tests use as "no such code"."""
    with AUTHORITIES_CSV.open(encoding="utf-8") as rows:
        taken = {row["dfe_code"] for row in csv.DictReader(rows)} | {"999"}
    return [code for code in (f"{n:03d}" for n in range(100, 1000)) if code not in taken]


FREE_DFE_CODES = _free_dfe_codes()


class LocalAuthorityFactory(DjangoModelFactory):
    class Meta:
        model = LocalAuthority
        django_get_or_create = ("gss_code",)

    gss_code = factory.Sequence(lambda n: f"E06{900000 + n:06d}")
    dfe_code = factory.Sequence(lambda n: FREE_DFE_CODES[n % len(FREE_DFE_CODES)])
    name = factory.Sequence(lambda n: f"Test authority {n}")
    slug = factory.Sequence(lambda n: f"test-authority-{n}")
    type = AuthorityType.UNITARY
    region = factory.SubFactory(RegionFactory)


class PartnerAgencyFactory(DjangoModelFactory):
    class Meta:
        model = PartnerAgency

    name = factory.Sequence(lambda n: f"Test constabulary {n}")
    agency_type = AgencyType.POLICE
    local_authority = factory.SubFactory(LocalAuthorityFactory)


TEST_PASSWORD = "correct-horse-battery"


def _set_groups(user: object, create: bool, names: list[str]) -> None:
    if create and names:
        user.groups.set(Group.objects.filter(name__in=names))  # type: ignore[attr-defined]


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def groups(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        _set_groups(self, create, extracted or [])


class StaffFactory(UserFactory):
    username = factory.Sequence(lambda n: f"staff{n}")

    @factory.post_generation
    def groups(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        _set_groups(self, create, extracted or [PROJECT_STAFF])


class ReviewerFactory(UserFactory):
    username = factory.Sequence(lambda n: f"reviewer{n}")

    @factory.post_generation
    def groups(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        _set_groups(self, create, extracted or [REVIEWERS])


class AdminFactory(UserFactory):
    username = factory.Sequence(lambda n: f"admin{n}")
    is_staff = True
    is_superuser = True
