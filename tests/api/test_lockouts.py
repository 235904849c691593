"""Guessing API tokens is as slow as guessing passwords: refused tokens are counted per
address (django-axes), and a locked address is refused even a valid token, journalled."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import AbstractUser

from certif.accounts import actions
from certif.accounts.lockouts import current_lockouts, lift_lockout
from certif.accounts.tokens import issue_token
from certif.core.models import AuditEvent
from tests.support.api import Api, problem

pytestmark = pytest.mark.django_db


def from_address(token: str, address: str) -> Api:
    api = Api(token)
    api.client.defaults["REMOTE_ADDR"] = address
    return api


def guess(address: str, times: int) -> list[int]:
    return [
        from_address(f"certif_abcdef{n:06d}_nope", address).get("/me").status_code
        for n in range(times)
    ]


def test_an_address_guessing_tokens_is_locked_even_with_a_valid_one(staff: AbstractUser) -> None:
    valid = issue_token(staff, "SI").secret
    statuses = guess("10.1.1.1", settings.AXES_FAILURE_LIMIT)
    assert statuses[:-1] == [401] * (settings.AXES_FAILURE_LIMIT - 1)
    assert statuses[-1] == 429
    response = from_address(valid, "10.1.1.1").get("/me")
    assert response.status_code == 429
    assert int(response["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    assert "Trop d'échecs d'authentification" in problem(response)["detail"]


def test_other_addresses_keep_working(staff: AbstractUser) -> None:
    valid = issue_token(staff, "SI").secret
    guess("10.1.1.1", settings.AXES_FAILURE_LIMIT)
    assert from_address(valid, "10.1.1.2").get("/me").status_code == 200


def test_the_token_lockout_is_journalled_and_lifted_by_a_gestionnaire(
    staff: AbstractUser,
) -> None:
    valid = issue_token(staff, "SI").secret
    guess("10.1.1.1", settings.AXES_FAILURE_LIMIT + 2)
    [event] = AuditEvent.objects.filter(action=actions.LOCKED_OUT.code)
    assert event.after["ip_address"] == "10.1.1.1"
    assert [(lock.kind, lock.value) for lock in current_lockouts()] == [("address", "10.1.1.1")]
    lift_lockout({"kind": "address", "value": "10.1.1.1"}, actor=staff)
    assert from_address(valid, "10.1.1.1").get("/me").status_code == 200


def test_valid_tokens_are_not_counted(staff: AbstractUser) -> None:
    valid = issue_token(staff, "SI").secret
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        assert from_address(valid, "10.1.1.3").get("/me").status_code == 200
