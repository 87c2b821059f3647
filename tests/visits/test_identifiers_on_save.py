"""Saving or autosaving a visit or its feedback with possible identifiers in the text: the save
goes through (staff must not lose their work), the page warns with each hit in its words and a
link to its field, and the visits list tags the record until the text is clean or a reviewer
lets the hits through."""

from typing import Any

import pytest
from django.test import Client

from tests.factories import ReviewerFactory, StaffFactory
from visits.models import DetailedFeedback, Visit
from visits.services import record_submit

from .editing_support import (
    Areas,
    draft_visit,
    feedback_form,
    ids,
    make_areas,
    page_of,
    signed_in,
    visit_form_of,
)

pytestmark = pytest.mark.django_db

NHS_NUMBER = "943 476 5919"  # passes the mod-11 check
WITH_NHS_NUMBER = f"The child's NHS number {NHS_NUMBER} was read out at the meeting."
CLEAN = "The hub has police, health and children's social care in one office."


@pytest.fixture
def areas() -> Areas:
    return make_areas()


def _warning(response: Any) -> str:
    """The text of the "possible identifiers" warning on the page ("" if there is none)."""
    banners = [
        banner
        for banner in page_of(response).find_all("div", "govuk-notification-banner")
        if banner.attrs.get("id") == "identifiers-saved"
    ]
    return banners[0].text() if banners else ""


def _list_row(client: Client, visit: Visit) -> str:
    """The visit's row in the visits list, as a user reads it."""
    page = page_of(client.get("/visits/"))
    rows = [
        row
        for row in page.find_all("tr")
        if any(a.attrs.get("href") == f"/visits/{visit.pk}/" for a in row.find_all("a"))
    ]
    assert rows, "the visit is not listed"
    return rows[0].text()


def test_saving_a_visit_with_an_nhs_number_saves_it_and_warns_with_the_hit(areas: Areas) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff)
    client = signed_in(staff)

    response = client.post(
        f"/visits/{visit.pk}/edit/", visit_form_of(visit, notes=WITH_NHS_NUMBER), follow=True
    )

    visit.refresh_from_db()
    assert visit.notes == WITH_NHS_NUMBER
    assert visit.identifiers_found == 1
    assert response.redirect_chain[-1][0] == f"/visits/{visit.pk}/edit/"
    page = page_of(response)
    warning = _warning(response)
    assert "Possible identifier found: remove it before you submit" in warning
    assert "Your work is saved" in warning
    assert "NHS number in the notes" in warning
    assert f"The child's NHS number {NHS_NUMBER} was read out" in warning
    marked = [m.text() for m in page.find_all("mark", "app-identifier")]
    assert marked == [NHS_NUMBER]
    links = [a.attrs["href"] for a in page.find_all("a") if a.text() == "NHS number in the notes"]
    assert links == ["#id_notes"]
    assert "id_notes" in ids(page)


def test_creating_a_visit_with_an_nhs_number_marks_it(areas: Areas) -> None:
    visit = draft_visit(areas, StaffFactory.create(), notes=WITH_NHS_NUMBER)

    assert Visit.objects.get(pk=visit.pk).identifiers_found == 1


def test_the_visit_page_warns_and_links_to_the_field_on_the_form(areas: Areas) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff, notes=WITH_NHS_NUMBER)

    response = signed_in(staff).get(f"/visits/{visit.pk}/")

    assert "NHS number in the notes" in _warning(response)
    page = page_of(response)
    links = [a.attrs["href"] for a in page.find_all("a") if a.text() == "NHS number in the notes"]
    assert links == [f"/visits/{visit.pk}/edit/#id_notes"]


def test_autosaving_an_nhs_number_saves_it_and_answers_a_short_warning(areas: Areas) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff)

    response = signed_in(staff).post(
        f"/visits/{visit.pk}/autosave/", visit_form_of(visit, notes=WITH_NHS_NUMBER)
    )

    assert response.status_code == 200
    answer = response.json()
    assert answer["version"] == 2
    assert answer["warning"] == (
        "Possible identifier found: NHS number in the notes. Remove it before you submit."
    )
    visit.refresh_from_db()
    assert visit.notes == WITH_NHS_NUMBER
    assert visit.identifiers_found == 1


