"""The illustrative survey's statistics in a browser, signed out and signed in; and the
selection of areas to visit. axe-core checks each page."""

import re
from collections.abc import Callable

import pytest
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
    page.get_by_role("link", name="Answers by area").click()
    expect(page.get_by_role("heading", name="Answers by area", level=1)).to_be_visible()
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


#: Each chart's and map's text outside its picture's box: (where, the text, why), none wanted.
OUTSIDE_ITS_PICTURE = """() => {
  const found = [];
  const width = document.documentElement.clientWidth;
  for (const svg of document.querySelectorAll("svg.app-chart, svg.app-map__svg")) {
    const box = svg.getBoundingClientRect();
    if (box.right > width + 0.5) found.push([svg.id || svg.className.baseVal, "", "past the page"]);
    for (const text of svg.querySelectorAll("text")) {
      const r = text.getBoundingClientRect();
      if (r.left < box.left - 0.5 || r.right > box.right + 0.5 ||
          r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5) {
        found.push([svg.getAttribute("aria-labelledby"), text.textContent, "clipped"]);
      }
    }
  }
  return found;
}"""

#: Pairs of map labels whose boxes overlap.
OVERLAPPING_LABELS = """() => {
  const found = [];
  for (const svg of document.querySelectorAll("svg.app-map__svg")) {
    const boxes = [...svg.querySelectorAll("text.app-map__label")].map(
      (t) => [t.textContent, t.getBoundingClientRect()]);
    boxes.forEach(([a, ra], i) => boxes.slice(i + 1).forEach(([b, rb]) => {
      if (ra.left < rb.right && rb.left < ra.right && ra.top < rb.bottom && rb.top < ra.bottom) {
        found.push([a, b]);
      }
    }));
  }
  return found;
}"""


@pytest.mark.parametrize("width", [320, 1280])
def test_no_statistics_chart_or_map_text_is_clipped_or_overlaps_at_any_width(
    make_page: Callable[..., Page], register: None, console_errors: list[str], width: int
) -> None:
    demo_survey_load()
    page = make_page(viewport={"width": width, "height": 900})
    page.goto(STATISTICS)

    charts = page.locator("svg.app-chart")
    assert charts.count() > 5
    assert page.locator("svg.app-map__svg text.app-map__label").count() == 9
    assert page.evaluate(OUTSIDE_ITS_PICTURE) == []
    assert page.evaluate(OVERLAPPING_LABELS) == []
    # Every label is there in full: none is shortened to fit.
    assert "…" not in "".join(charts.locator("text").all_text_contents())
    expect(page.locator(".app-map__numbers")).to_contain_text("London")
    assert_accessible(page)
    assert_no_console_errors(console_errors)
