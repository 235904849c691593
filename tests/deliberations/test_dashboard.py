"""Dashboard panels: deliberations to hold for the jury and staff, results to publish for staff."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse

from certif.core.roles import Role
from certif.deliberations import services
from certif.deliberations.models import Deliberation, JuryMember
from certif.sessions.models import ExamSession
from tests.support.deliberations import closed

pytestmark = pytest.mark.django_db


def titles(client: Client) -> list[str]:
    return [panel.title for panel in client.get(reverse("home")).context["panels"]]


def panel(client: Client, title: str) -> list[str]:
    found = [p for p in client.get(reverse("home")).context["panels"] if p.title == title]
    assert found, title
    return [f"{item.label} — {item.detail}" for item in found[0].items]


def test_a_session_with_scores_and_no_deliberation_is_to_hold(
    session: ExamSession, client_as: Callable[..., Client]
) -> None:
    # Gestionnaires open deliberations.
    assert panel(client_as(Role.STAFF), "Délibérations à tenir") == [
        "Session 2026-06 — notes saisies, délibération à ouvrir"
    ]


def test_an_open_deliberation_is_to_hold_for_its_president(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], president: AbstractUser
) -> None:
    client = Client()
    client.force_login(president)
    assert panel(client, "Délibérations à tenir") == [
        "Session 2026-06 — délibération n° 1 — ouverte, datée du 01/07/2026"
    ]


def test_a_jury_president_is_not_shown_an_open_deliberation_she_does_not_sit_on(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    client_as: Callable[..., Client],
) -> None:
    items = panel(client_as(Role.JURY_PRESIDENT), "Délibérations à tenir")
    assert not [item for item in items if "délibération n° 1" in item]


def test_a_closed_deliberation_waits_for_publication_on_the_staff_dashboard(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    president: AbstractUser,
    staff: AbstractUser,
    client_as: Callable[..., Client],
) -> None:
    closed(deliberation, president)
    client = client_as(Role.STAFF)
    assert panel(client, "Délibérations à tenir") == []
    assert panel(client, "Résultats à publier") == [
        "Session 2026-06 — délibération n° 1 — close, résultats non publiés"
    ]
    services.publish_results(deliberation, staff)
    assert panel(client, "Résultats à publier") == []


def test_jury_members_are_not_asked_to_publish(
    session: ExamSession, client_as: Callable[..., Client]
) -> None:
    assert "Résultats à publier" not in titles(client_as(Role.JURY_MEMBER))


@pytest.mark.parametrize("role", [Role.EVALUATOR])
def test_other_roles_see_no_deliberation_panel(
    session: ExamSession, client_as: Callable[..., Client], role: Role
) -> None:
    assert "Délibérations à tenir" not in titles(client_as(role))


def test_an_empty_session_has_nothing_to_hold(
    session: ExamSession, staff: AbstractUser, client_as: Callable[..., Client]
) -> None:
    ExamSession.objects.create(code="2027-01", referential_version=session.referential_version)
    services.open_deliberation(session, staff, date(2026, 7, 1))
    assert "2027-01" not in " ".join(panel(client_as(Role.STAFF), "Délibérations à tenir"))
