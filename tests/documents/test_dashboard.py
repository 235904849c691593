"""The gestionnaires' dashboard leads to the documents of sessions whose jury has deliberated."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from certif.core.roles import Role
from certif.sessions.models import ExamSession

pytestmark = pytest.mark.django_db


def test_a_session_with_a_closed_deliberation_appears_with_its_documents(
    session: ExamSession, client_for: Callable[..., Client]
) -> None:
    panels = client_for(Role.STAFF).get(reverse("home")).context["panels"]
    found = next(panel for panel in panels if panel.title == "Documents officiels")
    assert [(item.label, item.url, item.detail) for item in found.items] == [
        ("Session 2026-06", reverse("documents:session", args=[session.pk]), "1 document délivré")
    ]


@pytest.mark.parametrize("role", [r for r in Role if r != Role.STAFF])
def test_other_roles_have_no_documents_panel(role: Role, client_for: Callable[..., Client]) -> None:
    panels = client_for(role).get(reverse("home")).context["panels"]
    assert all(panel.title != "Documents officiels" for panel in panels)
