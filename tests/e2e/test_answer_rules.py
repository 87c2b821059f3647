"""A number out of its question's range in a real browser: the GOV.UK error with the rule's
message, then fixed and saved; and the character count of a free-text answer counting down."""

import re
from decimal import Decimal

from playwright.sync_api import Page, expect

from surveys.models import QuestionKind, Response
from tests.factories import LocalAuthorityFactory, RegionFactory
from tests.surveys.factories import SurveyFactory, add_question

from .conftest import assert_accessible, assert_no_console_errors, sign_in

MESSAGE = "Enter a number of contacts a month of 0 or more"


def test_an_out_of_range_number_is_refused_with_the_rule_s_message_then_fixed_and_saved(
    page: Page, staff_user, console_errors: list[str]
) -> None:
    survey = SurveyFactory.create(slug="initial", title="Initial survey")
    add_question(
        survey,
        "Q1",
        QuestionKind.NUMBER,
        text="About how many contacts a month?",
        min_value=Decimal(0),
        unit="contacts a month",
    )
    add_question(
        survey, "Q2", QuestionKind.FREE_TEXT, required=False, text="Barriers?", max_length=50
    )
    region = RegionFactory.create(code="E12000001", name="North East", slug="north-east")
    LocalAuthorityFactory.create(name="Gateshead", slug="gateshead", region=region)
    sign_in(page, staff_user)

    page.goto("/survey/initial/returns/gateshead/edit/")
    contacts = page.get_by_label("About how many contacts a month?")
    contacts.fill("-5")
    page.get_by_role("button", name="Save as draft").click()

    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(page.locator(".govuk-error-message")).to_have_text(f"Error: {MESSAGE}")
    assert_accessible(page)
    summary.get_by_role("link", name=MESSAGE).click()
    expect(contacts).to_be_focused()
    expect(contacts).to_have_value("-5")
    assert not Response.objects.exists()

    # The character count counts down as the person types (govuk-frontend's JavaScript).
    page.get_by_label("Barriers?").fill("Twelve chars")
    expect(page.locator(".govuk-character-count__status")).to_have_text(
        "You have 38 characters remaining"
    )

    contacts.fill("5")
    page.get_by_role("button", name="Save as draft").click()

    expect(page.get_by_text("The return for Gateshead is saved as a draft.")).to_be_visible()
    assert_accessible(page)
    answer = Response.objects.get().answers.get(question__code="Q1")
    assert answer.number == Decimal(5)
    assert_no_console_errors(console_errors)
