"""Writing a visit's notes in a real browser, as project staff: recording the visit, the
autosave's "Saved at" status, the preview, and axe on each page on the way."""

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from areas.models import LocalAuthority, Region
from tests.factories import LocalAuthorityFactory, RegionFactory, StaffFactory
from visits.models import Visit
from visits.services import feedback_save, visit_create

from .conftest import assert_accessible, assert_no_console_errors, sign_in

NOTES = (
    "## Front door\n\nAll contacts come to the hub, where police, health and children's "
    "social care staff sit together."
)
MORE = "\n\n* Red contacts: partner checks within 4 hours\n* Amber: within 24 hours"


@pytest.fixture
def areas() -> None:
    north_east = RegionFactory.create(code="E12000001", name="North East", slug="north-east")
    LocalAuthorityFactory.create(name="Gateshead", slug="gateshead", region=north_east)
    LocalAuthorityFactory.create(name="Sunderland", slug="sunderland", region=north_east)
    RegionFactory.create(code="E12000007", name="London", slug="london")


def test_staff_record_a_visit_and_their_notes_are_saved_as_they_type(
    page: Page, staff_user, areas: None, settings, console_errors: list[str]
) -> None:
    settings.VISITS_AUTOSAVE_SECONDS = 1  # the page's data-autosave-interval
    sign_in(page, staff_user)

    # The region first, then the visit's form with that region's areas.
    page.goto("/visits/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Which region was the visit in?")
    assert_accessible(page)
    page.get_by_label("North East").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a visit")
    assert_accessible(page)

    # Saving with nothing filled in says what to do, and each message links to its field.
    page.get_by_role("button", name="Save draft").click()
    expect(page).to_have_title(re.compile(r"^Error: Record a visit"))
    assert_accessible(page)
    date = page.get_by_role("group", name="Visit date")
    page.get_by_role("alert").get_by_role("link", name="Enter the visit date").click()
    expect(date.get_by_label("Day")).to_be_focused()

    date.get_by_label("Day").fill("12")
    date.get_by_label("Month").fill("2")
    date.get_by_label("Year").fill("2013")
    page.get_by_role("group", name="Local authorities visited").get_by_label("Gateshead").check()
    page.get_by_role("group", name="Model seen").get_by_label(
        "Multi-agency safeguarding hub (MASH)"
    ).check()
    page.get_by_role("group", name="Police").get_by_label("Co-located").check()
    page.get_by_label("Notes", exact=True).fill(NOTES)
    page.get_by_role("button", name="Save draft").click()

    # Saved: the edit page, where autosave runs.
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the visit")
    expect(page.get_by_text("The visit is saved as a draft.")).to_be_visible()
    status = page.locator("#autosave-status")
    expect(status).to_have_text("Your changes are saved automatically every second.")
    expect(status).to_have_attribute("aria-live", "polite")
    assert_accessible(page)
    visit = Visit.objects.get()
    assert visit.version == 1

    page.get_by_label("Notes", exact=True).fill(NOTES + MORE)
    expect(status).to_have_text(re.compile(r"^Saved at \d\d:\d\d$"), timeout=10_000)
    expect(page.locator("input[name=version]")).to_have_value("2")
    visit.refresh_from_db()
    assert visit.notes == NOTES + MORE
    assert visit.history.first().history_change_reason == "Saved automatically"

    # The preview shows the notes rendered; Save draft then saves from the autosaved version.
    page.get_by_role("button", name="Preview notes").click()
    preview = page.get_by_role("region", name="Preview of your notes")
    expect(preview.get_by_role("heading", name="Front door")).to_be_visible()
    expect(preview.get_by_role("listitem").first).to_have_text(
        "Red contacts: partner checks within 4 hours"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Your changes to the visit are saved.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the visit")
    assert_no_console_errors(console_errors)


def test_the_feedback_form_passes_axe_and_autosaves_once_saved(
    page: Page, staff_user, areas: None, settings, console_errors: list[str]
) -> None:
    settings.VISITS_AUTOSAVE_SECONDS = 1
    visit = visit_create(
        user=staff_user,
        visit_date=dt.date(2013, 3, 5),
        region=Region.objects.get(code="E12000001"),
        local_authorities=[LocalAuthority.objects.get(name="Gateshead")],
        model_seen="mash",
    )
    feedback_save(visit=visit, user=staff_user, seen_version=0, lessons="Start small.")
    sign_in(page, staff_user)

    page.goto(f"/visits/{visit.pk}/feedback/edit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the detailed feedback")
    assert_accessible(page)
    page.get_by_label("Barriers").fill("IT that does not connect.")

    expect(page.locator("#autosave-status")).to_have_text(
        re.compile(r"^Saved at \d\d:\d\d$"), timeout=10_000
    )
    visit.feedback.refresh_from_db()
    assert visit.feedback.barriers == "IT that does not connect."
    assert_no_console_errors(console_errors)


def test_an_nhs_number_typed_in_the_notes_is_saved_with_a_warning_that_links_to_them(
    page: Page, staff_user, areas: None, settings, console_errors: list[str]
) -> None:
    settings.VISITS_AUTOSAVE_SECONDS = 1
    visit = visit_create(
        user=staff_user,
        visit_date=dt.date(2013, 3, 5),
        region=Region.objects.get(code="E12000001"),
        local_authorities=[LocalAuthority.objects.get(name="Gateshead")],
        model_seen="mash",
        notes=NOTES,
    )
    sign_in(page, staff_user)
    page.goto(f"/visits/{visit.pk}/edit/")

    page.get_by_label("Notes", exact=True).fill(NOTES + "\n\nNHS number 943 476 5919 was read out.")

    # Autosave saves it and says so in its aria-live status line.
    expect(page.locator("#autosave-status")).to_have_text(
        re.compile(
            r"^Saved at \d\d:\d\d\. Possible identifier found: NHS number in the notes\. "
            r"Remove it before you submit\.$"
        ),
        timeout=10_000,
    )
    visit.refresh_from_db()
    assert "943 476 5919" in visit.notes

    # Once saved, the page lists it in context, and its link goes to the notes.
    page.reload()
    warning = page.get_by_role("region", name="Important")
    expect(warning).to_contain_text("Possible identifier found: remove it before you submit")
    assert_accessible(page)
    warning.get_by_role("link", name="NHS number in the notes").click()
    expect(page).to_have_url(re.compile(r"#id_notes$"))
    assert_no_console_errors(console_errors)


def test_the_second_of_two_people_editing_a_visit_sees_both_versions_and_saves_the_merge(
    make_page, staff_user, areas: None, settings, console_errors: list[str]
) -> None:
    settings.VISITS_AUTOSAVE_SECONDS = 600  # no autosave during the test: the buttons save
    visit = visit_create(
        user=staff_user,
        visit_date=dt.date(2013, 2, 12),
        region=Region.objects.get(code="E12000001"),
        local_authorities=[LocalAuthority.objects.get(name="Gateshead")],
        model_seen="mash",
        notes=NOTES,
    )
    first, second = make_page(), make_page()
    sign_in(first, staff_user)
    sign_in(second, StaffFactory.create())
    first.goto(f"/visits/{visit.pk}/edit/")
    second.goto(f"/visits/{visit.pk}/edit/")

    first.get_by_label("Notes", exact=True).fill(NOTES + "\n\nHealth visitors joined in March.")
    first.get_by_role("button", name="Save draft").click()
    expect(first.get_by_text("Your changes to the visit are saved.")).to_be_visible()
    second.get_by_label("Notes", exact=True).fill(NOTES + "\n\nThe ISA was signed in 2012.")
    second.get_by_role("button", name="Save draft").click()

    expect(second.get_by_role("heading", level=1)).to_have_text(
        "This visit was changed by someone else while you were editing it"
    )
    expect(second.get_by_text("Yours only: The ISA was signed in 2012.")).to_be_visible()
    expect(second.get_by_text("Saved only: Health visitors joined in March.")).to_be_visible()
    assert_accessible(second)
    merged = NOTES + "\n\nHealth visitors joined in March.\n\nThe ISA was signed in 2012."
    second.get_by_label("Notes", exact=True).fill(merged)
    second.get_by_role("button", name="Save draft").click()

    expect(second.get_by_text("Your changes to the visit are saved.")).to_be_visible()
    visit.refresh_from_db()
    assert visit.notes == merged
    assert_no_console_errors(console_errors)
