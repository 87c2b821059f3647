from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from mash_survey.roles import PROJECT_STAFF, REVIEWERS

# (user name, group, superuser)
DEMO_USERS = (
    ("demo-staff", PROJECT_STAFF, False),
    ("demo-reviewer", REVIEWERS, False),
    ("demo-admin", None, True),
)


class Command(BaseCommand):
    help = (
        "Create one demo sign-in per role, with the password in DEMO_PASSWORD, unless it "
        "exists (then it is left as it is). For local development only: refuses to run unless "
        "DEBUG is on."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "Demo sign-ins are for development only: set DEBUG=true to create them."
            )
        password = getattr(settings, "DEMO_PASSWORD", "")
        if len(password) < 12:
            raise CommandError("Set DEMO_PASSWORD (12 characters or more) in .env first.")
        user_model = get_user_model()
        created = []
        with transaction.atomic():
            for username, group_name, superuser in DEMO_USERS:
                # A sign-in that exists is left as an administrator may have changed it: its
                # password, groups and flags, and so the sessions signed in with it.
                if user_model.objects.filter(username=username).exists():
                    continue
                user = user_model(username=username, is_staff=superuser, is_superuser=superuser)
                user.set_password(password)
                user.save()
                if group_name:
                    user.groups.set([Group.objects.get(name=group_name)])
                created.append(username)
        names = ", ".join(name for name, _, _ in DEMO_USERS)
        self.stdout.write(
            f"Demo sign-ins: {names}. Password: DEMO_PASSWORD in .env (written there by make run)"
            + (
                f"; {', '.join(created)} created now."
                if created
                else "; they existed already and were left as they are."
            )
        )
