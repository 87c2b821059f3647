"""Signing in and out in a real browser, with the keyboard, and what a mistake looks like."""

import re

from playwright.sync_api import Page, expect

from tests.factories import TEST_PASSWORD

from .conftest import (
    assert_accessible,
    assert_no_console_errors,
    press_tab_until_focused,
    sign_in,
)


def test_signing_in_with_the_keyboard_only_shows_who_is_signed_in(
    page: Page, staff_user, console_errors: list[str]
) -> None:
    page.goto("/")
    press_tab_until_focused(page, page.get_by_role("link", name="Sign in"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")

    press_tab_until_focused(page, page.get_by_label("User name"))
    page.keyboard.type(staff_user.get_username())
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Sign in")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_text(f"Signed in as {staff_user.get_username()}")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("link", name="Sign in")).to_have_count(0)
    assert_no_console_errors(console_errors)


def test_signing_in_returns_to_the_page_that_asked_for_it(page: Page, staff_user) -> None:
    page.goto("/visits/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("User name").fill(staff_user.get_username())
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/visits/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Visits")


def test_signing_out_with_the_keyboard_ends_the_session(
    page: Page, staff_user, console_errors: list[str]
) -> None:
    sign_in(page, staff_user)
    press_tab_until_focused(page, page.get_by_role("button", name="Sign out"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    page.goto("/visits/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_no_console_errors(console_errors)


def test_a_wrong_password_shows_the_error_summary_linked_to_the_field(
    page: Page, staff_user, console_errors: list[str]
) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("User name").fill(staff_user.get_username())
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary).to_be_focused()
    summary.get_by_role(
        "link", name="Enter a correct user name and password. Both are case-sensitive."
    ).click()
    expect(page.get_by_label("User name")).to_be_focused()
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    assert_accessible(page)
    assert_no_console_errors(console_errors)


def test_an_empty_form_links_each_error_to_its_field(page: Page, console_errors: list[str]) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    for message, label in [
        ("Enter your user name", "User name"),
        ("Enter your password", "Password"),
    ]:
        summary.get_by_role("link", name=message).click()
        expect(page.get_by_label(label)).to_be_focused()
        # Each message is repeated beside its field.
        expect(page.locator(".govuk-error-message", has_text=message)).to_be_visible()
    assert_no_console_errors(console_errors)
