"""Under the Content-Security-Policy, in a real browser: no page reports a violation, htmx
still swaps, and a locked sign-in says so."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from playwright.sync_api import ConsoleMessage, Page, expect

from certif.accounts.tokens import issue_token
from certif.core.roles import Role
from tests.browser.pages import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def violations(page: Page) -> list[str]:
    found: list[str] = []

    def listen(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            found.append(message.text)

    page.on("console", listen)
    return found


def test_pages_and_htmx_run_without_any_policy_violation(
    page: Page, live_server: object, make_user: Callable[..., AbstractUser]
) -> None:
    staff = make_user(Role.STAFF, username="gestion")
    staff.is_staff = staff.is_superuser = True
    staff.save()
    issued = issue_token(staff, "SI")
    reported = violations(page)
    base = str(live_server)
    log_in(page, base, "gestion", "pw-for-tests")
    pages = ("/", "/candidats/", "/journal/", "/comptes/blocages/", "/api/v1/docs", "/admin/")
    for path in (*pages, "/admin/auth/user/", f"/admin/auth/user/{staff.pk}/change/"):
        page.goto(f"{base}{path}")
        page.wait_for_load_state("networkidle")
    page.goto(f"{base}/api/jetons/")
    # The revoke button posts through htmx and swaps the table in place (no page load).
    page.get_by_role("button", name="Révoquer").click()
    expect(page.locator("#tokens-table")).to_contain_text(f"Jeton {issued.token.prefix} révoqué")
    assert page.url == f"{base}/api/jetons/"
    assert reported == []


def test_a_locked_sign_in_says_for_how_long(
    page: Page, live_server: object, make_user: Callable[..., AbstractUser]
) -> None:
    make_user(Role.STAFF, username="gestion")
    page.goto(f"{live_server}/comptes/login/")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.get_by_label("Identifiant").fill("gestion")
        page.get_by_label("Mot de passe").fill("faux")
        page.get_by_role("button", name="Se connecter").click()
    page.get_by_label("Identifiant").fill("gestion")
    page.get_by_label("Mot de passe").fill("pw-for-tests")
    page.get_by_role("button", name="Se connecter").click()
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    expect(page.get_by_role("alert")).to_contain_text(f"réessayez dans {minutes} minutes")
    screenshot(page, "login-locked")
