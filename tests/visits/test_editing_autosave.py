"""Autosave: what autosave.mjs posts every 30 seconds, and what the server answers."""

import re
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from tests.factories import StaffFactory, UserFactory
from visits.models import DetailedFeedback, ReviewStatus, Visit

from .editing_support import (
    NOTES,
    Areas,
    draft_visit,
    feedback_for,
    feedback_form,
    make_areas,
    signed_in,
    visit_form_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas() -> Areas:
    return make_areas()


def test_autosave_saves_the_visit_and_answers_the_time_and_the_new_version(areas: Areas) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff)

    response = signed_in(staff).post(
        f"/visits/{visit.pk}/autosave/", visit_form_of(visit, notes="Typed so far.")
    )

    assert response.status_code == 200
    answer = response.json()
    visit.refresh_from_db()
    assert visit.notes == "Typed so far."
    assert answer == {
        # The time in England, where the team works, not UTC.
        "saved_at": f"{visit.updated_at.astimezone(ZoneInfo('Europe/London')):%H:%M:%S}",
        "version": 2,
    }
    assert re.fullmatch(r"\d\d:\d\d:\d\d", answer["saved_at"])
    latest = visit.history.first()
    assert latest is not None
    assert latest.history_change_reason == "Saved automatically"
    assert latest.history_user == staff


def test_autosaving_again_from_the_version_it_answered_saves_again(areas: Areas) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff)
    client = signed_in(staff)

    first = client.post(f"/visits/{visit.pk}/autosave/", visit_form_of(visit, notes="One."))
    second = client.post(
        f"/visits/{visit.pk}/autosave/",
        visit_form_of(visit, notes="One. Two.", version=first.json()["version"]),
    )

    assert second.status_code == 200
    assert second.json()["version"] == 3
    visit.refresh_from_db()
    assert visit.notes == "One. Two."


def test_autosave_from_an_old_version_is_refused_with_409_and_overwrites_nothing(
    areas: Areas,
) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff)
    signed_in().post(f"/visits/{visit.pk}/edit/", visit_form_of(visit, notes="Someone else's."))

    response = signed_in(staff).post(
        f"/visits/{visit.pk}/autosave/", visit_form_of(visit, notes="Mine.", version=1)
    )

    assert response.status_code == 409
    assert response.json() == {
        "error": "Not saved automatically: someone else changed this visit while you were "
        "editing it. Your changes are still on this page: choose Save draft to see both "
        "versions and keep what you need."
    }
    visit.refresh_from_db()
    assert visit.notes == "Someone else's."
    assert visit.version == 2


def test_autosave_of_a_form_with_a_problem_says_what_and_saves_nothing(areas: Areas) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff)

    response = signed_in(staff).post(
        f"/visits/{visit.pk}/autosave/", visit_form_of(visit, date=("31", "2", "2013"))
    )

    assert response.status_code == 400
    assert response.json() == {"error": "Not saved automatically: Visit date must be a real date"}
    visit.refresh_from_db()
    assert visit.version == 1


def test_autosave_of_a_submitted_visit_is_refused(areas: Areas) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff)
    Visit.objects.filter(pk=visit.pk).update(status=ReviewStatus.SUBMITTED)

    response = signed_in(staff).post(
        f"/visits/{visit.pk}/autosave/", visit_form_of(visit, notes="Late.")
    )

    assert response.status_code == 409
    assert "submitted for review, so it cannot be changed" in response.json()["error"]
    visit.refresh_from_db()
    assert visit.notes == NOTES


@pytest.mark.parametrize("url", ["/visits/{pk}/autosave/", "/visits/{pk}/feedback/autosave/"])
def test_autosave_refuses_visitors_and_people_outside_the_project(
    areas: Areas, url: str, client: Client
) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff)
    feedback_for(visit, staff, lessons="Kept.")
    path = url.format(pk=visit.pk)
    data = {**visit_form_of(visit, notes="Not theirs."), "lessons": "Not theirs."}

    anonymous = client.post(path, data)
    outsider = signed_in(UserFactory.create()).post(path, data)

    assert anonymous.status_code == 403
    assert outsider.status_code == 403
    assert "only project members can save this" in outsider.json()["error"]
    visit.refresh_from_db()
    assert visit.notes == NOTES
    assert DetailedFeedback.objects.get().lessons == "Kept."


@pytest.mark.parametrize("url", ["/visits/{pk}/autosave/", "/visits/{pk}/feedback/autosave/"])
def test_autosave_is_only_ever_a_post(areas: Areas, url: str) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff)

    assert signed_in(staff).get(url.format(pk=visit.pk)).status_code == 405


def test_autosave_saves_the_feedback_and_refuses_an_old_version(areas: Areas) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff)
    feedback_for(visit, staff)
    client = signed_in(staff)

    saved = client.post(
        f"/visits/{visit.pk}/feedback/autosave/",
        feedback_form(version=1, barriers="Consent worries.", staff_police="2"),
    )
    stale = client.post(
        f"/visits/{visit.pk}/feedback/autosave/", feedback_form(version=1, barriers="Overwrite.")
    )

    assert saved.status_code == 200
    assert saved.json()["version"] == 2
    assert stale.status_code == 409
    assert "someone else changed this feedback record" in stale.json()["error"]
    feedback = DetailedFeedback.objects.get()
    assert feedback.barriers == "Consent worries."
    assert feedback.staffing.get().agency_type == "police"


def test_feedback_autosave_says_what_is_wrong_with_the_form(areas: Areas) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff)
    feedback_for(visit, staff)

    response = signed_in(staff).post(
        f"/visits/{visit.pk}/feedback/autosave/",
        feedback_form(version=1, uses_blue_rating="no", blue_hours="12"),
    )

    assert response.status_code == 400
    assert response.json()["error"] == (
        "Not saved automatically: Select BRAG if the area uses a blue rating, or delete the "
        "blue hours"
    )
