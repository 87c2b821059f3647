"""Choosing areas to visit: the services, and the page project members use."""

import pytest
from django.test import Client

from areas.models import LocalAuthority, Region
from mash_survey.errors import ServiceError
from surveys.models import VisitSelection
from surveys.services import visit_selection_add, visit_selection_remove
from tests.areas.pages import Element, parse, table_rows
from tests.factories import UserFactory
from tests.queries import assert_query_count_flat

from .factories import SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(register):
    return SurveyFactory.create(slug="arrangements", title="Survey of arrangements")


def _area(name: str) -> LocalAuthority:
    return LocalAuthority.objects.get(name=name)


def _select(
    survey, name: str, user, reason: str = "Co-located police and health"
) -> VisitSelection:
    return visit_selection_add(survey=survey, local_authority=_area(name), reason=reason, user=user)


def _page(client: Client, url: str = "/survey/arrangements/selection/") -> Element:
    response = client.get(url)
    assert response.status_code == 200
    return parse(response.content)


def _by_id(page: Element, element_id: str) -> Element:
    return next(el for el in page.iter() if el.attrs.get("id") == element_id)


# ----- Services ------------------------------------------------------------


def test_selecting_an_area_records_the_reason_who_and_the_history(survey, staff_user):
    selection = _select(survey, "Gateshead", staff_user, reason="  Shared IT with police  ")

    selection.refresh_from_db()
    assert selection.reason == "Shared IT with police"
    assert selection.selected_by == staff_user
    history = selection.history.get()
    assert history.history_type == "+"
    assert history.history_user == staff_user


def test_selecting_an_area_twice_is_refused_with_a_message(survey, staff_user):
    _select(survey, "Gateshead", staff_user)

    with pytest.raises(ServiceError, match="Gateshead is already selected for a visit"):
        _select(survey, "Gateshead", staff_user)
    assert VisitSelection.objects.count() == 1


def test_the_same_area_can_be_selected_for_another_survey(survey, staff_user):
    _select(survey, "Gateshead", staff_user)
    other = SurveyFactory.create()

    visit_selection_add(
        survey=other, local_authority=_area("Gateshead"), reason="Again", user=staff_user
    )

    assert VisitSelection.objects.count() == 2


def test_selecting_without_a_reason_is_refused(survey, staff_user):
    with pytest.raises(ServiceError, match="Enter why this area should be visited"):
        _select(survey, "Gateshead", staff_user, reason="   ")


def test_removing_a_selection_deletes_it_and_the_history_says_who(survey, staff_user):
    selection = _select(survey, "Gateshead", staff_user)
    remover = UserFactory.create()

    visit_selection_remove(selection=selection, user=remover)

    assert not VisitSelection.objects.exists()
    last = VisitSelection.history.order_by("-history_id").first()
    assert last.history_type == "-"
    assert last.history_user == remover


def test_removing_a_selection_already_removed_is_refused_with_a_message(survey, staff_user):
    selection = _select(survey, "Gateshead", staff_user)
    visit_selection_remove(selection=selection, user=staff_user)

    with pytest.raises(ServiceError, match="Gateshead had already been removed"):
        visit_selection_remove(selection=selection, user=staff_user)


# ----- The page ------------------------------------------------------------


def test_the_selection_page_lists_areas_by_region_with_reason_and_who(
    staff_client, survey, staff_user
):
    _select(survey, "Gateshead", staff_user, reason="Shared IT with police")
    _select(survey, "Camden", staff_user, reason="A MASH with adults included")

    page = _page(staff_client)

    north_east = _by_id(page, "region-north-east")
    assert north_east.text() == "North East 1 area selected"
    tables = page.find_all("table")
    rows = [row for table in tables[1:] for row in table_rows(table)]
    # Regions by name: London before North East.
    assert [row[:2] for row in rows] == [
        ["Camden", "A MASH with adults included"],
        ["Gateshead", "Shared IT with police"],
    ]
    assert all(row[2].startswith(staff_user.username) for row in rows)
    counts = {row[0]: row[1] for row in table_rows(_by_id(page, "selection-counts"))}
    assert counts["North East"] == "1"
    assert counts["London"] == "1"
    assert counts["South West"] == "0"
    assert len(counts) == Region.objects.count()


def test_more_than_five_in_a_region_is_warned_about_but_allowed(staff_client, survey, staff_user):
    london = LocalAuthority.objects.filter(region__name="London").order_by("name")[:6]
    for authority in london:
        visit_selection_add(
            survey=survey, local_authority=authority, reason="Reason", user=staff_user
        )
    _select(survey, "Gateshead", staff_user)

    page = _page(staff_client)

    warnings = [w.text() for w in page.find_all("div", "govuk-warning-text")]
    assert warnings == [
        "! Warning London has 6 areas selected. The project plans at most 5 areas a region."
    ]
    assert VisitSelection.objects.filter(local_authority__region__name="London").count() == 6


def test_five_in_a_region_gets_no_warning(staff_client, survey, staff_user):
    for authority in LocalAuthority.objects.filter(region__name="London")[:5]:
        visit_selection_add(
            survey=survey, local_authority=authority, reason="Reason", user=staff_user
        )

    page = _page(staff_client)

    assert not page.find_all("div", "govuk-warning-text")


