"""Browser tests: Playwright for Python driving Debian's Chromium (/usr/bin/chromium) against a live
test server. No browser is downloaded; when Chromium or Playwright is missing the tests are skipped
locally — CI installs both and runs them."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PASSWORD = "correct horse battery staple"  # tests/builders.make_user's password

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


def _available() -> bool:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return False
    return shutil.which(CHROMIUM) is not None or Path(CHROMIUM).exists()


pytestmark = pytest.mark.skipif(not _available(), reason="needs Playwright and Debian's chromium")


# The session's ``browser`` fixture lives in tests/conftest.py: one Playwright per test process, shared by
# every directory with browser tests (a second Playwright in the same process cannot start its loop).


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def sign_in(page, live_server):
    """``sign_in(user)`` signs ``user`` in through the login form; returns the page."""

    def go(user, password: str = PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", user.email)
        page.fill("input[name=password]", password)
        page.click("button[type=submit], input[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    return go


def screenshot(page, name: str) -> None:
    """Save a full-page screenshot to docs/screenshots/<name>.png (shown in the README) when
    ATTAIN_SCREENSHOTS=1: `ATTAIN_SCREENSHOTS=1 make test PYTEST_ARGS=tests/browser` refreshes them."""
    if os.environ.get("ATTAIN_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def pytest_collection_modifyitems(config, items):
    """Every test of this folder is a ``browser`` test (``make test-fast`` leaves them out)."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)
