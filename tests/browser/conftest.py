"""Browser tests: Playwright driving Debian's Chromium against a live server.

Chromium comes from the system (``apt-get install chromium``), never from
``playwright install``. Without it these tests are skipped, unless
CERTIF_REQUIRE_BROWSER=1 (as in CI), where its absence is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = os.environ.get("CERTIF_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CERTIF_REQUIRE_BROWSER") == "1":
            pytest.fail(
                f"Chromium is required but absent at {CHROMIUM} (apt-get install -y chromium)"
            )
        pytest.skip(
            f"Chromium absent at {CHROMIUM}: apt-get install -y chromium to run the browser tests"
        )
    # Django's live server runs in a thread; Playwright's sync API must not see a running loop.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fr-FR")
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    yield opened
    context.close()
