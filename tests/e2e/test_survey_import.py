"""Importing a file of returns in a real browser: a file with problems, then a good file,
its preview and the confirmation, with axe run on every page on the way; a confirmation
refused because a return changed meanwhile; a long list of problems."""

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from surveys.models import ImportBatch, Response
from surveys.services import response_save_draft
from tests.surveys.import_files import (
    GATESHEAD,
    HEADER,
    NEWCASTLE,
    csv_file,
    make_setup,
    use_tmp_media,
)

from .conftest import assert_accessible, assert_no_console_errors, sign_in


def test_staff_import_a_file_after_fixing_its_problems(
    page: Page, staff_user, settings, tmp_path, console_errors: list[str]
) -> None:
    use_tmp_media(settings, tmp_path)
    setup = make_setup()
    setup.survey.is_illustrative = True
    setup.survey.save()
    sign_in(page, staff_user)

    page.goto(f"/survey/{setup.survey.slug}/import/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import returns")
    expect(page.get_by_text("This survey is illustrative")).to_be_visible()
    assert_accessible(page)

    # A file with a problem: every problem listed, nothing imported.
    file_input = page.get_by_label("Upload a file of returns")
    bad = csv_file([HEADER, ["Gotham", *GATESHEAD[1:]]])
    file_input.set_input_files({"name": "bad.csv", "mimeType": "text/csv", "buffer": bad})
    page.get_by_role("button", name="Check the file").click()
    expect(page).to_have_title(re.compile(r"^Error: Import returns"))
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(page.get_by_role("table")).to_contain_text("'Gotham' is not a local authority")
    assert_accessible(page)
    summary.get_by_role("link").click()
    expect(page.get_by_label("Upload a file of returns")).to_be_focused()
    assert not ImportBatch.objects.exists()

    # The corrected file: a preview, then the import.
    good = csv_file([HEADER, GATESHEAD, NEWCASTLE])
    page.get_by_label("Upload a file of returns").set_input_files(
        {"name": "good.csv", "mimeType": "text/csv", "buffer": good}
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the import")
    expect(page.locator("#count-new")).to_have_text("2")
    assert_accessible(page)
    assert not Response.objects.exists()

    page.get_by_role("button", name="Confirm import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Imports")
    expect(
        page.get_by_text("good.csv was imported: 2 new, 0 updated and 0 unchanged")
    ).to_be_visible()
    page.get_by_text("2 returns", exact=True).click()
    expect(page.get_by_role("link", name="Newcastle upon Tyne")).to_be_visible()
    assert_accessible(page)
    assert Response.objects.count() == 2
    assert_no_console_errors(console_errors)


def test_a_return_saved_after_the_preview_is_named_and_a_fresh_preview_confirmed(
    page: Page, staff_user, settings, tmp_path, console_errors: list[str]
) -> None:
    use_tmp_media(settings, tmp_path)
    setup = make_setup()
    sign_in(page, staff_user)
    page.goto(f"/survey/{setup.survey.slug}/import/")
    page.get_by_label("Upload a file of returns").set_input_files(
        {"name": "good.csv", "mimeType": "text/csv", "buffer": csv_file([HEADER, GATESHEAD])}
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#count-new")).to_have_text("1")

    # Meanwhile, someone starts Gateshead's return in the browser.
    response_save_draft(
        survey=setup.survey,
        local_authority=setup.gateshead,
        values={},
        user=staff_user,
        seen_version=None,
    )
    page.get_by_role("button", name="Confirm import").click()

    expect(page).to_have_title(re.compile(r"^Error: Check the import"))
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("1 return was changed after you checked the file")
    expect(summary.get_by_role("link", name="Gateshead")).to_be_visible()
    expect(page.locator("#count-updated")).to_have_text("1")
    assert_accessible(page)
    assert not ImportBatch.objects.exists()

    page.get_by_role("button", name="Confirm import").click()
    expect(page.get_by_text("good.csv was imported: 0 new, 1 updated")).to_be_visible()
    assert_no_console_errors(console_errors)


def test_a_long_list_of_problems_shows_the_first_100_and_downloads_in_full(
    page: Page, staff_user, settings, tmp_path, console_errors: list[str]
) -> None:
    use_tmp_media(settings, tmp_path)
    setup = make_setup()
    sign_in(page, staff_user)
    page.goto(f"/survey/{setup.survey.slug}/import/")
    bad = csv_file([HEADER, *([f"Gotham {n}", "Maybe", *GATESHEAD[2:]] for n in range(200))])
    page.get_by_label("Upload a file of returns").set_input_files(
        {"name": "bad.csv", "mimeType": "text/csv", "buffer": bad}
    )
    page.get_by_role("button", name="Check the file").click()

    table = page.get_by_role("table")
    expect(table.get_by_role("caption")).to_have_text("400 problems in bad.csv")
    expect(table.locator("tbody tr")).to_have_count(100)
    expect(page.get_by_text("And 300 more.")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download all 400 problems (CSV)").click()
    assert len(Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()) == 401
    assert_no_console_errors(console_errors)
