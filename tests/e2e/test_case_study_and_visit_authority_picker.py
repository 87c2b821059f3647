"""Choosing local authorities in a real browser: with JavaScript, by typing part of a name
into the search box and choosing it; without, by opening a region and ticking a checkbox.
Either way the authority is saved, and axe runs on the pages on the way."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from areas.models import LocalAuthority
from case_studies.models import CaseStudy
from tests.factories import LocalAuthorityFactory, RegionFactory
from visits.models import Visit

from .conftest import assert_accessible, assert_no_console_errors, sign_in

TITLE = "Early sharing at the front door"


@pytest.fixture
def areas() -> None:
    north_east = RegionFactory.create(code="E12000001", name="North East", slug="north-east")
    london = RegionFactory.create(code="E12000007", name="London", slug="london")
    for name in ("Gateshead", "Sunderland"):
        LocalAuthorityFactory.create(name=name, slug=name.lower(), region=north_east)
    for name in ("Camden", "Hackney", "Islington"):
        LocalAuthorityFactory.create(name=name, slug=name.lower(), region=london)


def _write_the_rest(page: Page) -> None:
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Multi-agency safeguarding hub (MASH)").check()
    page.get_by_label("Summary").fill("Police, health and social care share within hours.")


def test_staff_find_an_authority_by_typing_part_of_its_name_and_it_is_saved(
    page: Page, staff_user, areas: None, console_errors: list[str]
) -> None:
    sign_in(page, staff_user)
    page.goto("/case-studies/new/")
    picker = page.get_by_role("group", name="Which local authorities is it about?")
    north_east = picker.locator("details", has_text="North East")
    expect(north_east).not_to_have_attribute("open", "")
    expect(north_east.locator("summary")).to_have_text("North East (none chosen)")
    assert_accessible(page)

    search = page.get_by_label("Find a local authority")
    search.fill("shead")
    option = page.get_by_role("option", name="Gateshead")
    expect(option).to_be_visible()
    assert_accessible(page)  # with the list of matches open
    option.click()

    # The authority's checkbox is ticked and its region opened and counted; the box empties.
    expect(picker.get_by_label("Gateshead")).to_be_checked()
    expect(north_east).to_have_attribute("open", "")
    expect(north_east.locator("summary")).to_have_text("North East (1 chosen)")
    expect(page.get_by_role("status").filter(has_text="Gateshead chosen")).to_have_count(1)
    expect(search).to_have_value("")
    # A chosen authority is not offered again.
    search.fill("gates")
    expect(page.get_by_role("option", name="Gateshead")).to_have_count(0)
    search.fill("")

    _write_the_rest(page)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("The case study is saved as a draft.")).to_be_visible()
    picker = page.get_by_role("group", name="Which local authorities is it about?")
    expect(picker.get_by_label("Gateshead")).to_be_checked()
    expect(picker.locator("details", has_text="North East").locator("summary")).to_have_text(
        "North East (1 chosen)"
    )
    assert_accessible(page)
    assert [a.name for a in CaseStudy.objects.get().local_authorities.all()] == ["Gateshead"]
    assert_no_console_errors(console_errors)


def test_without_javascript_staff_open_a_region_and_tick_an_authority(
    make_page: Callable[..., Page], staff_user, areas: None, console_errors: list[str]
) -> None:
    page = make_page(java_script_enabled=False)
    sign_in(page, staff_user)
    page.goto("/case-studies/new/")
    expect(page.get_by_label("Find a local authority")).to_have_count(0)
    picker = page.get_by_role("group", name="Which local authorities is it about?")
    london = picker.locator("details", has_text="London")
    expect(picker.get_by_label("Camden")).to_be_hidden()

    london.locator("summary").click()
    picker.get_by_label("Camden").check()
    picker.get_by_label("Islington").check()
    _write_the_rest(page)
    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_text("The case study is saved as a draft.")).to_be_visible()
    london = page.locator("details", has_text="London")
    expect(london.locator("summary")).to_have_text("London (2 chosen)")
    expect(london.get_by_label("Camden")).to_be_checked()
    saved = CaseStudy.objects.get().local_authorities.order_by("name")
    assert [a.name for a in saved] == ["Camden", "Islington"]
    assert_no_console_errors(console_errors)


def test_staff_find_a_visited_authority_in_the_visits_region(
    page: Page, staff_user, areas: None, console_errors: list[str]
) -> None:
    sign_in(page, staff_user)
    page.goto("/visits/new/?region=E12000007")
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a visit")
    search = page.get_by_label("Find a local authority")
    # Only the region's authorities are offered.
    search.fill("gates")
    expect(page.get_by_text("No local authority found that is not already chosen")).to_be_visible()
    search.fill("isl")
    page.get_by_role("option", name="Islington").click()
    region = page.get_by_role("group", name="Local authorities visited")
    expect(region.get_by_label("Islington")).to_be_checked()
    expect(region.locator("summary")).to_have_text("London (1 chosen)")
    assert_accessible(page)

    date = page.get_by_role("group", name="Visit date")
    date.get_by_label("Day").fill("12")
    date.get_by_label("Month").fill("2")
    date.get_by_label("Year").fill("2013")
    page.get_by_role("group", name="Model seen").get_by_label(
        "Multi-agency safeguarding hub (MASH)"
    ).check()
    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_text("The visit is saved as a draft.")).to_be_visible()
    expect(
        page.get_by_role("group", name="Local authorities visited").get_by_label("Islington")
    ).to_be_checked()
    assert list(Visit.objects.get().local_authorities.all()) == [
        LocalAuthority.objects.get(name="Islington")
    ]
    assert_no_console_errors(console_errors)