def test_autosave_names_every_kind_found(areas: Areas) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff)
    notes = f"NHS {NHS_NUMBER}; the social worker is on jo.bloggs@example.org."

    answer = (
        signed_in(staff)
        .post(f"/visits/{visit.pk}/autosave/", visit_form_of(visit, notes=notes))
        .json()
    )

    assert answer["warning"] == (
        "Possible identifiers found: NHS number in the notes, email address in the notes. "
        "Remove them before you submit."
    )


def test_the_visits_list_tags_a_visit_with_possible_identifiers(areas: Areas) -> None:
    staff = StaffFactory.create()
    marked = draft_visit(areas, staff, notes=WITH_NHS_NUMBER)
    clean = draft_visit(areas, staff, local_authorities=[areas.sunderland])
    client = signed_in(staff)

    assert "Possible identifiers" in _list_row(client, marked)
    assert "Possible identifiers" not in _list_row(client, clean)


def test_editing_the_text_clean_clears_the_marker_the_tag_and_the_warning(areas: Areas) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff, notes=WITH_NHS_NUMBER)
    client = signed_in(staff)

    autosaved = client.post(f"/visits/{visit.pk}/autosave/", visit_form_of(visit, notes=CLEAN))

    assert "warning" not in autosaved.json()
    visit.refresh_from_db()
    assert visit.identifiers_found == 0
    assert "Possible identifiers" not in _list_row(client, visit)
    assert _warning(client.get(f"/visits/{visit.pk}/edit/")) == ""


def test_a_reviewers_reason_to_keep_the_identifiers_clears_the_tag(areas: Areas) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff, notes=WITH_NHS_NUMBER)
    record_submit(
        record=visit, user=ReviewerFactory.create(), override_reason="A made-up test number"
    )
    client = signed_in(staff)

    assert "Possible identifiers" not in _list_row(client, visit)
    assert _warning(client.get(f"/visits/{visit.pk}/")) == ""


def test_the_marker_is_not_listed_as_a_change_in_the_history(areas: Areas) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff)
    client = signed_in(staff)
    client.post(f"/visits/{visit.pk}/edit/", visit_form_of(visit, notes=WITH_NHS_NUMBER))

    page = client.get(f"/visits/{visit.pk}/history/").content.decode()

    assert "Identifiers found" not in page
    assert NHS_NUMBER in page  # the notes' change itself is shown


# ----- Detailed feedback ------------------------------------------------------------------


def test_saving_feedback_with_an_email_address_warns_and_tags_the_feedback(areas: Areas) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff)
    client = signed_in(staff)
    barriers = "Ask the duty manager on jo.bloggs@example.org for the figures."

    response = client.post(
        f"/visits/{visit.pk}/feedback/edit/",
        feedback_form(version=0, barriers=barriers),
        follow=True,
    )

    feedback = DetailedFeedback.objects.get(visit=visit)
    assert feedback.barriers == barriers
    assert feedback.identifiers_found == 1
    warning = _warning(response)
    assert "Email address in the barriers" in warning
    page = page_of(response)
    links = [a.attrs["href"] for a in page.find_all("a") if a.text().startswith("Email address")]
    assert links == ["#id_barriers"]
    assert "id_barriers" in ids(page)
    row = _list_row(client, visit)
    assert "Possible identifiers" in row  # in the detailed feedback column
    feedback_page = _warning(client.get(f"/visits/{visit.pk}/feedback/"))
    assert "Email address in the barriers" in feedback_page


def test_autosaving_feedback_answers_the_warning(areas: Areas) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff)
    client = signed_in(staff)
    client.post(f"/visits/{visit.pk}/feedback/edit/", feedback_form(version=0, lessons="None."))

    answer = client.post(
        f"/visits/{visit.pk}/feedback/autosave/",
        feedback_form(version=1, lessons=f"Quote NHS number {NHS_NUMBER} when you call."),
    ).json()

    assert answer["warning"] == (
        "Possible identifier found: NHS number in the lessons and next steps. "
        "Remove it before you submit."
    )
    assert DetailedFeedback.objects.get(visit=visit).identifiers_found == 1
