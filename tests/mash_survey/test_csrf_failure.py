"""A form posted from a page opened before the session changed: a GOV.UK page that says why
and shows back what was typed (escaped, never saved), not Django's bare CSRF page."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.visits.factories import VisitFactory
from visits.models import Visit

pytestmark = pytest.mark.django_db


def test_a_stale_form_shows_what_was_typed_and_saves_nothing(staff_user: User) -> None:
    visit = VisitFactory.create(notes="The notes as saved.")
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)

    response = client.post(
        f"/visits/{visit.pk}/edit/",
        {
            "csrfmiddlewaretoken": "from-the-old-session",
            "version": "1",
            "notes": "Line one <script>alert(1)</script>\nLine two",
            "model_seen": "",
        },
    )

    page = response.content.decode()
    assert response.status_code == 403
    assert "Your session changed: nothing was saved" in page
    assert "Line one &lt;script&gt;alert(1)&lt;/script&gt;\nLine two" in page
    assert "<script>alert(1)" not in page
    assert "from-the-old-session" not in page  # the token is not shown back
    assert 'class="govuk-header' in page  # the service's own page, not Django's
    visit.refresh_from_db()
    assert visit.notes == "The notes as saved."
    assert Visit.objects.count() == 1


def test_a_password_is_never_shown_back() -> None:
    client = Client(enforce_csrf_checks=True)

    page = client.post(
        "/accounts/login/", {"username": "someone", "password": "my-secret-words"}
    ).content.decode()

    assert "Your session changed" in page
    assert "someone" in page
    assert "my-secret-words" not in page
