"""Every page reachable today passes axe-core's WCAG 2.2 AA rules and logs no browser errors.

Pages are checked as subtests of one test per kind of visitor, so the register is loaded
and the user signed in once per visitor rather than once per page; each page still
reports its own failure.
"""

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from case_studies.models import CaseStudyStatus
from tests.case_studies.factories import CaseStudyFactory
from tests.factories import LocalAuthorityFactory, UserFactory

from .conftest import (
    assert_accessible,
    assert_no_console_errors,
    press_tab_until_focused,
    sign_in,
)

PUBLIC_PAGES = [
    "/",
    "/areas/",
    "/areas/regions/london/",
    "/areas/gateshead/",
    "/about-the-data/",
    "/accessibility/",
    "/findings/",
    "/case-studies/",
    "/survey/",
]
MISSING_PAGES = ["/no-such-page/", "/areas/no-such-authority/"]


def check_page(page: Page, console_errors: list[str], path: str, status: int = 200) -> None:
    console_errors.clear()
    response = page.goto(path)
    assert response is not None
    assert response.status == status, f"{path} answered {response.status}"
    assert_accessible(page)
    assert_no_console_errors(console_errors)


def test_public_pages_are_accessible_signed_out(
    page: Page, register: None, console_errors: list[str], subtests: pytest.Subtests
) -> None:
    for path in [*PUBLIC_PAGES, "/accounts/login/"]:
        with subtests.test(path=path):
            check_page(page, console_errors, path)
    for path in MISSING_PAGES:
        with subtests.test(path=path):
            check_page(page, console_errors, path, status=404)
            expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")


def test_signed_out_visitors_are_sent_to_sign_in_from_internal_pages(
    page: Page, console_errors: list[str]
) -> None:
    check_page(page, console_errors, "/visits/")
    assert page.url.endswith("/accounts/login/?next=/visits/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_pages_are_accessible_signed_in_as_project_staff(
    page: Page, register: None, staff_user, console_errors: list[str], subtests: pytest.Subtests
) -> None:
    sign_in(page, staff_user)
    for path in [*PUBLIC_PAGES, "/visits/"]:
        with subtests.test(path=path):
            check_page(page, console_errors, path)
            expect(page.get_by_role("navigation", name="Menu")).to_contain_text("Visits")
    for path in MISSING_PAGES:
        with subtests.test(path=path):
            check_page(page, console_errors, path, status=404)


def test_pages_are_accessible_signed_in_as_a_reviewer(
    page: Page, reviewer_user, console_errors: list[str], subtests: pytest.Subtests
) -> None:
    sign_in(page, reviewer_user)
    for path in ["/", "/visits/"]:
        with subtests.test(path=path):
            check_page(page, console_errors, path)
            expect(page.get_by_role("navigation", name="Menu")).to_contain_text("Visits")


def test_the_permission_denied_page_is_accessible(page: Page, console_errors: list[str]) -> None:
    outsider = UserFactory.create()  # signed in, but in neither project group
    sign_in(page, outsider)
    check_page(page, console_errors, "/visits/", status=403)
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot see this page")
    expect(page.get_by_text(f"You are signed in as {outsider.get_username()}")).to_be_visible()


def test_the_audit_events_page_and_its_filter_errors_are_accessible(
    page: Page, admin_user, console_errors: list[str]
) -> None:
    sign_in(page, admin_user)
    check_page(page, console_errors, "/audit/")
    expect(page.get_by_role("table")).to_contain_text(admin_user.get_username())

    for legend, day in (("From", "9"), ("To", "1")):
        dates = page.get_by_role("group", name=legend)
        dates.get_by_label("Day").fill(day)
        dates.get_by_label("Month").fill("3")
        dates.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Show events").click()

    expect(page.get_by_role("alert")).to_contain_text(
        "Date to must be the same as or after date from"
    )
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_accessible(page)
    assert_no_console_errors(console_errors)


def test_the_sign_in_page_with_errors_is_accessible(page: Page, console_errors: list[str]) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_accessible(page)
    assert_no_console_errors(console_errors)


def test_the_api_docs_work_under_the_csp(page: Page, console_errors: list[str]) -> None:
    """Swagger UI is third-party, so axe is not run on it; it must still work under the CSP,
    with no inline script or style (our template override moves its page styles to a file)."""
    response = page.goto("/api/v1/docs/")
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", name=re.compile(r"^Multi-agency working"))).to_be_visible()
    expect(page.get_by_text("/api/v1/regions/", exact=True).first).to_be_visible()
    assert_no_console_errors(console_errors)


def test_the_areas_pages_and_navigation_work_without_javascript(
    make_page: Callable[..., Page], register: None, console_errors: list[str]
) -> None:
    # A phone-sized window: where GOV.UK's menu would be collapsed behind a button with
    # JavaScript, without it every link must be shown.
    page = make_page(java_script_enabled=False, viewport={"width": 375, "height": 812})
    page.goto("/")
    expect(page.locator("body")).not_to_have_class(re.compile(r"js-enabled"))
    menu = page.get_by_role("navigation", name="Menu")
    expect(menu.get_by_role("button", name="Menu")).to_be_hidden()

    menu.get_by_role("link", name="Areas").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Areas")
    page.get_by_role("table").get_by_role("link", name="London", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("London")
    page.get_by_role("table").get_by_role("link", name="Camden", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Camden")

    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Areas").click()
    expect(page).to_have_url(re.compile(r"/areas/$"))
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Findings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Findings")
    assert_no_console_errors(console_errors)


def test_clicking_a_region_on_the_map_opens_that_region(
    page: Page, register: None, console_errors: list[str]
) -> None:
    page.goto("/areas/")
    england = page.get_by_role("group", name="Map of England's nine regions")
    england.get_by_role("link", name=re.compile(r"^North East: ")).click()
    expect(page).to_have_url(re.compile(r"/areas/regions/north-east/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("North East")
    assert_no_console_errors(console_errors)


def test_tabbing_reaches_the_map_links_and_enter_follows_them(page: Page, register: None) -> None:
    page.goto("/areas/")
    england = page.get_by_role("group", name="Map of England's nine regions")
    expect(england.get_by_role("link")).to_have_count(9)
    first_region = england.get_by_role("link").first
    href = first_region.get_attribute("href")
    assert href is not None
    press_tab_until_focused(page, first_region)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(href) + "$"))


def test_pages_with_demo_content_its_notice_and_the_case_study_sort_are_accessible(
    page: Page, console_errors: list[str], subtests: pytest.Subtests
) -> None:
    for n, month in enumerate((4, 6), start=1):
        case_study = CaseStudyFactory.create(
            title=f"Demo hub {n}",
            is_illustrative=True,
            status=CaseStudyStatus.PUBLISHED,
            published_at=timezone.make_aware(dt.datetime(2013, month, 3, 10)),
            local_authorities=[LocalAuthorityFactory.create()],
        )
    for path in [
        "/",
        "/case-studies/",
        "/case-studies/?sort=oldest",
        case_study.get_absolute_url(),
    ]:
        with subtests.test(path=path):
            check_page(page, console_errors, path)
            expect(page.get_by_role("region", name="Important")).to_contain_text(
                "This service holds illustrative content."
            )
    page.goto("/case-studies/")
    page.get_by_label("Sort by date published").select_option("Oldest first")
    page.get_by_role("button", name="Sort").click()
    expect(page.get_by_role("heading", level=2, name=re.compile("^Demo hub"))).to_have_text(
        ["Demo hub 1", "Demo hub 2"]
    )
