"""Assignments in the admin: listed, never written there (the session's page and the API assign
through the service, which checks links of interest and journals)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser, User
from django.test import Client
from django.urls import reverse

from certif.candidates.models import Candidate
from certif.sessions.models import Assignment, ExamSession
from tests.support.grading import block_row, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("admin", "a@example.org", "pw"))
    return client


def test_the_admin_lists_assignments(admin_client: Client, assignment: Assignment) -> None:
    response = admin_client.get(reverse("admin:exam_sessions_assignment_changelist"))
    assert response.status_code == 200
    assert "C001" in text_of(response)


def test_the_admin_cannot_create_an_assignment(
    admin_client: Client, session: ExamSession, evaluator: AbstractUser, candidates: list[Candidate]
) -> None:
    response = admin_client.post(
        reverse("admin:exam_sessions_assignment_add"),
        {
            "session": session.pk,
            "candidate": candidates[0].pk,
            "block": block_row(session, "B1").pk,
            "part": "",
            "evaluator": evaluator.pk,
            "marker": 1,
        },
    )
    assert response.status_code == 403
    assert not Assignment.objects.exists()
