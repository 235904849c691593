"""The jury confirms or overrides each proposal; an override is justified in writing."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser

from certif.accounts.models import ConflictKind
from certif.accounts.services import declare_conflict
from certif.candidates.models import Candidate
from certif.core.errors import Invalid
from certif.core.models import AuditEvent
from certif.deliberations import services
from certif.deliberations.models import (
    CERTIFICATION,
    Deliberation,
    DeliberationError,
    DeliberationForbidden,
    JuryMember,
    Resolution,
    UnitStatus,
)
from tests.support.deliberations import decision

pytestmark = pytest.mark.django_db

JUSTIFICATION = "Dossier réexaminé par le jury : la pratique professionnelle est attestée."


def test_confirming_takes_the_proposal_as_the_jury_decision(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], member: AbstractUser
) -> None:
    confirmed = services.confirm(decision(deliberation, "C002", "B1"), member)
    assert confirmed.resolution == Resolution.CONFIRMED
    assert confirmed.status == UnitStatus.NOT_VALIDATED
    assert confirmed.decided_by == member
    assert confirmed.decided_at is not None
    assert AuditEvent.objects.filter(action="deliberation.decision_confirmed").count() == 1


def test_an_override_records_the_jury_status_and_its_justification(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], member: AbstractUser
) -> None:
    overridden = services.override(
        decision(deliberation, "C002", "B1"), UnitStatus.VALIDATED, JUSTIFICATION, member
    )
    assert overridden.resolution == Resolution.OVERRIDDEN
    assert (overridden.status, overridden.justification) == (UnitStatus.VALIDATED, JUSTIFICATION)
    assert overridden.proposed_status == UnitStatus.NOT_VALIDATED
    event = AuditEvent.objects.get(action="deliberation.decision_overridden")
    assert event.reason == JUSTIFICATION


@pytest.mark.parametrize("justification", ["", "   ", "parce que"])
def test_an_override_without_a_real_justification_is_refused(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    member: AbstractUser,
    justification: str,
) -> None:
    with pytest.raises(Invalid) as refused:
        services.override(
            decision(deliberation, "C002", "B1"), UnitStatus.VALIDATED, justification, member
        )
    assert "doit être justifiée par écrit" in refused.value.errors["justification"][0]
    assert decision(deliberation, "C002", "B1").resolution == Resolution.PENDING


def test_an_override_to_the_proposed_status_is_refused(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], member: AbstractUser
) -> None:
    with pytest.raises(DeliberationError, match="confirmez-la"):
        services.override(
            decision(deliberation, "C002", "B1"), UnitStatus.NOT_VALIDATED, JUSTIFICATION, member
        )


@pytest.mark.parametrize("status", [UnitStatus.INCOMPLETE, UnitStatus.NOT_ASSESSED])
def test_the_jury_decides_only_validated_or_not_validated(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    member: AbstractUser,
    status: UnitStatus,
) -> None:
    with pytest.raises(Invalid) as refused:
        services.override(decision(deliberation, "C002", "B1"), status, JUSTIFICATION, member)
    assert refused.value.errors["status"] == ["Le jury décide « validé » ou « non validé »."]
    assert decision(deliberation, "C002", "B1").resolution == Resolution.PENDING


def test_a_unit_not_presented_cannot_be_confirmed_there_is_nothing_to_decide(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], member: AbstractUser
) -> None:
    with pytest.raises(DeliberationError, match=r"non présenté.*rien à décider"):
        services.confirm(decision(deliberation, "C002", "B2"), member)
    assert decision(deliberation, "C002", "B2").resolution == Resolution.WITHOUT_DECISION


def test_a_unit_not_presented_cannot_be_overridden_to_validated(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], member: AbstractUser
) -> None:
    with pytest.raises(DeliberationError, match="rien à décider"):
        services.override(
            decision(deliberation, "C002", "B2"), UnitStatus.VALIDATED, JUSTIFICATION, member
        )
    unit = decision(deliberation, "C002", "B2")
    assert (unit.resolution, unit.status) == (Resolution.WITHOUT_DECISION, "")


def test_someone_who_does_not_sit_on_the_jury_cannot_decide(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], staff: AbstractUser
) -> None:
    with pytest.raises(DeliberationForbidden, match="siègent avec leur compte, présents"):
        services.confirm(decision(deliberation, "C002", "B1"), staff)
    assert decision(deliberation, "C002", "B1").resolution == Resolution.PENDING


def test_an_absent_member_cannot_decide(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], member: AbstractUser
) -> None:
    services.set_presence(jury[1], False, None)
    with pytest.raises(DeliberationForbidden, match="siègent avec leur compte, présents"):
        services.confirm(decision(deliberation, "C002", "B1"), member)


def test_the_system_never_decides_for_a_jury(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember]
) -> None:
    with pytest.raises(DeliberationForbidden):
        services.confirm(decision(deliberation, "C002", "B1"), None)
    with pytest.raises(DeliberationForbidden):
        services.confirm_all_pending(deliberation, None)


def test_a_member_linked_to_the_candidate_cannot_decide_on_them(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    member: AbstractUser,
    candidates: list[Candidate],
) -> None:
    declare_conflict(member, candidates[1], ConflictKind.TRAINER)
    with pytest.raises(DeliberationError, match="lien d'intérêt avec le candidat C002"):
        services.confirm(decision(deliberation, "C002", "B1"), member)
    services.confirm(decision(deliberation, "C001", "B1"), member)


def test_a_recused_member_cannot_decide_on_that_candidate(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    member: AbstractUser,
    candidates: list[Candidate],
) -> None:
    services.recuse(jury[1], candidates[1], None, "à sa demande")
    with pytest.raises(DeliberationError, match="récusé"):
        services.override(
            decision(deliberation, "C002", "B1"), UnitStatus.VALIDATED, JUSTIFICATION, member
        )


def test_confirming_a_row_confirms_every_pending_proposal_of_that_candidate(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    member: AbstractUser,
    candidates: list[Candidate],
) -> None:
    services.override(
        decision(deliberation, "C002", "B1"), UnitStatus.VALIDATED, JUSTIFICATION, member
    )
    # C002's other units were not presented: only the certification is left to confirm.
    assert services.confirm_row(deliberation, candidates[1], member) == 1
    assert decision(deliberation, "C002", "B1").resolution == Resolution.OVERRIDDEN
    assert decision(deliberation, "C002", CERTIFICATION).resolution == Resolution.CONFIRMED
    assert decision(deliberation, "C001", "B1").resolution == Resolution.PENDING


def test_confirming_a_row_confirms_the_blocks_then_the_certification_they_give(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    member: AbstractUser,
    candidates: list[Candidate],
) -> None:
    pending = deliberation.decisions.filter(
        candidate=candidates[0], resolution=Resolution.PENDING
    ).count()
    assert services.confirm_row(deliberation, candidates[0], member) == pending
    certification = decision(deliberation, "C001", CERTIFICATION)
    assert (certification.resolution, certification.status) == (
        Resolution.CONFIRMED,
        UnitStatus.VALIDATED,
    )


def test_confirming_everything_leaves_the_candidates_the_actor_is_linked_to(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    president: AbstractUser,
    candidates: list[Candidate],
) -> None:
    declare_conflict(president, candidates[0], ConflictKind.EMPLOYER)
    pending_for_c002 = deliberation.decisions.filter(
        candidate=candidates[1], resolution=Resolution.PENDING
    ).count()
    outcome = services.confirm_all_pending(deliberation, president)
    assert (outcome.confirmed, outcome.skipped) == (pending_for_c002, ["C001"])
    assert decision(deliberation, "C001", "B1").resolution == Resolution.PENDING
    assert decision(deliberation, "C002", "B1").decided_by == president
