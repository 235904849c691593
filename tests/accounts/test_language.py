"""The header's language switch: French by default, English on request."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from certif.core.roles import Role

pytestmark = pytest.mark.django_db


def switch_to_english(client: Client) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_the_dashboard_is_in_french_by_default(client_as: Callable[..., Client]) -> None:
    content = client_as(Role.STAFF).get(reverse("home")).content.decode()
    assert '<html lang="fr">' in content
    assert "Tableau de bord" in content
    assert "Se déconnecter" in content


def test_switching_to_english_shows_the_dashboard_in_english(
    client_as: Callable[..., Client],
) -> None:
    client = client_as(Role.STAFF)

    switch_to_english(client)
    content = client.get(reverse("home")).content.decode()

    assert '<html lang="en">' in content
    assert "Dashboard" in content
    assert "Tableau de bord" not in content
    assert "Sign out" in content
    assert "Skip to content" in content
    assert "Manager" in content  # the role label in the user menu


def test_the_navigation_is_in_english_after_the_switch(
    client_as: Callable[..., Client],
) -> None:
    client = client_as(Role.EVALUATOR)
    switch_to_english(client)
    content = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("referential:overview")}">Referential</a>' in content


def test_the_login_page_follows_the_language_switch(client: Client) -> None:
    switch_to_english(client)
    content = client.get(reverse("login")).content.decode()
    assert "Sign in" in content
    assert "Password" in content