def test_the_form_offers_only_areas_not_yet_selected(staff_client, survey, staff_user):
    _select(survey, "Gateshead", staff_user)

    page = _page(staff_client)

    options = [o.text() for o in _by_id(page, "id_local_authority").find_all("option")]
    assert "Gateshead (North East)" not in options
    assert "Camden (London)" in options
    assert options[0] == "Select a local authority"
    assert len(options) == 1 + 151


def test_adding_an_area_selects_it_and_says_so(staff_client, survey, staff_user):
    response = staff_client.post(
        "/survey/arrangements/selection/add/",
        {"local_authority": _area("Camden").pk, "reason": "A MASH with adults included"},
        follow=True,
    )

    assert response.redirect_chain == [("/survey/arrangements/selection/", 302)]
    selection = VisitSelection.objects.get()
    assert (selection.local_authority.name, selection.selected_by) == ("Camden", staff_user)
    assert "Camden selected for a visit" in parse(response.content).text()


def test_adding_without_an_area_or_reason_shows_what_to_do(staff_client, survey):
    response = staff_client.post("/survey/arrangements/selection/add/", {})
    page = parse(response.content)

    assert response.status_code == 200
    assert page.find("title").text().startswith("Error: ")
    summary = page.find("div", "govuk-error-summary")
    links = {a.text(): a.attrs["href"] for a in summary.find_all("a")}
    assert links == {
        "Select a local authority": "#id_local_authority",
        "Enter why this area should be visited": "#id_reason",
    }
    assert not VisitSelection.objects.exists()


def test_adding_an_area_someone_else_selected_meanwhile_is_refused_with_a_message(
    staff_client, survey, reviewer_user
):
    _select(survey, "Gateshead", reviewer_user)

    response = staff_client.post(
        "/survey/arrangements/selection/add/",
        {"local_authority": _area("Gateshead").pk, "reason": "Mine too"},
    )

    page = parse(response.content)
    assert response.status_code == 200
    assert "Gateshead is already selected for a visit. Select another local authority." in (
        page.find("div", "govuk-error-summary").text()
    )
    assert VisitSelection.objects.get().selected_by == reviewer_user


def test_remove_takes_an_area_off_the_list(staff_client, survey, staff_user):
    selection = _select(survey, "Gateshead", staff_user)

    response = staff_client.post(
        f"/survey/arrangements/selection/{selection.pk}/remove/", follow=True
    )

    assert response.redirect_chain == [("/survey/arrangements/selection/", 302)]
    assert not VisitSelection.objects.exists()
    assert "Gateshead removed from the areas to visit" in parse(response.content).text()


def test_removing_twice_says_it_was_already_removed(staff_client, survey, staff_user):
    selection = _select(survey, "Gateshead", staff_user)
    url = f"/survey/arrangements/selection/{selection.pk}/remove/"
    staff_client.post(url)

    response = staff_client.post(url, follow=True)

    assert response.status_code == 200
    assert "That area had already been removed" in parse(response.content).text()


def test_a_selection_of_another_survey_cannot_be_removed_through_this_one(
    staff_client, survey, staff_user
):
    other = SurveyFactory.create(slug="other")
    selection = visit_selection_add(
        survey=other, local_authority=_area("Gateshead"), reason="Other", user=staff_user
    )

    staff_client.post(f"/survey/arrangements/selection/{selection.pk}/remove/")

    assert VisitSelection.objects.filter(pk=selection.pk).exists()


def test_a_get_of_add_or_remove_changes_nothing(staff_client, survey, staff_user):
    selection = _select(survey, "Gateshead", staff_user)

    assert staff_client.get("/survey/arrangements/selection/add/").status_code == 405
    remove = f"/survey/arrangements/selection/{selection.pk}/remove/"
    assert staff_client.get(remove).status_code == 405
    assert VisitSelection.objects.count() == 1


def test_people_outside_the_project_can_neither_see_nor_change_the_selection(
    client, survey, staff_user
):
    selection = _select(survey, "Gateshead", staff_user)
    camden = {"local_authority": _area("Camden").pk, "reason": "No"}
    remove = f"/survey/arrangements/selection/{selection.pk}/remove/"

    signed_out = [
        client.get("/survey/arrangements/selection/"),
        client.post("/survey/arrangements/selection/add/", camden),
        client.post(remove),
    ]
    assert all(r.status_code == 302 and "/accounts/login/" in r["Location"] for r in signed_out)
    client.force_login(UserFactory.create())
    no_role = [
        client.get("/survey/arrangements/selection/"),
        client.post("/survey/arrangements/selection/add/", camden),
        client.post(remove),
    ]
    assert [r.status_code for r in no_role] == [403, 403, 403]
    assert list(VisitSelection.objects.values_list("local_authority__name", flat=True)) == [
        "Gateshead"
    ]


def test_the_selection_page_s_query_count_does_not_grow_with_the_selections(
    staff_client, survey, staff_user
):
    areas = iter(LocalAuthority.objects.order_by("name"))

    def more() -> None:
        for _ in range(8):
            visit_selection_add(
                survey=survey, local_authority=next(areas), reason="Reason", user=staff_user
            )

    more()
    assert_query_count_flat(
        lambda: staff_client.get("/survey/arrangements/selection/"),
        more,
        message="the selection page",
    )
