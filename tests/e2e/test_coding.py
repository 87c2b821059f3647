"""Coding evidence in a real browser: project staff select a passage of an approved visit's
notes (line breaks and an emoji before it, so the offsets must be counted as the server
counts them), code it to a theme, find it on the theme's page, see it flagged stale once the
notes change, and re-anchor it. Without JavaScript, a passage is pasted instead, and when it
appears twice the place is chosen, all from the keyboard. axe runs on every page (with
JavaScript, which it needs)."""

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from findings.models import Excerpt
from tests.findings.factories import ThemeFactory, approved_visit
from visits.models import Visit

from .conftest import assert_accessible, assert_no_console_errors, press_tab_until_focused, sign_in

NOTES = (
    "Police and children's social care sit together in the hub.\r\n\r\n"
    "The team 🙂 meets every morning.\r\n"
    "Co-location was the key success factor: decisions take hours, not days."
)
PASSAGE = "Co-location was the key success factor"


def _select(page: Page, passage: str) -> None:
    """Select `passage` in the source text, as a person dragging over it would."""
    page.evaluate(
        """(passage) => {
            const root = document.getElementById('source-text')
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT)
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.data.indexOf(passage)
                if (at < 0) continue
                const range = document.createRange()
                range.setStart(node, at)
                range.setEnd(node, at + passage.length)
                const selection = window.getSelection()
                selection.removeAllRanges()
                selection.addRange(range)
                root.dispatchEvent(new MouseEvent('mouseup', { bubbles: true }))
                return
            }
            throw new Error('passage not found')
        }""",
        passage,
    )


def test_staff_code_a_selected_passage_see_it_go_stale_and_re_anchor_it(
    page: Page, staff_user, console_errors: list[str]
) -> None:
    visit = approved_visit(notes=NOTES)
    theme = ThemeFactory.create(name="Co-location and structure", slug="co-location")

    sign_in(page, staff_user)
    page.goto(visit.get_absolute_url())
    page.get_by_role("link", name="Code the notes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Coding: the notes")
    assert_accessible(page)

    _select(page, PASSAGE)
    expect(page.locator("#coding-status")).to_contain_text(f"Selected: “{PASSAGE}”")
    expect(page.get_by_role("textbox", name="Passage to code")).to_have_value(PASSAGE)
    page.get_by_role("checkbox", name="Co-location and structure").check()
    page.get_by_role("textbox", name="Memo (optional)").fill("Named as the main factor")
    page.get_by_role("button", name="Save the coding").click()

    expect(
        page.get_by_text("The passage has been coded to Co-location and structure")
    ).to_be_visible()
    expect(page.locator("#source-text mark")).to_have_text(PASSAGE)
    assert_accessible(page)
    excerpt = Excerpt.objects.get()
    assert (excerpt.start, excerpt.quote) == (NOTES.index(PASSAGE), PASSAGE)

    # The theme's page lists it.
    page.get_by_role("link", name="Co-location and structure").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(theme.name)
    expect(page.get_by_role("link", name=re.compile("Co-location was the key"))).to_be_visible()
    assert_accessible(page)

    # The coding report counts it: one excerpt, from one visit and one area.
    page.goto("/findings/reports/")
    row = page.get_by_role("region", name="Evidence by theme").get_by_role(
        "row", name=re.compile(theme.name)
    )
    expect(row.get_by_role("cell")).to_have_text(["", "Active", "1", "1", "1", "1", "0"])
    assert_accessible(page)

    # The notes change (as the admin or an import would change them): the excerpt is stale.
    Visit.objects.filter(pk=visit.pk).update(notes="A sentence added first.\r\n" + NOTES)
    page.goto("/findings/needs-attention/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Coded evidence that needs attention")
    expect(page.locator("main")).to_contain_text("the passage is now somewhere else in it")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Co-location was the key")).click()
    expect(page.locator("main .govuk-warning-text")).to_contain_text("Stale")
    assert_accessible(page)

    page.get_by_role("button", name="Re-anchor the excerpt").click()
    expect(page.get_by_text("The excerpt now points at where its quote is")).to_be_visible()
    expect(page.locator("main .govuk-warning-text")).to_have_count(0)
    expect(page.locator("#source-text mark")).to_have_text(PASSAGE)
    assert_accessible(page)
    excerpt.refresh_from_db()
    assert excerpt.start == len("A sentence added first.\r\n") + NOTES.index(PASSAGE)
    assert_no_console_errors(console_errors)


def test_without_javascript_a_pasted_passage_found_twice_is_coded_where_chosen(
    make_page: Callable[..., Page], staff_user, console_errors: list[str]
) -> None:
    notes = "Co-location helped the police. Co-location helped health as well."
    visit = approved_visit(notes=notes)
    ThemeFactory.create(name="Partner engagement", slug="partner-engagement")
    page = make_page(java_script_enabled=False)

    sign_in(page, staff_user)
    page.goto(f"/findings/code/visit/{visit.pk}/")
    passage = page.get_by_role("textbox", name="Passage to code")
    press_tab_until_focused(page, passage)
    page.keyboard.type("Co-location helped")
    press_tab_until_focused(page, page.get_by_role("checkbox", name="Partner engagement"))
    page.keyboard.press("Space")
    press_tab_until_focused(page, page.get_by_role("button", name="Save the coding"))
    page.keyboard.press("Enter")

    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_role("alert")).to_contain_text("The passage appears 2 times")
    second = page.get_by_role("radio", name="Place 2")
    press_tab_until_focused(page, page.get_by_role("radio", name="Place 1"))
    page.keyboard.press("ArrowDown")
    expect(second).to_be_checked()
    press_tab_until_focused(page, page.get_by_role("button", name="Save the coding"))
    page.keyboard.press("Enter")

    expect(page.get_by_text("The passage has been coded to Partner engagement")).to_be_visible()
    expect(page.locator("#source-text mark")).to_have_text("Co-location helped")
    assert Excerpt.objects.get().start == notes.rindex("Co-location helped")

    # A passage that is not there is refused, saying what to do.
    page.get_by_role("textbox", name="Passage to code").fill("Nobody said this")
    page.get_by_role("checkbox", name="Partner engagement").check()
    page.get_by_role("button", name="Save the coding").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "The passage is not in the notes. Copy it exactly from the text above"
    )
    assert Excerpt.objects.count() == 1

    # axe needs JavaScript: the same pages, with it, where a passage typed in is also looked
    # for in the text.
    checked = make_page()
    sign_in(checked, staff_user)
    checked.goto(f"/findings/code/visit/{visit.pk}/")
    checked.get_by_role("textbox", name="Passage to code").fill("helped")
    checked.get_by_role("checkbox", name="Partner engagement").check()
    checked.get_by_role("button", name="Save the coding").click()
    expect(checked.get_by_role("alert")).to_contain_text("The passage appears 2 times")
    assert_accessible(checked)
    checked.get_by_role("textbox", name="Passage to code").fill("Nobody said this")
    checked.get_by_role("button", name="Save the coding").click()
    expect(checked.get_by_role("alert")).to_contain_text("The passage is not in the notes")
    assert_accessible(checked)
    assert_no_console_errors(console_errors)
