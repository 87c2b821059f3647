"""A NUL byte or another control character in any filter or form field is refused with 400
and a message naming the field, before any view reads it (PostgreSQL cannot store a NUL at
all): never a 500, never saved."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.visits.factories import VisitFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/case-studies/?region=%00",
        "/case-studies/?model=mash%1B",
        "/search/?q=sharing%00",
        "/areas/?x%00=1",
        "/findings/themes/?page=%7F",
    ],
)
def test_a_control_character_in_a_filter_is_a_400_that_names_it(client: Client, url: str) -> None:
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Remove the control character (such as a NUL byte) from " in page
    assert 'class="govuk-header' in page  # the service's own page


def test_the_api_answers_in_json(client: Client) -> None:
    response = client.get("/api/v1/case-studies/?region=%00")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Remove the control character (such as a NUL byte) from region: only text, "
        "tabs and line breaks can be sent"
    }


def test_a_nul_in_a_form_field_saves_nothing(staff_user: User, staff_client: Client) -> None:
    visit = VisitFactory.create(notes="As saved.", created_by=staff_user)
    response = staff_client.post(
        f"/visits/{visit.pk}/edit/", {"version": "1", "notes": "New\x00notes"}
    )
    assert response.status_code == 400
    assert "from notes" in response.content.decode()
    visit.refresh_from_db()
    assert visit.notes == "As saved."


def test_tabs_and_line_breaks_are_text(client: Client) -> None:
    assert client.get("/search/?q=sharing%09information%0D%0A").status_code == 200
