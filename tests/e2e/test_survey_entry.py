"""Entering an area's return in a real browser, as project staff: the list of areas, the
form, a draft, the check page and submitting, with axe run on every page on the way."""

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from surveys.models import Response, ResponseStatus
from tests.factories import LocalAuthorityFactory, RegionFactory
from tests.surveys.factories import survey_with_every_kind

from .conftest import assert_accessible, assert_no_console_errors, sign_in


def _areas() -> None:
    north_east = RegionFactory.create(code="E12000001", name="North East", slug="north-east")
    london = RegionFactory.create(code="E12000007", name="London", slug="london")
    LocalAuthorityFactory.create(name="Gateshead", slug="gateshead", region=north_east)
    LocalAuthorityFactory.create(name="Croydon", slug="croydon", region=london)


def test_staff_enter_a_return_from_draft_to_submitted(
    page: Page, staff_user, console_errors: list[str]
) -> None:
    survey_with_every_kind(slug="initial", title="Initial survey", is_illustrative=True)
    _areas()
    sign_in(page, staff_user)

    # The list of areas, then one area's return.
    page.goto("/survey/initial/returns/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Returns")
    expect(page.get_by_text("Illustrative survey")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Gateshead").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gateshead")
    expect(page.locator("main .govuk-tag")).to_have_text("Not started")
    assert_accessible(page)

    # The form: Continue without every required answer shows what is missing.
    page.get_by_role("button", name="Enter answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter answers")
    assert_accessible(page)
    page.get_by_role("group", name="Does the area have a MASH?").get_by_label("Yes").check()
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    assert_accessible(page)
    summary.get_by_role("link", name="Enter a number for “Contacts a month?”").click()
    expect(page.get_by_label("Contacts a month?")).to_be_focused()

    # Save as draft with a required answer still missing.
    page.get_by_role("group", name="Which model?").get_by_label("MASH").check()
    page.get_by_label("Contacts a month?").fill("1,200")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gateshead")
    expect(page.get_by_text("The return for Gateshead is saved as a draft.")).to_be_visible()
    expect(page.locator("main .govuk-tag")).to_have_text("Draft")
    assert_accessible(page)

    # The draft waits on "Your work", linked from the header; its link leads back.
    page.get_by_role("link", name="Your work").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your work")
    assert_accessible(page)
    page.get_by_role("link", name="Gateshead: Initial survey").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gateshead")

    # Finish the answers, continue to the check page.
    page.get_by_role("button", name="Change answers").click()
    agencies = page.get_by_role("group", name="Which agencies are co-located?")
    agencies.get_by_label("Police").check()
    agencies.get_by_label("Health").check()
    started = page.get_by_role("group", name="When did it start?")
    started.get_by_label("Day").fill("1")
    started.get_by_label("Month").fill("10")
    started.get_by_label("Year").fill("2012")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before submitting the return"
    )
    expect(page.get_by_text("1 October 2012")).to_be_visible()
    expect(page.get_by_text("1,200")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Submit return").click()
    expect(page.get_by_text("The return for Gateshead has been submitted.")).to_be_visible()
    expect(page.locator("main .govuk-tag")).to_have_text("Submitted")
    assert_accessible(page)
    stored = Response.objects.get(local_authority__slug="gateshead")
    assert stored.status == ResponseStatus.SUBMITTED

    page.get_by_role("link", name="View history").click()
    expect(page.get_by_role("heading", level=2, name="Submitted")).to_be_visible()
    assert_accessible(page)
    assert_no_console_errors(console_errors)


def test_the_list_of_returns_filters_by_region_and_status_without_javascript(
    make_page: Callable[..., Page], staff_user, console_errors: list[str]
) -> None:
    survey_with_every_kind(slug="initial", title="Initial survey")
    _areas()
    page = make_page(java_script_enabled=False)
    sign_in(page, staff_user)
    page.goto("/survey/initial/returns/")

    page.get_by_label("Region").select_option(label="London")
    page.get_by_role("button", name="Show areas").click()

    expect(page).to_have_url(re.compile(r"\?region=E12000007&status=$"))
    expect(page.get_by_role("link", name="Croydon")).to_be_visible()
    expect(page.get_by_role("link", name="Gateshead")).to_have_count(0)

    page.get_by_label("Status").select_option(label="Submitted")
    page.get_by_role("button", name="Show areas").click()
    expect(page).to_have_url(re.compile(r"\?region=E12000007&status=submitted$"))
    expect(page.get_by_role("link", name="Croydon")).to_have_count(0)
    # (axe needs JavaScript: the first test runs it on this page.)
    assert_no_console_errors(console_errors)
