"""Signing in and out in a real browser."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AbstractUser
from playwright.sync_api import Page, expect

from certif.core.roles import Role
from tests.browser.pages import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_gestionnaire_signs_in_and_sees_the_dashboard(
    page: Page, live_server: object, make_user: Callable[..., AbstractUser]
) -> None:
    make_user(Role.STAFF, username="gestion")
    base = str(live_server)
    log_in(page, base, "gestion", "pw-for-tests")
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()
    screenshot(page, "dashboard-gestionnaire")


def test_a_wrong_password_is_refused_with_a_message(page: Page, live_server: object) -> None:
    page.goto(f"{live_server}/comptes/login/")
    page.get_by_label("Identifiant").fill("personne")
    page.get_by_label("Mot de passe").fill("faux")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_contain_text("Identifiant ou mot de passe incorrect")
    screenshot(page, "login-refused")
