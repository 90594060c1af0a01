"""What the browser tests share: Playwright's expect, the marks of a test against the live
server, the test users' password, and the phone they run as (conftest.py's viewport)."""

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips these tests (in CI it fails them)
    expect = None

LIVE_SERVER_TEST = [
    pytest.mark.browser,
    # The live server reads from its own connection: data must be committed. The rollback
    # brings back the reference data and role groups that the flush afterwards removes.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "test-pass-123"  # UserFactory's
PHONE_SCREEN = {"width": 390, "height": 844}
PHONE_WIDTH = PHONE_SCREEN["width"]


def assert_fits_phone(page) -> None:
    """Nothing sticks out sideways: no horizontal scrolling on a 390px screen."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{page.url} is {width}px wide"
