"""The same edit of a visit sent twice by the same person (a double click that got through)
is saved once, and the second send is told it is saved, not that someone else changed it."""

import pytest

from tests.factories import StaffFactory
from tests.visits.editing_support import draft_visit, make_areas, signed_in, visit_form_of

pytestmark = pytest.mark.django_db


def test_the_same_edit_sent_twice_is_saved_once_without_a_conflict() -> None:
    owner = StaffFactory.create()
    visit = draft_visit(make_areas(), owner)
    client = signed_in(owner)
    data = visit_form_of(visit, notes="Police and health now sit together.")

    first = client.post(f"/visits/{visit.pk}/edit/", data)
    second = client.post(f"/visits/{visit.pk}/edit/", data)

    assert first.status_code == second.status_code == 302
    assert second["Location"] == f"/visits/{visit.pk}/edit/"
    visit.refresh_from_db()
    assert visit.version == 2 and visit.notes == "Police and health now sit together."
    assert visit.history.count() == 2


def test_a_different_edit_from_an_old_version_is_still_a_conflict() -> None:
    owner = StaffFactory.create()
    visit = draft_visit(make_areas(), owner)
    client = signed_in(owner)
    client.post(f"/visits/{visit.pk}/edit/", visit_form_of(visit, notes="First words."))

    late = client.post(f"/visits/{visit.pk}/edit/", visit_form_of(visit, notes="Other words."))

    assert late.status_code == 409
    assert "changed by someone else" in late.content.decode()


def test_the_same_edit_by_someone_else_is_still_a_conflict() -> None:
    owner = StaffFactory.create()
    visit = draft_visit(make_areas(), owner)
    data = visit_form_of(visit, notes="The same words.")
    signed_in(owner).post(f"/visits/{visit.pk}/edit/", data)

    other = signed_in(StaffFactory.create()).post(f"/visits/{visit.pk}/edit/", data)

    assert other.status_code == 409
