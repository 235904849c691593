"""Password reset never leaves a usable link in a log; a new password revokes the account's
API tokens (journalled)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AbstractUser
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from certif.accounts import actions
from certif.accounts.services import TOKENS_REVOKED_REASON, set_password
from certif.accounts.tokens import issue_token
from certif.core.models import AuditEvent
from tests.support.api import Api

pytestmark = pytest.mark.django_db

CONSOLE = "django.core.mail.backends.console.EmailBackend"
UNAVAILABLE = (
    "La réinitialisation par courriel n'est pas disponible : aucun serveur de courriel n'est "
    "configuré. Demandez à un gestionnaire."
)
NEW_PASSWORD = "Un-nouveau-mot-de-passe-2026"


@pytest.mark.parametrize("backend", [CONSOLE, "django.core.mail.backends.dummy.EmailBackend"])
def test_reset_is_refused_when_mail_would_stay_on_the_server(
    staff: AbstractUser, backend: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with override_settings(EMAIL_BACKEND=backend, DEBUG=False):
        page = Client().get(reverse("password_reset"))
        sent = Client().post(reverse("password_reset"), {"email": staff.email})
    assert page.status_code == 503
    assert UNAVAILABLE in page.content.decode()
    assert sent.status_code == 503
    assert "/comptes/reset/" not in capsys.readouterr().out


def test_reset_works_in_development_with_the_console(staff: AbstractUser) -> None:
    with override_settings(EMAIL_BACKEND=CONSOLE, DEBUG=True):
        assert Client().get(reverse("password_reset")).status_code == 200


def reset_link(staff: AbstractUser) -> str:
    response = Client().post(reverse("password_reset"), {"email": staff.email})
    assert response.status_code == 302
    [message] = mail.outbox
    found = re.search(r"https?://[^/]+(/comptes/reset/\S+/)", message.body)
    assert found is not None
    return found.group(1)


def test_a_reset_by_mail_revokes_the_api_tokens(staff: AbstractUser) -> None:
    secret = issue_token(staff, "SI").secret
    client = Client()
    form = client.get(reset_link(staff), follow=True)
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.check_password(NEW_PASSWORD)
    assert Api(secret).get("/me").status_code == 401
    assert AuditEvent.objects.filter(action=actions.PASSWORD_CHANGED.code).count() == 1


def test_changing_ones_password_revokes_ones_tokens_journalled(staff: AbstractUser) -> None:
    secret = issue_token(staff, "SI").secret
    client = Client()
    client.force_login(staff)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "pw-for-tests",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert Api(secret).get("/me").status_code == 401
    [revoked] = AuditEvent.objects.filter(action=actions.TOKEN_REVOKED.code)
    assert revoked.reason == TOKENS_REVOKED_REASON
    assert revoked.actor == staff
    # The session that changed the password stays signed in.
    assert client.get(reverse("home")).status_code == 200


def test_the_service_revokes_only_that_accounts_live_tokens(
    staff: AbstractUser, president: AbstractUser
) -> None:
    mine = issue_token(staff, "SI").secret
    theirs = issue_token(president, "SI").secret
    assert set_password(staff, NEW_PASSWORD) == 1
    assert Api(mine).get("/me").status_code == 401
    assert Api(theirs).get("/me").status_code == 200


def test_a_password_changed_outside_the_service_revokes_the_tokens_too(
    staff: AbstractUser,
) -> None:
    from io import StringIO
    from unittest import mock

    from django.core.management import call_command

    secret = issue_token(staff, "SI").secret
    # Django's own command, as an administrator would run it on the server.
    with mock.patch("getpass.getpass", return_value=NEW_PASSWORD):
        call_command("changepassword", staff.get_username(), stdout=StringIO())
    assert Api(secret).get("/me").status_code == 401
    [revoked] = AuditEvent.objects.filter(action=actions.TOKEN_REVOKED.code)
    assert revoked.reason == TOKENS_REVOKED_REASON
    assert AuditEvent.objects.filter(action=actions.PASSWORD_CHANGED.code).count() == 1


def test_a_rehash_at_login_is_no_change_of_password(staff: AbstractUser) -> None:
    secret = issue_token(staff, "SI").secret
    # A login whose hasher is upgraded saves the password again, unchanged.
    staff.check_password("pw-for-tests")
    staff.set_password("pw-for-tests")
    staff._password = None  # type: ignore[attr-defined]  # as Django's rehash does
    staff.save(update_fields=["password"])
    assert Api(secret).get("/me").status_code == 200
