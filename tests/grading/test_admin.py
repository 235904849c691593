"""Assignments in the admin: listed, and refused when they break a declared link of interest."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser, User
from django.test import Client
from django.urls import reverse

from certif.accounts.models import ConflictKind
from certif.accounts.services import declare_conflict
from certif.candidates.models import Candidate
from certif.domain.referential.schema import Referential
from certif.grading.models import Assignment
from certif.sessions.models import ExamSession
from tests.grading.conftest import block_row, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("admin", "a@example.org", "pw"))
    return client


def test_the_admin_lists_assignments(admin_client: Client, assignment: Assignment) -> None:
    response = admin_client.get(reverse("admin:grading_assignment_changelist"))
    assert response.status_code == 200
    assert "C001" in text_of(response)


def test_the_admin_refuses_an_assignment_against_a_link_of_interest(
    admin_client: Client, session: ExamSession, evaluator: AbstractUser, candidates: list[Candidate]
) -> None:
    declare_conflict(evaluator, candidates[0], ConflictKind.TRAINER)
    response = admin_client.post(
        reverse("admin:grading_assignment_add"),
        {
            "session": session.pk,
            "candidate": candidates[0].pk,
            "block": block_row(session, "B1").pk,
            "part": "",
            "evaluator": evaluator.pk,
            "marker": 1,
        },
    )
    assert "lien d'intérêt" in text_of(response)
    assert not Assignment.objects.exists()


def test_the_admin_records_who_assigned(
    admin_client: Client,
    session: ExamSession,
    evaluator: AbstractUser,
    candidates: list[Candidate],
    ccab: Referential,
) -> None:
    admin_client.post(
        reverse("admin:grading_assignment_add"),
        {
            "session": session.pk,
            "candidate": candidates[0].pk,
            "block": block_row(session, "B3").pk,
            "part": ccab.block("B3").parts[0].code,
            "evaluator": evaluator.pk,
            "marker": 1,
        },
    )
    assert Assignment.objects.get().assigned_by.username == "admin"
