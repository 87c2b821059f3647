"""A case study from draft to published in a real browser: project staff write it and send it
for review, a reviewer publishes it, and an anonymous visitor reads it. axe runs on each
authoring page."""

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.factories import LocalAuthorityFactory, RegionFactory

from .conftest import assert_accessible, assert_no_console_errors, sign_in

TITLE = "Early sharing at the front door"


def test_staff_write_a_case_study_a_reviewer_publishes_it_and_anyone_can_read_it(
    page: Page,
    make_page: Callable[..., Page],
    staff_user,
    reviewer_user,
    console_errors: list[str],
) -> None:
    north_east = RegionFactory.create(code="E12000001", name="North East", slug="north-east")
    LocalAuthorityFactory.create(name="Gateshead", slug="gateshead", region=north_east)

    sign_in(page, staff_user)
    page.goto("/case-studies/manage/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Manage case studies")
    assert_accessible(page)
    page.get_by_role("button", name="Write a case study").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Write a case study")
    assert_accessible(page)

    # Saving with nothing filled in says what to enter.
    page.get_by_role("button", name="Save draft").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_role("alert")).to_contain_text("Enter a title")
    assert_accessible(page)

    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Gateshead").check()
    page.get_by_label("Multi-agency safeguarding hub (MASH)").check()
    page.get_by_label("Summary").fill("Police, health and social care share within hours.")
    page.locator("#id_sections-0-body").fill("A **MASH** since October 2011.")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".app-preview__body strong")).to_have_text("MASH")
    assert_accessible(page)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("The case study is saved as a draft.")).to_be_visible()

    page.goto("/case-studies/manage/")
    expect(page.locator("main tbody")).to_contain_text(TITLE)
    page.locator("main tbody").get_by_role("button", name=re.compile("Send for review")).click()
    expect(page.get_by_text("The case study has been sent for review.")).to_be_visible()

    reviewer = make_page()
    sign_in(reviewer, reviewer_user)
    reviewer.goto("/case-studies/manage/")
    reviewer.get_by_role("link", name=f"Review {TITLE}").click()
    expect(reviewer.get_by_role("heading", level=1)).to_have_text("Review the case study")
    assert_accessible(reviewer)
    reviewer.get_by_label("Publish it").check()
    reviewer.get_by_role("button", name="Save the decision").click()
    expect(reviewer.get_by_text("The case study is published.")).to_be_visible()
    reviewer.get_by_role("link", name=f"History of {TITLE}").click()
    expect(reviewer.get_by_role("heading", level=2, name="Published")).to_be_visible()
    assert_accessible(reviewer)

    visitor = make_page()
    visitor.goto("/case-studies/")
    visitor.get_by_role("link", name=TITLE).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)
    assert_accessible(visitor)
    assert_no_console_errors(console_errors)
