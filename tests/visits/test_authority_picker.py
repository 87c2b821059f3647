"""The visit form's local authorities: the chosen region's, in one section that is open and
says how many are chosen (the picker the case study form uses)."""

import pytest

from tests.areas.pages import Element
from tests.factories import StaffFactory
from visits.models import Visit

from .editing_support import (
    Areas,
    checked,
    draft_visit,
    make_areas,
    page_of,
    signed_in,
    visit_form,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas() -> Areas:
    return make_areas()


def _regions(page: Element) -> list[Element]:
    picker = page.find("div", "app-authority-picker")
    return picker.find_all("details", "app-authority-picker__region")


def test_a_new_visit_lists_the_chosen_regions_authorities_in_one_open_section(
    areas: Areas,
) -> None:
    page = page_of(signed_in().get("/visits/new/", {"region": "E12000001"}))

    [region] = _regions(page)
    assert region.find("summary").text() == "North East (none chosen)"
    assert "open" in region.attrs
    assert [label.text() for label in region.find_all("label")] == ["Gateshead", "Sunderland"]


def test_a_saved_visit_shows_its_authorities_ticked_and_counted(areas: Areas) -> None:
    staff = StaffFactory.create()
    visit = draft_visit(areas, staff, local_authorities=[areas.gateshead, areas.sunderland])

    page = page_of(signed_in(staff).get(f"/visits/{visit.pk}/edit/"))

    [region] = _regions(page)
    assert region.find("summary").text() == "North East (2 chosen)"
    assert sorted(checked(page, "local_authorities")) == sorted(
        [str(areas.gateshead.pk), str(areas.sunderland.pk)]
    )


def test_authorities_ticked_without_javascript_are_saved(areas: Areas) -> None:
    client = signed_in()

    response = client.post(
        "/visits/new/",
        visit_form(region=areas.north_east, authorities=[areas.gateshead, areas.sunderland]),
    )

    assert response.status_code == 302
    visit = Visit.objects.get()
    assert sorted(a.name for a in visit.local_authorities.all()) == ["Gateshead", "Sunderland"]
