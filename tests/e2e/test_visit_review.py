"""A visit's review in a real browser: project staff submit notes with an NHS number in them
and are stopped with the number shown in context, fix the notes in the edit form, submit
again, and a reviewer approves the visit. axe runs on every page on the way."""

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.factories import LocalAuthorityFactory, RegionFactory
from tests.visits.factories import VisitFactory
from visits.models import ReviewStatus, Visit

from .conftest import assert_accessible, assert_no_console_errors, sign_in

NHS_NUMBER = "943 476 5919"  # a valid mod-11 check digit


def test_staff_fix_an_nhs_number_in_the_notes_and_a_reviewer_approves_the_visit(
    page: Page,
    make_page: Callable[..., Page],
    staff_user,
    reviewer_user,
    console_errors: list[str],
) -> None:
    north_east = RegionFactory.create(code="E12000001", name="North East", slug="north-east")
    gateshead = LocalAuthorityFactory.create(name="Gateshead", slug="gateshead", region=north_east)
    visit = VisitFactory.create(
        region=north_east,
        local_authorities=[gateshead],
        created_by=staff_user,
        notes=(
            "The MASH triages every contact within the hour.\n\n"
            f"A child's NHS number, {NHS_NUMBER}, was read out at the daily meeting."
        ),
    )

    # Project staff find the draft on the list and open it.
    sign_in(page, staff_user)
    page.goto("/visits/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Visits")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"^Gateshead")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(str(visit))
    expect(page.locator("main .govuk-tag").first).to_have_text("Draft")
    assert_accessible(page)

    # Submitting is blocked, with the NHS number marked in the words around it.
    page.get_by_role("button", name="Submit for review").click()
    expect(page).to_have_title(re.compile(r"^Error: Remove these before you submit"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Remove these before you submit")
    expect(page.get_by_role("alert")).to_contain_text("Remove the NHS number from the notes")
    marked = page.locator("main mark")
    expect(marked).to_have_text(NHS_NUMBER)
    expect(page.locator(".app-identifiers__context")).to_contain_text(
        f"A child's NHS number, {NHS_NUMBER}, was read out"
    )
    assert_accessible(page)
    visit.refresh_from_db()
    assert visit.status == ReviewStatus.DRAFT

    # Fix the notes in the edit form, then submit again.
    page.get_by_role("button", name="Change the visit").click()
    notes = page.get_by_role("textbox", name="Notes")
    expect(notes).to_be_visible()
    assert_accessible(page)
    notes.fill(
        "The MASH triages every contact within the hour.\n\n"
        "A child's case was discussed at the daily meeting."
    )
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(str(visit))
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("The visit has been submitted for review.")).to_be_visible()
    expect(page.locator("main .govuk-tag").first).to_have_text("Submitted for review")
    assert_accessible(page)
    assert Visit.objects.get(pk=visit.pk).status == ReviewStatus.SUBMITTED

    # A reviewer finds it waiting, reviews and approves it.
    reviewer = make_page()
    sign_in(reviewer, reviewer_user)
    reviewer.goto("/visits/needs-attention/")
    expect(reviewer.get_by_role("heading", level=2, name="Waiting for review")).to_be_visible()
    assert_accessible(reviewer)
    reviewer.get_by_role("link", name=re.compile(r"^Visit to Gateshead")).click()
    expect(reviewer.get_by_role("heading", level=1)).to_have_text("Review the visit")
    assert_accessible(reviewer)

    # Without a decision the page says what to do.
    reviewer.get_by_role("button", name="Save the decision").click()
    expect(reviewer).to_have_title(re.compile(r"^Error: "))
    summary = reviewer.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    assert_accessible(reviewer)
    summary.get_by_role("link", name="Select whether to approve the visit or return it").click()
    expect(reviewer.get_by_role("radio", name="Approve")).to_be_focused()

    reviewer.get_by_role("radio", name="Approve").check()
    reviewer.get_by_role("button", name="Save the decision").click()
    expect(reviewer.get_by_text("The visit has been approved.")).to_be_visible()
    expect(reviewer.locator("main .govuk-tag").first).to_have_text("Approved")
    assert_accessible(reviewer)
    assert Visit.objects.get(pk=visit.pk).status == ReviewStatus.APPROVED

    # The history shows each step, with the change to the notes.
    reviewer.get_by_role("link", name="History of the visit").click()
    expect(reviewer.get_by_role("heading", level=1)).to_have_text("History of the visit")
    expect(reviewer.locator("main del").first).to_contain_text(NHS_NUMBER)
    assert_accessible(reviewer)
    assert_no_console_errors(console_errors)
