"""Browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.

How to write one (see test_pages.py and test_sign_in.py):

    def test_the_areas_page_lists_regions(page: Page, register: None, console_errors) -> None:
        page.goto("/areas/")                      # relative to live_server.url
        expect(page.get_by_role("heading", name="Areas")).to_be_visible()
        assert_accessible(page)                   # axe-core, WCAG 2.2 AA rules
        assert_no_console_errors(console_errors)  # JavaScript errors and CSP violations

    def test_staff_see_visits(page: Page, staff_user) -> None:
        sign_in(page, staff_user)                 # through the real sign-in form

- `page` is a fresh browser context and page for each test (one Chromium for them all).
- `make_page(java_script_enabled=False)` gives another page, for example without JavaScript.
- Every test here runs against the live server, so the database is transactional: rows
  a test creates are seen by the server, and each test starts from the migrated database
  (serialized rollback keeps the role groups the data migrations create).
- Every test in this folder is marked `e2e`: `pytest -m "not e2e"` leaves them out.
"""

import os
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management.sql import emit_post_migrate_signal
from django.db import connections
from django.test import TestCase, TransactionTestCase
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Locator,
    Page,
    sync_playwright,
)
from pytest_django import DjangoDbBlocker
from pytest_django.fixtures import validate_django_db
from pytest_django.live_server_helper import LiveServer

from tests.factories import TEST_PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_SCRIPT = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 AA, as the service promises; best-practice rules are not part of the promise.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    }
}
HERE = Path(__file__).parent


def pytest_itemcollected(item: pytest.Item) -> None:
    """Mark every test in this folder `e2e`, in time for `-m "not e2e"` to leave them out."""
    item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the browser tests first among the transactional tests.

    pytest-django has already put tests on a transactional database after the others.
    Browser tests restore the migrated data by serialized rollback, which only works if no
    other transactional test has emptied the tables (and renumbered content types) before
    them, so they go to the front of that group.
    """
    browser_tests = [item for item in items if item.path.is_relative_to(HERE)]
    others = [item for item in items if not item.path.is_relative_to(HERE)]
    first_transactional = next(
        (index for index, item in enumerate(others) if _is_transactional(item)), len(others)
    )
    items[:] = others[:first_transactional] + browser_tests + others[first_transactional:]


def _is_transactional(item: pytest.Item) -> bool:
    """The same test as pytest-django's ordering: does this test flush the tables after?"""
    test_class = getattr(item, "cls", None)
    if test_class is not None and issubclass(test_class, TransactionTestCase):
        return not issubclass(test_class, TestCase)
    marker = item.get_closest_marker("django_db")
    if marker is not None:
        transaction, reset_sequences, *_ = validate_django_db(marker)
        if transaction or reset_sequences:
            return True
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(fixtures & {"transactional_db", "live_server", "django_db_reset_sequences"})


@pytest.fixture(scope="package")
def browser(django_db_setup: None) -> Iterator[Browser]:
    """One headless Chromium for all the browser tests. Never `playwright install`.

    Package scope: every browser test shares it (they run one after another), and it
    closes after the last one, so Playwright's event loop is not left running in this
    thread under the rest of the suite, where it would break `async_to_sync`.
    """
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: install Debian's chromium package to run browser tests"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}. Browser tests are never skipped in CI.", pytrace=False)
        pytest.skip(reason)
    # While Playwright's event loop runs in this thread, Django keeps database connections
    # in a context variable instead of a thread local, and would open new ones, without
    # the test database's serialized contents. Keep using the ones pytest-django set up.
    test_connections = {alias: connections[alias] for alias in connections}
    with pytest.MonkeyPatch.context() as environment, sync_playwright() as playwright:
        # Django refuses database calls from a thread with a running event loop unless
        # told the code is really synchronous, as the tests and Playwright's sync API are.
        environment.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        for alias, connection in test_connections.items():
            connections[alias] = connection
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def _e2e_database(live_server: LiveServer, django_db_serialized_rollback: None) -> None:
    """Every browser test talks to the live server, on a transactional database.

    A transactional test empties every table when it ends, and with it the role groups
    made by data migrations; serialized rollback puts them back before each test.
    """


@pytest.fixture(scope="package", autouse=True)
def _database_for_later_tests(django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    """After the last browser test, recreate the content types and permissions.

    A serialized rollback empties the tables without recreating them (the next browser
    test loads them back); a transactional test that runs later expects them, as any
    other transactional test leaves them.
    """
    yield
    with django_db_blocker.unblock():
        for alias in connections:
            emit_post_migrate_signal(verbosity=0, interactive=False, db=alias)


@pytest.fixture
def console_errors() -> list[str]:
    """Errors the browser logged in this test: JavaScript errors and CSP violations."""
    return []


@pytest.fixture
def make_page(
    browser: Browser, live_server: LiveServer, console_errors: list[str]
) -> Iterator[Callable[..., Page]]:
    """Open a page in a new browser context; options go to `browser.new_context`.

    Relative URLs go to the live server, and the page's console errors go to
    `console_errors`. Every context is closed when the test ends.
    """
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> Page:
        context = browser.new_context(base_url=live_server.url, **options)
        contexts.append(context)
        new_page = context.new_page()
        new_page.on("console", lambda message: _record_console(message, console_errors))
        new_page.on("pageerror", lambda error: console_errors.append(f"pageerror: {error}"))
        return new_page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(make_page: Callable[..., Page]) -> Page:
    """A new page, in its own browser context, with JavaScript on."""
    return make_page()


def _record_console(message: ConsoleMessage, errors: list[str]) -> None:
    if message.type != "error":
        return
    text = message.text
    # A 403 or 404 page is logged as a failed load of the document itself: that status is
    # what the test asked for, and it checks the status itself. Anything else counts.
    if text.startswith("Failed to load resource") and message.location.get("url") == (
        message.page.url if message.page else None
    ):
        return
    where = message.location.get("url")
    errors.append(f"{text} ({where})" if where else text)


def assert_no_console_errors(console_errors: list[str]) -> None:
    assert not console_errors, "The browser logged errors:\n" + "\n".join(console_errors)


def sign_in(page: Page, user: Any, password: str = TEST_PASSWORD) -> None:
    """Sign `user` in through the real sign-in form, as a person would."""
    page.goto("/accounts/login/")
    page.get_by_label("User name").fill(user.get_username())
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text(f"Signed in as {user.get_username()}").wait_for()


def press_tab_until_focused(page: Page, target: Locator, limit: int = 60) -> None:
    """Press Tab, as a keyboard user would, until `target` has the focus."""
    for _ in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"{target} was not reached in {limit} presses of Tab", pytrace=False)


@cache
def _axe_source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


def assert_accessible(page: Page) -> None:
    """Run axe-core's WCAG 2.2 AA rules on the page and fail listing every violation.

    The site's CSP (script-src 'self') would block a <script> tag added by the test, so
    axe is evaluated through the DevTools protocol, which the page's CSP does not govern.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    result = page.evaluate("(options) => window.axe.run(document, options)", AXE_OPTIONS)
    assert result["passes"], f"axe checked nothing on {page.url}: is the page empty?"
    violations = result["violations"]
    if violations:
        lines = [f"axe found {len(violations)} accessibility violation(s) on {page.url}:"]
        for violation in violations:
            lines.append(
                f"- {violation['id']} ({violation['impact']}): {violation['help']}"
                f" {violation['helpUrl']}"
            )
            for node in violation["nodes"]:
                target = " ".join(str(part) for part in node["target"])
                lines.append(f"    {target}: {node['html'][:200]}")
        pytest.fail("\n".join(lines), pytrace=False)
