"""A report edition from draft to published in a real browser: project staff start it, choose
what it includes and send it for review; a reviewer who had no hand in it sees the checklist
block, the author fixes what it links to, and the reviewer publishes. axe runs on each staff
page of the workflow."""

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from findings import sources
from tests.findings.coded import NOTES, agreed, code
from tests.findings.factories import ThemeFactory, approved_visit

from .conftest import assert_accessible, assert_no_console_errors, sign_in


def test_staff_draft_an_edition_and_a_reviewer_publishes_it_once_the_checklist_passes(
    page: Page,
    make_page: Callable[..., Page],
    staff_user,
    reviewer_user,
    console_errors: list[str],
) -> None:
    theme = ThemeFactory.create(name="Co-location")
    excerpt = code(sources.visit_source(approved_visit(notes=NOTES)), staff_user, theme)
    finding = agreed(theme, staff_user, [excerpt])

    sign_in(page, staff_user)
    page.goto("/findings/editions/manage/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Report editions")
    assert_accessible(page)
    page.get_by_role("button", name="Start an edition").click()
    page.get_by_label("Web address").fill("Early Findings")
    page.get_by_label("Summary").fill("What the visits found.")
    page.get_by_role("button", name="Save the edition").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_role("alert")).to_contain_text("lower-case letters")
    assert_accessible(page)
    page.get_by_label("Web address").fill("early-findings")
    page.get_by_role("button", name="Save the edition").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Change the edition")
    page.get_by_label(finding.headline, exact=True).check()
    assert_accessible(page)
    page.get_by_role("button", name="Save the edition").click()
    expect(page.get_by_text("Your changes to the edition are saved.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Send for review").click()
    expect(page.get_by_text("The edition is sent for review.")).to_be_visible()

    reviewer = make_page()
    sign_in(reviewer, reviewer_user)
    reviewer.goto("/findings/editions/early-findings/publish/")
    expect(reviewer.locator("main")).to_contain_text("1 problem to fix before publishing")
    expect(reviewer.get_by_role("button", name="Publish the edition")).to_have_count(0)
    assert_accessible(reviewer)

    # The author withdraws it, writes the caveats the checklist linked to, and sends it back.
    page.get_by_role("button", name="Withdraw to draft").click()
    page.get_by_role("button", name="Change the edition").click()
    page.get_by_label("Caveats").fill(
        "These are the views of the areas visited, not evaluated or validated."
    )
    page.get_by_role("button", name="Save the edition").click()
    page.get_by_role("button", name="Send for review").click()

    reviewer.reload()
    expect(reviewer.locator("main")).to_contain_text("Nothing blocks publication")
    reviewer.get_by_role("button", name="Publish the edition").click()
    expect(reviewer.get_by_role("heading", level=1)).to_have_text("Edition published")
    assert_accessible(reviewer)
    reviewer.goto("/findings/editions/early-findings/history/")
    expect(reviewer.locator("main")).to_contain_text("Sent for review")
    assert_accessible(reviewer)
    assert_no_console_errors(console_errors)
