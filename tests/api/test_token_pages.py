"""The « Jetons d'API » page: any signed-in person manages their own tokens."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse

from certif.accounts.models import ApiToken
from certif.accounts.tokens import issue_token
from certif.candidates.models import Candidate
from certif.core.roles import Role
from tests.support.api import other_candidate

pytestmark = pytest.mark.django_db


def signed_in(user: AbstractUser) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", [*Role, None])
def test_every_signed_in_person_reaches_the_page(
    make_user: Callable[..., AbstractUser], role: Role | None
) -> None:
    candidate: Candidate | None = other_candidate("R0001") if role is Role.CANDIDATE else None
    user = make_user(*([role] if role else []), candidate=candidate)
    response = signed_in(user).get(reverse("tokens:list"))
    assert response.status_code == 200
    assert "Jetons d'API" in response.content.decode()


def test_an_anonymous_visitor_is_sent_to_the_login_page(client: Client) -> None:
    response = client.get(reverse("tokens:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_new_token_is_shown_once(make_user: Callable[..., AbstractUser]) -> None:
    browser = signed_in(make_user(Role.STAFF))
    created = browser.post(reverse("tokens:list"), {"name": "SI scolarité", "days": "30"})
    token = ApiToken.objects.get()
    page = created.content.decode()
    again = browser.get(reverse("tokens:list")).content.decode()
    assert created.status_code == 201
    assert f"certif_{token.prefix}_" in page
    assert f"certif_{token.prefix}_" not in again
    assert token.prefix in again


def test_an_invalid_duration_is_announced(make_user: Callable[..., AbstractUser]) -> None:
    browser = signed_in(make_user(Role.STAFF))
    response = browser.post(reverse("tokens:list"), {"name": "SI", "days": "400"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_person_revokes_their_token(make_user: Callable[..., AbstractUser]) -> None:
    user = make_user(Role.EVALUATOR)
    issued = issue_token(user, "script")
    response = signed_in(user).post(reverse("tokens:revoke", args=[issued.token.pk]))
    issued.token.refresh_from_db()
    assert response.status_code == 302
    assert issued.token.revoked_at is not None


def test_revoking_with_htmx_returns_the_table_alone(
    make_user: Callable[..., AbstractUser],
) -> None:
    user = make_user(Role.EVALUATOR)
    issued = issue_token(user, "script")
    response = signed_in(user).post(
        reverse("tokens:revoke", args=[issued.token.pk]), headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert "<html" not in page
    assert "révoqué" in page


def test_nobody_revokes_another_persons_token(make_user: Callable[..., AbstractUser]) -> None:
    issued = issue_token(make_user(Role.STAFF), "SI")
    response = signed_in(make_user(Role.STAFF)).post(
        reverse("tokens:revoke", args=[issued.token.pk])
    )
    issued.token.refresh_from_db()
    assert response.status_code == 404
    assert issued.token.revoked_at is None


def test_the_page_reads_in_english_when_chosen(make_user: Callable[..., AbstractUser]) -> None:
    browser = signed_in(make_user(Role.STAFF))
    browser.post(reverse("set_language"), {"language": "en", "next": reverse("tokens:list")})
    page = browser.get(reverse("tokens:list")).content.decode()
    assert "API tokens" in page
    assert "From 1 to 365 days." in page
    assert "Jetons d'API" not in page
