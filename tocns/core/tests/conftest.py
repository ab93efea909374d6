import os
from pathlib import Path

import pytest

from tocns.browser import chromium_available, launch

SCREENSHOTS = os.environ.get("TOCNS_SCREENSHOTS")


@pytest.fixture(scope="session")
def browser():
    if not chromium_available():
        if os.environ.get("TOCNS_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium (/usr/bin/chromium) is required here but missing: apt-get install chromium")
        pytest.skip("Chromium is not installed (apt-get install chromium); browser tests skipped")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = launch(playwright)
        yield instance
        instance.close()


@pytest.fixture
def shoot():
    """Save a screenshot when TOCNS_SCREENSHOTS names a folder, for people to look at."""

    def take(page, name):
        if SCREENSHOTS:
            Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)

    return take
