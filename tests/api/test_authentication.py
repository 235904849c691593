"""Who may call the API: personal tokens (hashed, revocable, expiring) and browser sessions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.utils import timezone

from certif.accounts.models import ApiToken
from certif.accounts.services import set_roles
from certif.accounts.tokens import TokenError, digest, issue_token, revoke_token
from certif.core.roles import Role
from certif.referential.models import ReferentialVersion
from tests.support.api import Api, problem

pytestmark = pytest.mark.django_db


def test_a_token_authenticates_as_its_user(
    staff: AbstractUser, version: ReferentialVersion
) -> None:
    api = Api(issue_token(staff, "SI").secret)
    assert api.get("/me").json()["username"] == staff.get_username()


def test_only_a_hash_of_the_secret_is_stored(staff: AbstractUser) -> None:
    issued = issue_token(staff, "SI")
    stored = ApiToken.objects.get()
    assert issued.secret.startswith(f"certif_{stored.prefix}_")
    assert stored.secret_hash == digest(issued.secret)
    assert issued.secret not in stored.secret_hash


def test_no_credentials_get_401_with_a_problem_and_a_challenge(anonymous: Api) -> None:
    response = anonymous.get("/me")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert problem(response)["title"] == "Authentification requise"


def test_an_unsafe_request_without_credentials_gets_401_not_a_csrf_refusal(
    anonymous: Api,
) -> None:
    assert anonymous.post("/candidates", {}).status_code == 401


def test_a_wrong_secret_is_refused(staff: AbstractUser) -> None:
    issued = issue_token(staff, "SI")
    response = Api(issued.secret[:-2] + "xx").get("/me")
    assert response.status_code == 401
    assert problem(response)["detail"] == "Jeton inconnu."


def test_a_revoked_token_is_refused_at_once(staff: AbstractUser) -> None:
    issued = issue_token(staff, "SI")
    api = Api(issued.secret)
    assert api.get("/me").status_code == 200
    revoke_token(issued.token, staff)
    response = api.get("/me")
    assert response.status_code == 401
    assert "révoqué" in problem(response)["detail"]


def test_an_expired_token_is_refused(staff: AbstractUser) -> None:
    issued = issue_token(staff, "SI", days=1)
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        response = Api(issued.secret).get("/me")
    assert response.status_code == 401
    assert "expiré" in problem(response)["detail"]


def test_a_token_of_a_deactivated_account_is_refused(staff: AbstractUser) -> None:
    issued = issue_token(staff, "SI")
    staff.is_active = False
    staff.save()
    assert Api(issued.secret).get("/me").status_code == 401


def test_a_role_taken_away_takes_effect_at_the_next_request(
    staff: AbstractUser, version: ReferentialVersion
) -> None:
    api = Api(issue_token(staff, "SI").secret)
    assert api.get("/candidates").status_code == 200
    set_roles(staff, [Role.EVALUATOR])
    assert api.get("/candidates").status_code == 403


def test_a_token_carries_its_users_roles_and_no_more(
    api_for: Callable[..., Api], version: ReferentialVersion
) -> None:
    response = api_for(Role.EVALUATOR).get("/candidates")
    assert response.status_code == 403
    assert problem(response)["title"] == "Accès refusé"


def test_the_last_use_is_recorded(staff: AbstractUser) -> None:
    issued = issue_token(staff, "SI")
    Api(issued.secret).get("/me")
    issued.token.refresh_from_db()
    assert issued.token.last_used_at is not None


@pytest.mark.parametrize("days", [0, 366])
def test_a_token_lasts_a_day_to_a_year(staff: AbstractUser, days: int) -> None:
    with pytest.raises(TokenError):
        issue_token(staff, "SI", days=days)


def test_a_person_revokes_only_their_own_tokens(
    staff: AbstractUser, make_user: Callable[..., AbstractUser]
) -> None:
    issued = issue_token(staff, "SI")
    with pytest.raises(TokenError):
        revoke_token(issued.token, make_user(Role.STAFF))


def test_a_browser_session_reads_the_api(
    client_as: Callable[..., Client], version: ReferentialVersion
) -> None:
    response = client_as(Role.STAFF).get("/api/v1/candidates")
    assert response.status_code == 200


def test_a_browser_session_writes_only_with_its_csrf_token(
    staff: AbstractUser, version: ReferentialVersion
) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff)
    body = {"code": "2026-11"}
    refused = browser.post("/api/v1/sessions", body, content_type="application/json")
    browser.get("/api/v1/docs")
    token = browser.cookies["csrftoken"].value
    accepted = browser.post(
        "/api/v1/sessions", body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert refused.status_code == 403
    assert "CSRF" in problem(refused)["detail"]
    assert accepted.status_code == 201, accepted.content


def test_a_bearer_token_needs_no_csrf_token(
    staff: AbstractUser, version: ReferentialVersion
) -> None:
    api = Api(issue_token(staff, "SI").secret)
    api.client = Client(enforce_csrf_checks=True)
    assert api.post("/sessions", {"code": "2026-11"}).status_code == 201
