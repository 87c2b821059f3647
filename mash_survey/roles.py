"""The two working roles and what each may do.

Groups are created by a data migration (`areas/migrations/0002_roles.py`); later
apps add their models' permissions in their own data migrations with `grant`.
Administrators are superusers and manage users, groups and API keys in the admin.
"""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, Group, User

PROJECT_STAFF = "Project staff"
REVIEWERS = "Reviewers"
ROLE_GROUPS = (PROJECT_STAFF, REVIEWERS)


def grant(apps: Any, group_name: str, app_label: str, codenames: list[str]) -> None:
    """In a data migration: give `group_name` the named permissions of `app_label`.

    Creates the app's permissions first, since Django only makes them after the
    whole migrate run, and a data migration runs before that.
    """
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config(app_label)
    # Migration state holds stubs without models_module, which create_permissions needs.
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    group, _ = group_model.objects.get_or_create(name=group_name)
    permissions = permission_model.objects.filter(
        content_type__app_label=app_label, codename__in=codenames
    )
    missing = set(codenames) - {p.codename for p in permissions}
    if missing:
        raise LookupError(f"no such permissions in {app_label}: {sorted(missing)}")
    group.permissions.add(*permissions)


def demo_user(username: str, group: str) -> User:
    """A demo sign-in of the role `group`, made without a password if `create_demo_users` has
    not run yet (demo content needs people: who selected an area, who wrote a finding)."""
    user, created = User.objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=group))
    return user


def _group_names(user: AbstractBaseUser | AnonymousUser) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached: set[str] | None = user.__dict__.get("_role_groups")
    if cached is None:
        # Once per request: the layout and the view both ask.
        cached = set(Group.objects.filter(user__pk=user.pk).values_list("name", flat=True))
        user.__dict__["_role_groups"] = cached
    return cached


def is_staff_member(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Project staff, reviewers and administrators: may see internal records."""
    if not user.is_authenticated:
        return False
    if getattr(user, "is_superuser", False):
        return True
    return bool(_group_names(user) & set(ROLE_GROUPS))


def is_reviewer(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    return bool(getattr(user, "is_superuser", False) or REVIEWERS in _group_names(user))


def is_administrator(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Administrators are superusers: users, groups, API keys and the audit events."""
    return bool(user.is_authenticated and getattr(user, "is_superuser", False))
