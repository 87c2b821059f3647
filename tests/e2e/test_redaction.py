"""An identifier typed into a visit's notes, in a real browser: the save warns about it, and a
reviewer redacts it from the visit and every saved version, so its history no longer shows it."""

import datetime as dt
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.factories import LocalAuthorityFactory, RegionFactory
from visits.services import visit_create

from .conftest import assert_accessible, assert_no_console_errors, sign_in

NOTES = "All contacts come to the hub, where police, health and children's social care sit."
NHS = "943 476 5919"
ADDRESS = "12 High Street"
LEAK = f"\n\nThe child (NHS number {NHS}) lives at {ADDRESS} with her mother."


def test_staff_save_an_identifier_with_a_warning_and_a_reviewer_redacts_it_from_the_history(
    page: Page,
    make_page: Callable[..., Page],
    staff_user,
    reviewer_user,
    console_errors: list[str],
) -> None:
    region = RegionFactory.create(code="E12000001", name="North East", slug="north-east")
    gateshead = LocalAuthorityFactory.create(name="Gateshead", slug="gateshead", region=region)
    visit = visit_create(
        user=staff_user,
        visit_date=dt.date(2013, 3, 5),
        region=region,
        local_authorities=[gateshead],
        model_seen="mash",
        notes=NOTES,
    )

    # Staff type the identifiers in and save: the draft is saved, with a warning.
    sign_in(page, staff_user)
    page.goto(f"/visits/{visit.pk}/edit/")
    notes = page.get_by_label("Notes", exact=True)
    notes.fill(NOTES + LEAK)
    page.get_by_role("button", name="Save draft").click()
    warning = page.get_by_role("region", name="Important")
    expect(warning).to_contain_text("NHS number in the notes")
    expect(warning).to_contain_text("Street address in the notes")
    assert_accessible(page)

    # They take it out again; the history still holds it.
    page.goto(f"/visits/{visit.pk}/edit/")
    page.get_by_label("Notes", exact=True).fill(NOTES)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("region", name="Important")).to_have_count(0)

    # A reviewer redacts both passages from the history page.
    reviewer = make_page()
    sign_in(reviewer, reviewer_user)
    reviewer.goto(f"/visits/{visit.pk}/history/")
    expect(reviewer.locator("main")).to_contain_text(NHS)
    for passage in (NHS, ADDRESS):
        reviewer.get_by_role("link", name="Redact a passage").click()
        expect(reviewer.get_by_role("heading", name="Redact a passage")).to_be_visible()
        assert_accessible(reviewer)
        reviewer.get_by_label(passage, exact=False).check()
        reviewer.get_by_label("Why it is being redacted").fill(
            "A child's identifier was typed into the notes."
        )
        reviewer.get_by_role("button", name="Redact the passage").click()
        expect(reviewer.get_by_role("heading", name="History of the visit")).to_be_visible()

    main = reviewer.locator("main")
    expect(main).to_contain_text("The passage is redacted from the visit")
    expect(main).not_to_contain_text(NHS)
    expect(main).not_to_contain_text(ADDRESS)
    expect(main).to_contain_text("[redacted]")
    assert_accessible(reviewer)
    assert_no_console_errors(console_errors)
