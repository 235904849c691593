"""What habilitations govern in sessions: the enrolment of a partner's candidates, and the
grading of a session delegated to a partner."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.contrib.auth.models import AbstractUser

from certif.candidates.models import Candidate
from certif.core.errors import Invalid
from certif.core.models import AuditEvent
from certif.core.roles import Role
from certif.partners.models import Partner
from certif.referential.models import ReferentialVersion
from certif.sessions.models import Enrolment, ExamSession
from certif.sessions.services import (
    AssignmentRefused,
    SessionError,
    assign_evaluator,
    create_session,
    enrol,
)
from tests.support.partners import OTHER_SIRET, make_habilitation, make_partner

pytestmark = pytest.mark.django_db

SESSION_DAY = date(2026, 6, 15)
REASON = "Dérogation accordée par la direction le 2 juin"


@pytest.fixture
def partner(version: ReferentialVersion, candidates: list[Candidate]) -> Partner:
    """A partner habilitated to prepare B1 only; C001 is its candidate."""
    partner = make_partner()
    make_habilitation(partner, nature="preparer", blocks="B1")
    Candidate.objects.filter(numero="C001").update(partner=partner)
    return partner


def _session(version: ReferentialVersion, partner: Partner | None = None) -> ExamSession:
    return create_session(
        {
            "code": "2026-06",
            "referential_version": version.pk,
            "start_date": SESSION_DAY.isoformat(),
            "partner": partner.siret if partner else "",
        }
    )


def test_a_candidate_is_enrolled_in_a_block_the_partner_prepares_for(
    version: ReferentialVersion, partner: Partner, candidates: list[Candidate]
) -> None:
    outcome = enrol(_session(version), [candidates[0].pk], [("B1", "")])
    assert outcome.created == 1


def test_enrolment_outside_the_habilitation_is_refused(
    version: ReferentialVersion, partner: Partner, candidates: list[Candidate]
) -> None:
    with pytest.raises(SessionError, match="pas habilité à préparer B2 au 15/06/2026"):
        enrol(_session(version), [candidates[0].pk], [("B2", "")])
    assert not Enrolment.objects.exists()


def test_a_suspended_habilitation_no_longer_covers_an_enrolment(
    version: ReferentialVersion, partner: Partner, candidates: list[Candidate]
) -> None:
    from certif.partners.services import change_habilitation

    change_habilitation(
        partner.habilitations.get(),
        {"action": "suspend", "effective_on": "2026-05-01", "reason": "Contrôle défavorable"},
    )
    with pytest.raises(SessionError, match="pas habilité"):
        enrol(_session(version), [candidates[0].pk], [("B1", "")])


def test_a_gestionnaire_overrides_with_a_reason_kept_in_the_journal(
    version: ReferentialVersion, partner: Partner, candidates: list[Candidate], staff: AbstractUser
) -> None:
    outcome = enrol(
        _session(version), [candidates[0].pk], [("B2", "")], actor=staff, override_reason=REASON
    )
    assert outcome.created == 1
    assert AuditEvent.objects.get(action="session.enrolled").reason == REASON


def test_a_candidate_without_a_partner_is_enrolled_as_before(
    version: ReferentialVersion, partner: Partner, candidates: list[Candidate]
) -> None:
    assert enrol(_session(version), [candidates[1].pk], [("B2", "")]).created == 1


def test_a_session_cannot_be_delegated_to_a_partner_not_habilitated_to_evaluate(
    version: ReferentialVersion, partner: Partner
) -> None:
    with pytest.raises(Invalid, match="habilitation à évaluer"):
        _session(version, partner)


def test_a_delegated_session_is_graded_by_the_partners_evaluators_only(
    version: ReferentialVersion, candidates: list[Candidate], make_user: Callable[..., AbstractUser]
) -> None:
    evaluating = make_partner(OTHER_SIRET, "Centre d'examen")
    make_habilitation(evaluating, nature="evaluer", blocks="B1")
    session = _session(version, evaluating)
    enrol(session, [candidates[1].pk], [("B1", ""), ("B2", "")])
    own = make_user(Role.EVALUATOR, partner=evaluating)
    outsider = make_user(Role.EVALUATOR)
    assign_evaluator(session, candidates[1], "B1", "", own)
    with pytest.raises(AssignmentRefused, match="n'est pas évaluateur"):
        assign_evaluator(session, candidates[1], "B1", "", outsider)
    with pytest.raises(AssignmentRefused, match="pas habilité à évaluer B2"):
        assign_evaluator(session, candidates[1], "B2", "", own)
