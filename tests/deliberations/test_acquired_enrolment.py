"""A block a jury validated is acquired for life: enrolling its holder again in it is a choice,
never an accident."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse

from certif.accounts.tokens import issue_token
from certif.candidates.models import Candidate
from certif.core.roles import Role
from certif.sessions.models import Enrolment, ExamSession
from certif.sessions.services import enrol
from tests.support.api import Api

pytestmark = pytest.mark.django_db


def enrolled_in_b1(session: ExamSession) -> list[str]:
    return sorted(
        Enrolment.objects.filter(session=session, block__code="B1").values_list(
            "candidate__numero", flat=True
        )
    )


def test_a_candidate_whose_block_a_jury_validated_is_left_out_and_named(
    december: ExamSession, candidates: list[Candidate]
) -> None:
    outcome = enrol(december, [c.pk for c in candidates], [("B1", "")])
    assert outcome.acquired == ("C001",)
    assert enrolled_in_b1(december) == ["C002"]


def test_a_candidate_whose_block_was_acquired_is_enrolled_when_asked(
    december: ExamSession, candidates: list[Candidate]
) -> None:
    outcome = enrol(december, [c.pk for c in candidates], [("B1", "")], include_acquired=True)
    assert outcome.acquired == ()
    assert enrolled_in_b1(december) == ["C001", "C002"]


def test_a_block_failed_before_is_no_reason_to_leave_anyone_out(
    december: ExamSession, candidates: list[Candidate]
) -> None:
    outcome = enrol(december, [candidates[1].pk], [("B1", "")])
    assert outcome.acquired == ()


def test_the_enrolment_page_says_who_was_left_out(december: ExamSession, client_as: object) -> None:
    client = client_as(Role.STAFF)  # type: ignore[operator]
    assert isinstance(client, Client)
    url = reverse("sessions:enrol", args=[december.pk])
    response = client.post(
        url,
        {"unites": ["B1"], "source": "filtre", "q": "C00", "action": "inscrire"},
        follow=True,
    )
    html = response.content.decode()
    assert "1 candidat laissé de côté" in html
    assert "C001" in html
    assert enrolled_in_b1(december) == ["C002"]


def test_the_api_names_who_was_left_out(december: ExamSession, staff: AbstractUser) -> None:
    api = Api(issue_token(staff, "tests").secret, staff)
    answer = api.post(
        f"/sessions/{december.code}/enrolments",
        {"candidates": ["C001", "C002"], "units": [{"block": "B1", "part": ""}]},
    )
    assert answer.status_code == 200
    assert answer.json()["acquired"] == ["C001"]
