"""A session or an enrolment is never removed over a candidate's deposited files: they are her
work and the evidence behind a grade."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AbstractUser

from certif.candidates.models import Candidate
from certif.core.roles import Role
from certif.referential.models import ReferentialVersion
from certif.sessions.models import Enrolment, ExamSession
from certif.sessions.services import SessionError, delete_session, remove_enrolment
from certif.submissions.models import Deposit
from tests.support.submissions import deposited, session_in

pytestmark = pytest.mark.django_db
WHY = {"motif": "Session créée par erreur, en double."}


def test_a_session_holding_a_deposit_is_not_deleted(
    version: ReferentialVersion, candidates: list[Candidate], make_user: Callable[..., AbstractUser]
) -> None:
    candidate = candidates[0]
    session = session_in(version, candidate, 30, blocks=("B1",))
    deposited(candidate, session, "B1Support", make_user(Role.CANDIDATE, candidate=candidate))
    with pytest.raises(SessionError, match="1 fichier a été déposé par un candidat"):
        delete_session(session, WHY)
    assert ExamSession.objects.filter(pk=session.pk).exists()
    assert Deposit.objects.count() == 1


def test_an_enrolment_whose_block_holds_a_deposit_is_not_removed(
    version: ReferentialVersion, candidates: list[Candidate], make_user: Callable[..., AbstractUser]
) -> None:
    candidate = candidates[0]
    session = session_in(version, candidate, 30, blocks=("B1", "B2"))
    deposited(candidate, session, "B1Support", make_user(Role.CANDIDATE, candidate=candidate))
    b1 = Enrolment.objects.get(session=session, candidate=candidate, block__code="B1")
    with pytest.raises(SessionError, match="déposé"):
        remove_enrolment(b1, WHY)
    remove_enrolment(Enrolment.objects.get(session=session, block__code="B2"), WHY)
    assert list(Enrolment.objects.values_list("block__code", flat=True)) == ["B1"]


def test_a_session_without_deposits_is_deleted(
    version: ReferentialVersion, candidates: list[Candidate]
) -> None:
    session = session_in(version, candidates[0], 30, blocks=("B1",))
    delete_session(session, WHY)
    assert not ExamSession.objects.filter(pk=session.pk).exists()
