"""A published edition's pages, the editions list, the diff and the staff preview pass
axe-core's WCAG 2.2 AA rules and log no browser errors."""

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings

from tests.findings.editions import coded_finding, make_edition, publish, stored_in

from .conftest import assert_accessible, assert_no_console_errors, sign_in


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> Path:
    return stored_in(settings, tmp_path)


def test_edition_pages_are_accessible(
    page: Page, staff_user: User, console_errors: list[str], subtests: pytest.Subtests
) -> None:
    finding = coded_finding(staff_user)
    first = publish(make_edition("early-findings", [finding], is_illustrative=True))
    publish(
        make_edition(
            "early-findings-2",
            [finding, coded_finding(staff_user, finding.theme, headline="Added later")],
            amends=first,
            amendment_reason="A finding was added after a further visit.",
        )
    )
    make_edition("next-findings", [finding])
    public = [
        ("/findings/", "Early findings"),
        ("/findings/early-findings-2/", "Early findings"),
        ("/findings/early-findings/", "Early findings"),
        ("/findings/early-findings-2/working-together/", "Working together"),
        ("/findings/editions/", "Editions of the findings report"),
        ("/findings/early-findings-2/changes/", "What changed"),
    ]
    for path, heading in public:
        with subtests.test(path=path):
            console_errors.clear()
            response = page.goto(path)
            assert response is not None and response.status == 200
            expect(page.get_by_role("heading", level=1)).to_have_text(heading)
            assert_accessible(page)
            assert_no_console_errors(console_errors)
    sign_in(page, staff_user)
    with subtests.test(path="/findings/ for staff"):
        console_errors.clear()
        page.goto("/findings/")
        expect(page.get_by_role("link", name="Codebook")).to_be_visible()
        assert_accessible(page)
        assert_no_console_errors(console_errors)
    with subtests.test(path="preview"):
        console_errors.clear()
        page.goto("/findings/editions/next-findings/preview/")
        expect(page.get_by_text("Preview — not published")).to_be_visible()
        assert_accessible(page)
        assert_no_console_errors(console_errors)
