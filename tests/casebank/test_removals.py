"""A session or an enrolment removed: draws of épreuves not started go with it; a case drawn for
an épreuve that has started forbids the removal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from certif.candidates.models import Candidate
from certif.casebank.models import Case, Draw
from certif.casebank.services import draw_cases
from certif.referential.models import ReferentialVersion
from certif.sessions.models import Enrolment, ExamSession
from certif.sessions.services import SessionError, delete_session, remove_enrolment
from tests.support.casebank import bank_of, case_session, set_start

pytestmark = pytest.mark.django_db
WHY = {"motif": "Session créée par erreur, en double."}


def test_a_session_whose_epreuves_have_not_started_is_deleted_with_its_draws(
    version: ReferentialVersion, candidates: list[Candidate]
) -> None:
    bank_of("B2", 2)
    session = case_session(version, "S1", candidates, [("B2", "")])
    draw_cases(session, actor=None)
    delete_session(session, WHY)
    assert not Draw.objects.exists()
    assert Case.objects.count() == 2


def test_a_case_drawn_for_a_started_epreuve_keeps_the_session(
    version: ReferentialVersion, candidates: list[Candidate]
) -> None:
    bank_of("B2", 2)
    session = case_session(version, "S1", candidates, [("B2", "")], start=timezone.localdate())
    set_start(session, ("B2", ""), timezone.now() - timedelta(minutes=1))
    draw_cases(session, actor=None)
    with pytest.raises(SessionError, match="épreuves déjà commencées"):
        delete_session(session, WHY)
    assert ExamSession.objects.filter(pk=session.pk).exists()


def test_an_enrolment_removed_takes_only_its_own_draws(
    version: ReferentialVersion, candidates: list[Candidate]
) -> None:
    bank_of("B2", 2)
    session = case_session(version, "S1", candidates, [("B2", "")])
    draw_cases(session, actor=None)
    enrolment = Enrolment.objects.get(session=session, candidate=candidates[0])
    remove_enrolment(enrolment, WHY)
    assert list(Draw.objects.values_list("candidate_id", flat=True)) == [candidates[1].pk]
