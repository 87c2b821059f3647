"""Search in a real browser: the box in every page's header, the results page with its marked
words and type filter, what the public finds against what project staff find, the page's
states under axe, and the box and results on a 320px-wide screen (WCAG 1.4.10 reflow).

Search's rules (what each audience may find, the query language, ranking) are tested without
a browser in tests/mash_survey/; these are the paths only a browser shows.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from case_studies.models import CaseStudy, CaseStudyStatus
from findings.models import Finding, FindingStatus
from mash_survey.search import MAX_QUERY
from tests.case_studies.factories import CaseStudyFactory, SectionFactory
from tests.factories import LocalAuthorityFactory, RegionFactory
from tests.findings.factories import ThemeFactory, approved_visit
from visits.models import Visit

from .conftest import assert_accessible, assert_no_console_errors, sign_in

WORDS = "huddle triage"
MOBILE = {"width": 320, "height": 640}


@dataclass
class Records:
    published: CaseStudy
    draft: CaseStudy
    finding: Finding
    visit: Visit


def records_with_the_words() -> Records:
    """A published case study, a draft one, an agreed finding and a visit's notes, each using
    the words (in other forms too: "huddles", "triaged")."""
    north_east = RegionFactory.create(code="E12000001", name="North East", slug="north-east")
    gateshead = LocalAuthorityFactory.create(name="Gateshead", slug="gateshead", region=north_east)
    published = CaseStudyFactory.create(
        title="A daily huddle at the front door",
        summary="Police, health and social care meet each morning.",
        status=CaseStudyStatus.PUBLISHED,
        published_at=timezone.now(),
        local_authorities=[gateshead],
    )
    SectionFactory.create(
        case_study=published,
        heading="How contacts are triaged",
        body="Every contact is triaged red, amber or green before the morning huddle ends.",
    )
    draft = CaseStudyFactory.create(
        title="Unpublished huddles in the hub",
        summary="A draft about triage that the public must not find.",
        local_authorities=[gateshead],
    )
    finding = Finding.objects.create(
        theme=ThemeFactory.create(name="Working together"),
        headline="Partners triage together in a daily huddle",
        statement="Areas with a daily huddle triage contacts faster.",
        status=FindingStatus.AGREED,
        agreed_at=timezone.now(),
    )
    visit = approved_visit(
        authorities=[gateshead],
        notes="The team holds a huddle at nine, where the police triage officer joins.",
    )
    return Records(published, draft, finding, visit)


def search_from_the_header(page: Page, words: str) -> None:
    header = page.get_by_role("search", name="Site")
    header.get_by_role("searchbox", name="Search this service").fill(words)
    header.get_by_role("button", name="Search").click()


def results(page: Page) -> Locator:
    return page.locator(".app-search-results").get_by_role("heading", level=2)


def found(page: Page, *titles: str) -> None:
    """The results are exactly these titles, in whatever order they rank."""
    expect(results(page)).to_have_count(len(titles))
    assert sorted(results(page).all_inner_texts()) == sorted(titles)


def counts_by_type(page: Page) -> list[str]:
    return page.locator("#counts-by-type li").all_inner_texts()


def test_anyone_finds_published_records_from_the_header_and_staff_also_find_visit_notes(
    page: Page, staff_user: User, console_errors: list[str]
) -> None:
    records = records_with_the_words()

    page.goto("/")
    search_from_the_header(page, WORDS)
    expect(page).to_have_url(re.compile(r"/search/\?q=huddle\+triage$"))
    expect(page).to_have_title(re.compile(f"^{WORDS}: search"))
    expect(page.get_by_role("status")).to_have_text(f"2 results for {WORDS}")
    found(page, records.published.title, records.finding.headline)
    # The words are marked where they were found, in their other forms too.
    marked = {text.lower() for text in page.locator(".app-search-results mark").all_inner_texts()}
    assert {"huddle", "triage", "triaged"} <= marked, marked
    assert marked <= {"huddle", "huddles", "triage", "triaged"}, marked
    expect(page.get_by_text(records.draft.title)).to_have_count(0)
    expect(page.get_by_text(str(records.visit))).to_have_count(0)
    assert counts_by_type(page) == ["Case study (1)", "Finding (1)"]
    # The public are not offered types they may never see.
    type_filter = page.get_by_label("Type", exact=True)
    expect(type_filter.locator("option", has_text="Visit notes")).to_have_count(0)
    assert_accessible(page)

    type_filter.select_option(label="Finding")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("status")).to_have_text(f"1 result for {WORDS} matching your filters")
    found(page, records.finding.headline)
    # The counts still give every type, the one chosen in bold rather than a link.
    assert counts_by_type(page) == ["Case study (1)", "Finding (1)"]
    expect(page.locator("#counts-by-type strong")).to_have_text("Finding (1)")
    page.locator("#counts-by-type").get_by_role("link", name="Case study (1)").click()
    found(page, records.published.title)
    assert_accessible(page)

    sign_in(page, staff_user)
    search_from_the_header(page, WORDS)
    expect(page.get_by_role("status")).to_have_text(f"4 results for {WORDS}")
    found(
        page,
        records.published.title,
        records.draft.title,
        records.finding.headline,
        str(records.visit),
    )
    assert counts_by_type(page) == ["Case study (2)", "Finding (1)", "Visit notes (1)"]
    page.locator("#counts-by-type").get_by_role("link", name="Visit notes (1)").click()
    found(page, str(records.visit))
    expect(page.locator(".app-search-results mark")).to_have_text(["huddle", "triage"])
    assert_accessible(page)
    page.get_by_role("link", name=str(records.visit)).click()
    expect(page).to_have_url(re.compile(rf"/visits/{records.visit.pk}/$"))
    assert_no_console_errors(console_errors)


def test_no_results_and_a_search_too_long_say_what_to_do_accessibly(
    page: Page, console_errors: list[str]
) -> None:
    records_with_the_words()

    page.goto("/")
    search_from_the_header(page, "zeppelin")
    expect(page.get_by_role("status")).to_have_text("0 results for zeppelin")
    expect(page.get_by_role("heading", name="No results")).to_be_visible()
    expect(page.get_by_text("or between alternatives, such as police or health")).to_be_visible()
    assert_accessible(page)

    search_from_the_header(page, "huddle " * (MAX_QUERY // 7 + 1))
    expect(page).to_have_title(re.compile(r"^Error: "))
    message = f"Enter a search of {MAX_QUERY} characters or fewer"
    expect(page.get_by_role("alert")).to_contain_text(message)
    expect(page.locator(".app-search-results")).to_have_count(0)
    assert_accessible(page)
    # The summary's link takes the keyboard to the box to shorten the search.
    page.get_by_role("alert").get_by_role("link", name=message).click()
    expect(page.get_by_role("main").get_by_role("searchbox")).to_be_focused()
    assert_no_console_errors(console_errors)


def horizontal_overflow(page: Page) -> int:
    """How many pixels the page is wider than the window (0 when nothing overflows)."""
    return int(
        page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    )


def test_the_header_search_and_its_results_fit_a_320px_wide_screen(
    make_page: Callable[..., Page], console_errors: list[str]
) -> None:
    records = records_with_the_words()
    page = make_page(viewport=MOBILE)

    page.goto("/")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= MOBILE["width"]
    assert horizontal_overflow(page) == 0
    header = page.get_by_role("search", name="Site")
    for control in (
        header.get_by_role("searchbox", name="Search this service"),
        header.get_by_role("button", name="Search"),
    ):
        expect(control).to_be_in_viewport()
        box = control.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= MOBILE["width"]

    search_from_the_header(page, WORDS)
    found(page, records.published.title, records.finding.headline)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= MOBILE["width"]
    assert horizontal_overflow(page) == 0
    assert_accessible(page)
    assert_no_console_errors(console_errors)
