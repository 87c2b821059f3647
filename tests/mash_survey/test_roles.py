"""The two working roles: the groups the data migration creates and what each role may do."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from mash_survey.roles import PROJECT_STAFF, REVIEWERS, is_reviewer, is_staff_member
from tests.factories import AdminFactory, ReviewerFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

REGISTER_PERMISSIONS = {
    "view_region",
    "view_localauthority",
    "view_partneragency",
    "add_partneragency",
    "change_partneragency",
}


@pytest.mark.parametrize("name", [PROJECT_STAFF, REVIEWERS])
def test_the_migration_creates_each_group_with_the_register_permissions(name: str) -> None:
    group = Group.objects.get(name=name)

    register = set(
        group.permissions.filter(content_type__app_label="areas").values_list("codename", flat=True)
    )
    assert register == REGISTER_PERMISSIONS


def test_no_role_may_change_or_delete_the_register_itself() -> None:
    for group in Group.objects.filter(name__in=[PROJECT_STAFF, REVIEWERS]):
        codenames = set(group.permissions.values_list("codename", flat=True))
        assert not codenames & {"change_region", "delete_region", "delete_localauthority"}


def test_project_staff_are_members_but_not_reviewers() -> None:
    user = StaffFactory.create()

    assert is_staff_member(user)
    assert not is_reviewer(user)


def test_reviewers_are_members_and_reviewers() -> None:
    user = ReviewerFactory.create()

    assert is_staff_member(user)
    assert is_reviewer(user)


def test_administrators_are_members_and_reviewers_without_a_group() -> None:
    user = AdminFactory.create()

    assert not user.groups.exists()
    assert is_staff_member(user)
    assert is_reviewer(user)


def test_a_user_in_no_group_is_neither() -> None:
    user = UserFactory.create()

    assert not is_staff_member(user)
    assert not is_reviewer(user)


def test_a_user_in_another_group_is_neither() -> None:
    user = UserFactory.create(groups=[Group.objects.create(name="Newsletter").name])

    assert not is_staff_member(user)
    assert not is_reviewer(user)


def test_anonymous_visitors_are_neither() -> None:
    assert not is_staff_member(AnonymousUser())
    assert not is_reviewer(AnonymousUser())


def test_an_inactive_member_is_not_signed_in_so_sees_nothing_internal(client) -> None:
    user = StaffFactory.create(is_active=False)
    client.force_login(user)

    response = client.get("/visits/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
