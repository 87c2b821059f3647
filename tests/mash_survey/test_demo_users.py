"""`manage.py create_demo_users`: one sign-in per role, for local development only."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client
from pytest_django.fixtures import Settings

from mash_survey.roles import PROJECT_STAFF, REVIEWERS

pytestmark = pytest.mark.django_db

PASSWORD = "demo-password-for-tests"
DEMO_NAMES = ["demo-admin", "demo-reviewer", "demo-staff"]
User = get_user_model()


@pytest.fixture
def development(settings: Settings) -> Settings:
    settings.DEBUG = True
    settings.DEMO_PASSWORD = PASSWORD
    return settings


def demo_users() -> dict[str, tuple[list[str], bool, bool]]:
    """User name → (groups, is_superuser, is_staff) for each demo user."""
    return {
        user.username: (
            sorted(user.groups.values_list("name", flat=True)),
            user.is_superuser,
            user.is_staff,
        )
        for user in User.objects.filter(username__startswith="demo-").order_by("username")
    }


def test_it_refuses_with_debug_off(settings: Settings) -> None:
    settings.DEBUG = False
    settings.DEMO_PASSWORD = PASSWORD

    with pytest.raises(CommandError, match="set DEBUG=true"):
        call_command("create_demo_users")

    assert not User.objects.filter(username__startswith="demo-").exists()


def test_it_refuses_without_a_long_enough_password(development: Settings) -> None:
    development.DEMO_PASSWORD = "short"

    with pytest.raises(CommandError, match="Set DEMO_PASSWORD"):
        call_command("create_demo_users")

    assert not User.objects.filter(username__startswith="demo-").exists()


def test_it_creates_one_sign_in_per_role(development: Settings) -> None:
    output = io.StringIO()

    call_command("create_demo_users", stdout=output)

    assert demo_users() == {
        "demo-admin": ([], True, True),
        "demo-reviewer": ([REVIEWERS], False, False),
        "demo-staff": ([PROJECT_STAFF], False, False),
    }
    for name in DEMO_NAMES:
        assert User.objects.get(username=name).check_password(PASSWORD)
    assert "demo-staff, demo-reviewer, demo-admin" in output.getvalue()
    assert PASSWORD not in output.getvalue(), "the password is not printed"


def test_running_it_twice_makes_no_duplicates(development: Settings) -> None:
    call_command("create_demo_users")
    first = demo_users()
    ids = set(User.objects.filter(username__in=DEMO_NAMES).values_list("pk", flat=True))

    call_command("create_demo_users")

    assert demo_users() == first
    assert User.objects.filter(username__startswith="demo-").count() == 3
    assert set(User.objects.filter(username__in=DEMO_NAMES).values_list("pk", flat=True)) == ids


def test_running_it_again_keeps_what_an_administrator_changed(
    development: Settings, client: Client
) -> None:
    call_command("create_demo_users")
    staff = User.objects.get(username="demo-staff")
    staff.set_password("someone-changed-it")
    staff.save()
    staff.groups.set([Group.objects.get(name=REVIEWERS)])
    User.objects.filter(username="demo-admin").update(is_active=False)
    client.force_login(staff)

    output = io.StringIO()
    call_command("create_demo_users", stdout=output)

    staff.refresh_from_db()
    assert staff.check_password("someone-changed-it")
    assert list(staff.groups.values_list("name", flat=True)) == [REVIEWERS]
    assert not User.objects.get(username="demo-admin").is_active
    assert "left as they are" in output.getvalue()
    # Still signed in: the password's hash, which the session checks, did not change.
    assert "Signed in as demo-staff" in client.get("/").content.decode()


def test_a_deleted_demo_sign_in_is_made_again(development: Settings) -> None:
    call_command("create_demo_users")
    User.objects.filter(username="demo-reviewer").delete()

    output = io.StringIO()
    call_command("create_demo_users", stdout=output)

    assert User.objects.get(username="demo-reviewer").check_password(PASSWORD)
    assert "demo-reviewer created now" in output.getvalue()
