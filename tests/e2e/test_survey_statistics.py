"""The illustrative survey's statistics in a browser, signed out and signed in; and the
selection of areas to visit. axe-core checks each page."""

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from surveys.demo import DEMO_SLUG, demo_survey_load

from .conftest import assert_accessible, assert_no_console_errors, sign_in

STATISTICS = f"/survey/{DEMO_SLUG}/"


def test_the_demo_statistics_are_public_and_accessible_signed_out(
    page: Page, register: None, console_errors: list[str]
) -> None:
    demo_survey_load()
    page.goto("/survey/")
    expect(page.get_by_role("table", name="Surveys")).to_contain_text("Illustrative")
    assert_accessible(page)

    page.get_by_role("link", name=re.compile(r"^Initial survey")).click()

    expect(page).to_have_url(re.compile(STATISTICS + "$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Initial survey")
    expect(page.locator(".govuk-warning-text")).to_contain_text(
        "This survey is illustrative demonstration content, not the project's data."
    )
    expect(page.get_by_role("table", name="Response rate by region")).to_be_visible()
    expect(
        page.get_by_role("img", name=re.compile(r"^Bar chart of the answers to Q1,"))
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Answers by area")).to_have_count(0)
    assert_accessible(page)
    assert_no_console_errors(console_errors)


def test_the_filters_work_without_javascript(
    make_page: Callable[..., Page], register: None, console_errors: list[str]
) -> None:
    demo_survey_load()
    page = make_page(java_script_enabled=False)
    page.goto(STATISTICS)

    page.get_by_label("Region", exact=True).select_option(label="London")
    page.get_by_role("button", name="Apply filters").click()

    expect(page).to_have_url(re.compile(r"region=E12000007"))
    expect(page.get_by_text("Showing figures for areas in London only.")).to_be_visible()
    rates = page.get_by_role("table", name="Response rate by region")
    expect(rates.locator("tbody tr")).to_have_count(1)
    expect(rates.locator("tfoot")).to_contain_text("33")
    # axe runs as JavaScript in the page: check the filtered page in a browser with it on.
    with_js = make_page()
    with_js.goto(page.url)
    assert_accessible(with_js)
    assert_no_console_errors(console_errors)


def test_project_members_see_the_answers_map_and_it_is_accessible(
    page: Page, register: None, staff_user, console_errors: list[str]
) -> None:
    demo_survey_load()
    sign_in(page, staff_user)

    page.goto(STATISTICS)
    expect(page.get_by_role("heading", name="Answers by area")).to_be_visible()
    page.get_by_label("Question to map").select_option("Q20")
    page.get_by_role("button", name="Show on the map").click()

    expect(page).to_have_url(re.compile(r"map=Q20"))
    table = page.get_by_role("table", name="Answer to Q20 in each local authority")
    expect(table.locator("tbody tr")).to_have_count(152)
    expect(table).to_contain_text("No data")
    assert_accessible(page)
    assert_no_console_errors(console_errors)


def test_selecting_an_area_for_a_visit_in_the_browser(
    page: Page, register: None, staff_user, console_errors: list[str]
) -> None:
    demo_survey_load()
    sign_in(page, staff_user)
    page.goto(f"/survey/{DEMO_SLUG}/selection/")
    assert_accessible(page)

    page.get_by_role("button", name="Select for a visit").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_role("alert")).to_contain_text("Select a local authority")
    assert_accessible(page)

    page.get_by_label("Local authority").select_option(label="Camden (London)")
    page.get_by_label("Why should this area be visited?").fill("Adults are included in the MASH")
    page.get_by_role("button", name="Select for a visit").click()

    expect(page.get_by_text("Camden selected for a visit")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"^London"))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Remove Camden").click()
    expect(page.get_by_text("Camden removed from the areas to visit")).to_be_visible()
    assert_no_console_errors(console_errors)
