"""Browser tests: Playwright driving Debian's Chromium against a live server.

Chromium comes from the system (``apt-get install chromium``), never from
``playwright install``. Without it these tests are skipped, unless
CERTIF_REQUIRE_BROWSER=1 (as in CI), where its absence is a failure.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, Response

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot as a test artefact for visual review."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/comptes/login/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{base_url}/")


def log_out(page: Page) -> None:
    """Forget the session, as a browser closed and opened again would."""
    page.context.clear_cookies()


def visit(page: Page, url: str) -> int:
    """Go to ``url`` and return the HTTP status of the page shown."""
    response: Response | None = page.goto(url)
    assert response is not None, url
    return response.status
