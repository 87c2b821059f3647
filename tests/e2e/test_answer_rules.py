"""A number out of its question's range in a real browser: the GOV.UK error with the rule's
message, then fixed and saved; the character count of a free-text answer counting down; and
a seeded figure far out of line found on the data-quality page and marked checked."""

import re
from decimal import Decimal

from django.utils.text import slugify
from playwright.sync_api import Page, expect

from areas.models import Region
from surveys.models import Answer, QuestionKind, Response, Survey
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
    _seed_returns(survey, region)
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
    assert not Response.objects.filter(local_authority__slug="gateshead").exists()

    # The character count counts down as the person types (govuk-frontend's JavaScript).
    page.get_by_label("Barriers?").fill("Twelve chars")
    expect(page.locator(".govuk-character-count__status")).to_have_text(
        "You have 38 characters remaining"
    )

    contacts.fill("5")
    page.get_by_role("button", name="Save as draft").click()

    expect(page.get_by_text("The return for Gateshead is saved as a draft.")).to_be_visible()
    assert_accessible(page)
    answer = Response.objects.get(local_authority__slug="gateshead").answers.get(
        question__code="Q1"
    )
    assert answer.number == Decimal(5)

    # The seeded figure far above the others is on the data-quality page, to check.
    page.goto("/survey/initial/data-quality/")
    row = page.get_by_role("row", name=re.compile("Durham"))
    expect(row).to_contain_text("5,000")
    expect(row).to_contain_text("To check")
    assert_accessible(page)
    row.get_by_role("link", name=re.compile("^Mark as checked")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Mark as checked: correct as recorded"
    )
    page.get_by_role("button", name="Mark as checked").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter why the value is correct")
    assert_accessible(page)
    page.get_by_label("Why is the value correct?").fill(
        "Confirmed with the MASH manager: the hub takes contacts for two areas."
    )
    page.get_by_role("button", name="Mark as checked").click()

    expect(
        page.get_by_text("Q1. About how many contacts a month? for Durham is marked as checked.")
    ).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Checked \(1\)")).click()
    expect(page.get_by_role("row", name=re.compile("Durham"))).to_contain_text(
        "the hub takes contacts for two areas"
    )
    assert_accessible(page)
    assert_no_console_errors(console_errors)


#: Other areas' contacts a month: Durham's 5,000 is far above the rest.
SEEDED = {f"Area {n:02}": 100 + 10 * n for n in range(1, 11)} | {"Durham": 5000}


def _seed_returns(survey: Survey, region: Region) -> None:
    question = survey.questions.get(code="Q1")
    for name, number in SEEDED.items():
        area = LocalAuthorityFactory.create(name=name, slug=slugify(name), region=region)
        response = Response.objects.create(survey=survey, local_authority=area)
        Answer.objects.create(response=response, question=question, number=Decimal(number))
