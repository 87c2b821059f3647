"""A report edition from draft to published and read, in a real browser: project staff start
it, choose what it includes, preview it and send it for review; a reviewer who had no hand in
it sees the checklist block, the author fixes what it links to, and the reviewer publishes.
Then an anonymous visitor reads it at /findings/, downloads its PDF and its open data, each
with the SHA-256 the page gives, and the page's schema.org JSON-LD is read as data under the
service's Content-Security-Policy. axe runs on each page; the browser logs no errors."""

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings

from findings import sources
from findings.models import EditionFile
from tests.findings.coded import NOTES, agreed, code
from tests.findings.editions import stored_in
from tests.findings.factories import ThemeFactory, approved_visit

from .conftest import assert_accessible, assert_no_console_errors, sign_in

SUMMARY = "What the visits found about sharing & trust </script>."


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> Path:
    return stored_in(settings, tmp_path)


def download(page: Page, link: str) -> tuple[str, bytes]:
    """Follow the link named `link` and return the downloaded file's name and bytes."""
    with page.expect_download() as waiting:
        page.get_by_role("link", name=link).click()
    file = waiting.value
    return file.suggested_filename, Path(file.path()).read_bytes()


def test_staff_draft_an_edition_a_reviewer_publishes_it_and_anyone_reads_and_downloads_it(
    page: Page,
    make_page: Callable[..., Page],
    staff_user: User,
    reviewer_user: User,
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
    page.get_by_label("Summary").fill(SUMMARY)
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

    # The author previews the draft exactly as it will be published.
    page.get_by_role("link", name="Preview the edition as it will be published").click()
    expect(page.get_by_text("Preview — not published")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Early findings")
    expect(page.locator("main")).to_contain_text(finding.headline)
    assert_accessible(page)
    page.go_back()
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

    # Anyone reads it at /findings/ and downloads its files, each with the SHA-256 shown.
    visitor = make_page()
    visitor.goto("/findings/")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Early findings")
    expect(visitor.locator("main")).to_contain_text(finding.headline)
    assert_accessible(visitor)
    stored = {
        file.path: file.sha256
        for file in EditionFile.objects.filter(edition__slug="early-findings")
    }
    name, pdf = download(visitor, "The report as a PDF")
    assert name == "early-findings.pdf" and pdf.startswith(b"%PDF-")
    assert hashlib.sha256(pdf).hexdigest() == stored["edition.pdf"]
    name, zipped = download(visitor, "The open data (CSV files in a zip)")
    assert name == "early-findings-data.zip"
    assert hashlib.sha256(zipped).hexdigest() == stored["data.zip"]
    downloads = visitor.locator("main").get_by_role("list").filter(has_text="The report as a PDF")
    for path in ("edition.pdf", "data.zip", "manifest.json"):
        expect(downloads).to_contain_text(stored[path])
    # The JSON-LD is read as data under the CSP: intact, and naming the same files.
    text = visitor.locator('script[type="application/ld+json"]').text_content()
    assert text is not None
    dataset = json.loads(text)
    assert dataset["@type"] == "Dataset" and dataset["description"].startswith(SUMMARY)
    assert [item["sha256"] for item in dataset["distribution"]] == [
        stored["data.zip"],
        stored["edition.pdf"],
    ]
    assert_no_console_errors(console_errors)
