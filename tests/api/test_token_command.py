"""``certif token create|revoke|list``."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.management import CommandError, call_command

from certif.accounts.models import ApiToken
from certif.accounts.tokens import authenticate
from certif.core.models import AuditEvent
from certif.core.roles import Role

pytestmark = pytest.mark.django_db


def test_create_prints_the_secret_once_on_standard_output(
    make_user: Callable[..., AbstractUser],
) -> None:
    user = make_user(Role.STAFF)
    out, err = StringIO(), StringIO()
    call_command(
        "token", "create", user.username, "--name", "SI", "--days", "30", stdout=out, stderr=err
    )
    secret = out.getvalue().strip()
    assert authenticate(secret) == user
    assert "ne sera plus affiché" in err.getvalue()
    assert ApiToken.objects.get().name == "SI"


def test_revoke_takes_a_prefix(make_user: Callable[..., AbstractUser]) -> None:
    user = make_user(Role.STAFF)
    call_command("token", "create", user.username, stdout=StringIO(), stderr=StringIO())
    token = ApiToken.objects.get()
    call_command("token", "revoke", token.prefix, stdout=StringIO())
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="api.token.revoked", actor=None).exists()


def test_list_shows_prefixes_and_states(make_user: Callable[..., AbstractUser]) -> None:
    user = make_user(Role.STAFF)
    call_command("token", "create", user.username, stdout=StringIO(), stderr=StringIO())
    out = StringIO()
    call_command("token", "list", user.username, stdout=out)
    assert ApiToken.objects.get().prefix in out.getvalue()
    assert "actif" in out.getvalue()


def test_an_unknown_account_is_an_error(db: None) -> None:
    with pytest.raises(CommandError, match="compte inconnu"):
        call_command("token", "create", "personne", stdout=StringIO(), stderr=StringIO())


def test_too_long_a_duration_is_an_error(make_user: Callable[..., AbstractUser]) -> None:
    user = make_user(Role.STAFF)
    with pytest.raises(CommandError, match="365"):
        call_command("token", "create", user.username, "--days", "900", stderr=StringIO())
