"""Repeated failed sign-ins lock the login and the address (django-axes), even with the right
password afterwards; each lockout is journalled; a gestionnaire sees and lifts it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from certif.accounts import actions
from certif.accounts.lockouts import current_lockouts, lift_lockout
from certif.core.errors import Forbidden, Refused
from certif.core.models import AuditEvent
from certif.core.roles import Role

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests"


def attempt(client: Client, username: str, password: str, url: str = "") -> object:
    return client.post(url or reverse("login"), {"username": username, "password": password})


def fail(client: Client, username: str, times: int, url: str = "") -> None:
    for _ in range(times):
        response = attempt(client, username, "not-the-password", url)
        assert response.status_code in (200, 429)  # type: ignore[attr-defined]


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def gestion(make_user: Callable[..., AbstractUser]) -> AbstractUser:
    return make_user(Role.STAFF, username="gestion")


def test_the_right_password_is_refused_after_repeated_failures(gestion: AbstractUser) -> None:
    client = Client()
    fail(client, "gestion", settings.AXES_FAILURE_LIMIT)
    response = attempt(client, "gestion", PASSWORD)
    assert response.status_code == 429  # type: ignore[attr-defined]
    page = response.content.decode()  # type: ignore[attr-defined]
    assert "Connexion bloquée après trop d'échecs" in page
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert f"réessayez dans {minutes} minutes" in page
    assert not signed_in(client)


def test_fewer_failures_than_the_limit_let_the_right_password_in(gestion: AbstractUser) -> None:
    client = Client()
    fail(client, "gestion", settings.AXES_FAILURE_LIMIT - 1)
    response = attempt(client, "gestion", PASSWORD)
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert signed_in(client)


def test_the_account_is_locked_from_every_address(gestion: AbstractUser) -> None:
    fail(Client(REMOTE_ADDR="10.0.0.1"), "gestion", settings.AXES_FAILURE_LIMIT)
    elsewhere = Client(REMOTE_ADDR="10.0.0.2")
    assert attempt(elsewhere, "gestion", PASSWORD).status_code == 429  # type: ignore[attr-defined]


def test_an_address_trying_many_logins_is_locked_for_every_login(
    make_user: Callable[..., AbstractUser],
) -> None:
    someone = make_user(Role.EVALUATOR)
    client = Client(REMOTE_ADDR="10.0.0.9")
    for number in range(settings.AXES_FAILURE_LIMIT):
        fail(client, f"guess-{number}", 1)
    response = attempt(client, someone.get_username(), PASSWORD)
    assert response.status_code == 429  # type: ignore[attr-defined]
    other = Client(REMOTE_ADDR="10.0.0.10")
    assert attempt(other, someone.get_username(), PASSWORD).status_code == 302  # type: ignore[attr-defined]


def test_the_lock_ends_after_the_cool_off(gestion: AbstractUser) -> None:
    client = Client()
    fail(client, "gestion", settings.AXES_FAILURE_LIMIT)
    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(seconds=5)):
        assert attempt(client, "gestion", PASSWORD).status_code == 302  # type: ignore[attr-defined]


def test_the_admin_login_is_locked_too(make_user: Callable[..., AbstractUser]) -> None:
    admin = make_user(Role.STAFF, username="admin")
    admin.is_staff = True
    admin.is_superuser = True
    admin.save()
    client = Client()
    url = reverse("admin:login")
    fail(client, "admin", settings.AXES_FAILURE_LIMIT, url)
    response = attempt(client, "admin", PASSWORD, url)
    assert response.status_code == 429  # type: ignore[attr-defined]
    assert not signed_in(client)


def test_a_lockout_is_journalled_once_when_it_begins(gestion: AbstractUser) -> None:
    client = Client()
    fail(client, "gestion", settings.AXES_FAILURE_LIMIT + 3)
    attempt(client, "gestion", PASSWORD)
    [event] = AuditEvent.objects.filter(action=actions.LOCKED_OUT.code)
    assert event.after["username"] == "gestion"
    assert event.after["ip_address"] == "127.0.0.1"
    assert event.after["failures"] == settings.AXES_FAILURE_LIMIT
    assert "gestion" in event.object_label


def test_a_lockout_ends_no_sooner_for_more_attempts_during_it(gestion: AbstractUser) -> None:
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail(client, "gestion", settings.AXES_FAILURE_LIMIT)
    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        assert attempt(client, "gestion", PASSWORD).status_code == 429  # type: ignore[attr-defined]
    with time_machine.travel(start + settings.AXES_COOLOFF_TIME + timedelta(seconds=5)):
        assert attempt(client, "gestion", PASSWORD).status_code == 302  # type: ignore[attr-defined]


def test_the_journal_shows_lockouts_and_their_lifting_in_words(
    gestion: AbstractUser, staff: AbstractUser
) -> None:
    fail(Client(), "gestion", settings.AXES_FAILURE_LIMIT)
    lift_lockout({"kind": "account", "value": "gestion"}, actor=staff)
    manager = Client()
    manager.force_login(staff)
    journal = manager.get(reverse("journal:list"))
    assert journal.status_code == 200
    page = journal.content.decode()
    assert "Connexion bloquée après des échecs répétés" in page
    assert "Blocage de connexion levé" in page
    # Each payload key in words, never as stored.
    for words in ("<strong>échecs</strong>", "<strong>compte ou adresse</strong>"):
        assert words in page
    for code in ("failures", "cool_off_minutes", "<strong>value</strong>"):
        assert code not in page


# -- gestionnaires see and lift lockouts -----------------------------------------------------


def test_a_gestionnaire_sees_the_current_lockouts_and_lifts_one(
    gestion: AbstractUser, staff: AbstractUser
) -> None:
    fail(Client(REMOTE_ADDR="10.0.0.1"), "gestion", settings.AXES_FAILURE_LIMIT)
    manager = Client()
    manager.force_login(staff)
    page = manager.get(reverse("accounts:lockouts")).content.decode()
    assert "gestion" in page
    assert "10.0.0.1" in page
    dashboard = manager.get(reverse("home")).content.decode()
    assert "Connexions bloquées" in dashboard

    response = manager.post(reverse("accounts:lift"), {"kind": "account", "value": "gestion"})
    assert response.status_code == 302
    # The address had failed only with that login: its failures are forgotten with them.
    assert current_lockouts() == []
    [event] = AuditEvent.objects.filter(action=actions.LOCKOUT_LIFTED.code)
    assert event.actor == staff
    assert event.after["value"] == "gestion"
    assert attempt(Client(REMOTE_ADDR="10.0.0.3"), "gestion", PASSWORD).status_code == 302  # type: ignore[attr-defined]


def test_lifting_an_address_lets_it_sign_in_again(
    gestion: AbstractUser, staff: AbstractUser
) -> None:
    client = Client(REMOTE_ADDR="10.0.0.7")
    for number in range(settings.AXES_FAILURE_LIMIT):
        fail(client, f"guess-{number}", 1)
    lift_lockout({"kind": "address", "value": "10.0.0.7"}, actor=staff)
    assert attempt(client, "gestion", PASSWORD).status_code == 302  # type: ignore[attr-defined]


def test_only_a_gestionnaire_lifts_a_lockout(
    gestion: AbstractUser, make_user: Callable[..., AbstractUser]
) -> None:
    fail(Client(), "gestion", settings.AXES_FAILURE_LIMIT)
    evaluator = make_user(Role.EVALUATOR)
    with pytest.raises(Forbidden):
        lift_lockout({"kind": "account", "value": "gestion"}, actor=evaluator)
    client = Client()
    client.force_login(evaluator)
    assert client.get(reverse("accounts:lockouts")).status_code == 403
    assert (
        client.post(reverse("accounts:lift"), {"kind": "account", "value": "gestion"}).status_code
        == 403
    )
    assert len(current_lockouts()) == 2


def test_lifting_a_lockout_that_is_not_there_is_refused(staff: AbstractUser) -> None:
    with pytest.raises(Refused, match="Aucun blocage"):
        lift_lockout({"kind": "account", "value": "personne"}, actor=staff)


def test_anonymous_visitors_are_sent_to_the_login_page_from_the_lockouts() -> None:
    response = Client().get(reverse("accounts:lockouts"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
