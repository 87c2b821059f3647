"""The visits section of an area's page: project members only."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from areas.models import LocalAuthority
from tests.areas.pages import Element, parse, table_rows
from tests.factories import UserFactory
from tests.queries import assert_query_count_flat
from tests.visits.factories import DetailedFeedbackFactory, VisitFactory
from visits.models import ModelSeen, ReviewStatus, Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def gateshead(register: None) -> LocalAuthority:
    return LocalAuthority.objects.get(name="Gateshead")


@pytest.fixture
def sunderland(register: None) -> LocalAuthority:
    return LocalAuthority.objects.get(name="Sunderland")


def visit(areas: list[LocalAuthority], **kwargs: Any) -> Visit:
    return VisitFactory.create(region=areas[0].region, local_authorities=areas, **kwargs)


def _page(client: Client, authority: LocalAuthority) -> Element:
    response = client.get(f"/areas/{authority.slug}/")
    assert response.status_code == 200
    return parse(response.content)


def _visits_table(page: Element) -> Element:
    headings = [h.text() for h in page.find_all("h2")]
    assert "Visits" in headings
    return next(t for t in page.find_all("table", "govuk-table") if "Model seen" in t.text())


def test_project_members_see_the_area_s_visits_with_links(staff_client, gateshead, sunderland):
    joint = visit(
        [gateshead, sunderland],
        visit_date=dt.date(2013, 2, 12),
        status=ReviewStatus.APPROVED,
        approved_at=timezone.now(),
    )
    DetailedFeedbackFactory.create(visit=joint)
    draft = visit([gateshead], visit_date=dt.date(2013, 3, 5), model_seen=ModelSeen.VIRTUAL)
    visit([sunderland], visit_date=dt.date(2013, 1, 9))

    page = _page(staff_client, gateshead)
    table = _visits_table(page)

    assert [row[:3] for row in table_rows(table)] == [
        ["12 February 2013", "Multi-agency safeguarding hub (MASH)", "Approved"],
        ["5 March 2013", "Virtual or hub model", "Draft"],
    ]
    links = [(a.text(), a.attrs["href"]) for a in table.find_all("a")]
    assert links == [
        ("View visit on 12 February 2013", f"/visits/{joint.pk}/"),
        ("View feedback from the visit on 12 February 2013", f"/visits/{joint.pk}/feedback/"),
        ("View visit on 5 March 2013", f"/visits/{draft.pk}/"),
    ]


def test_illustrative_visits_are_marked_as_such(staff_client, gateshead):
    visit([gateshead], is_illustrative=True)

    page = _page(staff_client, gateshead)

    assert "Illustrative" in _visits_table(page).text()
    assert "demonstration records, not the project's data" in page.text()


def test_visitors_and_signed_in_non_members_see_no_visits(client, gateshead, partner_key):
    visit([gateshead], status=ReviewStatus.APPROVED, approved_at=timezone.now())
    outsider = Client()
    outsider.force_login(UserFactory.create())
    with_key = Client(headers={"Authorization": f"Api-Key {partner_key}"})

    for caller in (client, outsider, with_key):
        response = caller.get(f"/areas/{gateshead.slug}/")
        assert response.status_code == 200
        page = parse(response.content)
        assert "Visits" not in [h.text() for h in page.find_all("h2")]
        assert "/visits/" not in response.content.decode().split("<main", 1)[1]


def test_an_area_without_visits_has_no_visits_section(staff_client, gateshead, sunderland):
    visit([sunderland])

    page = _page(staff_client, gateshead)

    assert "Visits" not in [h.text() for h in page.find_all("h2")]


def test_the_section_needs_no_more_queries_for_more_visits(staff_client, gateshead):
    visit([gateshead])

    def grow() -> None:
        for day in range(1, 8):
            DetailedFeedbackFactory.create(
                visit=visit([gateshead], visit_date=dt.date(2013, 2, day))
            )

    assert_query_count_flat(
        lambda: staff_client.get(f"/areas/{gateshead.slug}/"), grow, message="area page"
    )
