"""Browser tests: Playwright driving Debian's Chromium, headless, as a phone (390×844).

Nothing is downloaded: Playwright starts /usr/bin/chromium (`apt-get install chromium`), and
the browser is kept from reaching anything but the live server on this machine. Without
Chromium or Playwright the tests are skipped, unless KUSEAW_REQUIRE_BROWSER=1 (CI), where
they fail.

The tests need `@pytest.mark.django_db(transaction=True, serialized_rollback=True)`: the live
server answers from another thread, so the data must be committed, and the flush after a
transactional test would otherwise take the reference data and role groups with it.
"""

import os
from pathlib import Path

import pytest

from tests.browser.live import PHONE_SCREEN

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests run as root in a container
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    # Nothing leaves the machine: every host but the live server's fails to resolve, and
    # whatever would still go out meets a proxy on a port where nothing listens.
    "--proxy-server=http://127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
PHONE = {
    "viewport": PHONE_SCREEN,
    "is_mobile": True,
    "has_touch": True,
    "locale": "th-TH",
    "timezone_id": "Asia/Bangkok",
}
SCREENSHOTS = Path("/tmp/kuseaw-shots")


def _missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[dev]')"
    if not os.access(CHROMIUM, os.X_OK):
        return f"Chromium is not at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.fixture(scope="session")
def browser(django_db_setup):
    reason = _missing_browser()
    if reason:
        if os.environ.get("KUSEAW_REQUIRE_BROWSER") == "1":
            pytest.fail(f"KUSEAW_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(f"browser tests skipped: {reason}")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # What serialized_rollback restores after each flush, kept by the test database setup
    # on this thread's connection objects.
    serialized = {
        conn.alias: conn._test_serialized_contents
        for conn in connections.all()
        if hasattr(conn, "_test_serialized_contents")
    }
    with sync_playwright() as playwright:
        # Playwright's sync API leaves an event loop running in this thread, and Django then
        # hands out other connection objects (asgiref's Local is per event loop), which lack
        # that data: without it every transactional test from here on would start empty.
        for alias, contents in serialized.items():
            connections[alias]._test_serialized_contents = contents
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh phone-sized tab on the live server; fails the test on a JavaScript error."""
    context = browser.new_context(base_url=live_server.url, **PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "response",
        lambda response: (
            errors.append(f"{response.status} {response.url}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico")
            else None
        ),
    )
    yield page
    context.close()
    assert not errors, f"errors in the browser: {errors}"


@pytest.fixture
def violations(page):
    """Every CSP violation Chromium reports on the console while the test runs."""
    seen = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return seen


@pytest.fixture
def screenshots() -> Path:
    """Where the tests leave phone screenshots for a person to look at (never committed)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
