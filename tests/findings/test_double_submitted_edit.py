"""The same edit of a theme or a finding sent twice by the same person (a double click that
got through) is saved once, and the second send is told it is saved, not that someone else
changed it. Someone else's save in between is still refused."""

import pytest
from django.contrib.auth.models import User
from django.db import models
from django.test import Client
from django.urls import reverse

from findings.models import Finding, Theme
from tests.conftest import signed_in_client
from tests.factories import StaffFactory

from .coded import draft
from .factories import ThemeFactory

pytestmark = pytest.mark.django_db

CONFLICT = "changed by someone else"


def _forms(staff_user: User) -> list[tuple[models.Model, str, dict[str, object], str]]:
    """(record, its edit page, a change, the message after saving) for a theme and a finding."""
    theme = ThemeFactory.create(name="Structure")
    finding = draft(theme, staff_user)
    return [
        (
            theme,
            reverse("findings:theme_edit", kwargs={"slug": theme.slug}),
            {"name": "Structure and governance", "definition": "Who decides.", "order": "0"},
            "Your changes to Structure and governance are saved.",
        ),
        (
            finding,
            reverse("findings:finding_edit", kwargs={"pk": finding.pk}),
            {
                "theme": theme.pk,
                "headline": "Sitting together",
                "statement": "It helps.",
                "order": "0",
            },
            "Your changes to the finding are saved.",
        ),
    ]


def test_the_same_edit_sent_twice_is_saved_once_without_a_conflict(
    staff_client: Client, staff_user: User
) -> None:
    for record, url, change, saved in _forms(staff_user):
        data = {**change, "version": record.version}  # type: ignore[attr-defined]

        first = staff_client.post(url, data, follow=True)
        second = staff_client.post(url, data, follow=True)

        assert first.redirect_chain == second.redirect_chain, url
        assert saved in second.content.decode(), url
        assert CONFLICT not in second.content.decode(), url
        record.refresh_from_db()
        assert record.version == data["version"] + 1, url  # type: ignore[attr-defined]


def test_someone_elses_save_in_between_is_still_refused(
    staff_client: Client, staff_user: User
) -> None:
    other = signed_in_client(StaffFactory.create())
    for record, url, change, _ in _forms(staff_user):
        seen = record.version  # type: ignore[attr-defined]
        staff_client.post(url, {**change, "version": seen})
        other.post(url, {**change, "order": "5", "version": seen + 1})

        late = staff_client.post(url, {**change, "version": seen})

        assert CONFLICT in late.content.decode(), url
        record.refresh_from_db()
        assert record.order == 5, url  # type: ignore[attr-defined]
    assert Theme.objects.count() == 1 and Finding.objects.count() == 1
