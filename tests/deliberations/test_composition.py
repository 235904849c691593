"""The composition check says, in French, every reason the deliberation cannot be closed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AbstractUser

from certif.accounts.models import ConflictKind
from certif.accounts.services import declare_conflict
from certif.candidates.models import Candidate
from certif.core.errors import Invalid
from certif.core.models import AuditEvent
from certif.core.roles import Role
from certif.deliberations import services
from certif.deliberations.checks import check_composition
from certif.deliberations.models import (
    CERTIFICATION,
    Affiliation,
    Decision,
    Deliberation,
    DeliberationError,
    JuryMember,
    MemberRole,
    Resolution,
    UnitStatus,
)
from tests.support.deliberations import decision, seat

pytestmark = pytest.mark.django_db

JUSTIFICATION = "Compétences attestées par l'expérience professionnelle présentée."


def confirm_everything(deliberation: Deliberation, president: AbstractUser) -> None:
    services.confirm_all_pending(deliberation, president)


def test_a_valid_jury_with_every_decision_taken_has_no_problem(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], president: AbstractUser
) -> None:
    confirm_everything(deliberation, president)
    assert check_composition(deliberation) == []


def test_fewer_than_two_members_present_is_reported(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember]
) -> None:
    services.set_presence(jury[1], False, None)
    assert (
        "Le jury doit compter au moins deux membres présents (1 présent(s))."
        in check_composition(deliberation)
    )


def test_an_empty_jury_is_reported(deliberation: Deliberation) -> None:
    problems = check_composition(deliberation)
    assert "Le jury doit compter au moins deux membres présents (0 présent(s))." in problems
    assert "Aucun président ou présidente de jury n'est présent(e)." in problems


def test_too_few_external_members_is_reported(
    deliberation: Deliberation,
    president: AbstractUser,
    member: AbstractUser,
) -> None:
    seat(deliberation, president, MemberRole.PRESIDENT, Affiliation.EXTERNAL)
    seat(deliberation, member, affiliation=Affiliation.INTERNAL)
    seat(deliberation, None, affiliation=Affiliation.INTERNAL, name="Interne Deux")
    assert (
        "Au moins la moitié des membres présents doivent être extérieurs au certificateur "
        "(1 extérieur(s) sur 3 présent(s))." in check_composition(deliberation)
    )


def test_half_of_the_present_members_external_is_enough(
    deliberation: Deliberation, president: AbstractUser, member: AbstractUser
) -> None:
    seat(deliberation, president, MemberRole.PRESIDENT, Affiliation.EXTERNAL)
    seat(deliberation, member, affiliation=Affiliation.INTERNAL)
    assert not [p for p in check_composition(deliberation) if "extérieurs" in p]


def test_no_president_present_is_reported(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember]
) -> None:
    services.set_presence(jury[0], False, None)
    assert "Aucun président ou présidente de jury n'est présent(e)." in check_composition(
        deliberation
    )


def test_two_presidents_present_are_reported_by_name(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember]
) -> None:
    seat(deliberation, None, MemberRole.PRESIDENT, name="Paul Second")
    assert (
        "Un seul président ou une seule présidente doit siéger ; 2 sont présents à ce titre : "
        "Hélène Président, Paul Second." in check_composition(deliberation)
    )


def test_a_member_linked_to_a_candidate_is_reported_with_the_candidate(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    member: AbstractUser,
    candidates: list[Candidate],
) -> None:
    declare_conflict(member, candidates[0], ConflictKind.TRAINER)
    assert (
        "Marc Membre (membre, présent) a un lien d'intérêt avec le candidat C001 DUPONT Marie "
        "(formateur ou formatrice du candidat) : récusez ce membre pour ce candidat, ou "
        "enregistrez son absence." in check_composition(deliberation)
    )


def test_recusing_the_linked_member_for_that_candidate_clears_the_problem(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    member: AbstractUser,
    president: AbstractUser,
    candidates: list[Candidate],
) -> None:
    declare_conflict(member, candidates[0], ConflictKind.TRAINER)
    services.recuse(jury[1], candidates[0], None, "formateur")
    confirm_everything(deliberation, president)
    assert check_composition(deliberation) == []


def test_a_linked_member_who_is_absent_is_no_problem(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    member: AbstractUser,
    candidates: list[Candidate],
) -> None:
    declare_conflict(member, candidates[0], ConflictKind.TRAINER)
    services.set_presence(jury[1], False, None)
    assert not [p for p in check_composition(deliberation) if "lien d'intérêt" in p]


def test_decisions_left_to_take_are_reported_with_the_candidates(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], member: AbstractUser
) -> None:
    services.confirm(decision(deliberation, "C001", "B1"), member)
    # Left: C001's other blocks and certification, C002's B1 and certification — not C002's
    # units without decision.
    left = deliberation.decisions.filter(resolution=Resolution.PENDING).count()
    assert left == 7
    assert (
        f"{left} décision(s) restent à prendre, pour 2 candidat(s) : C001, C002. Chaque "
        "proposition doit être confirmée ou modifiée avant la clôture."
        in check_composition(deliberation)
    )


def test_a_block_changed_after_the_certification_was_confirmed_leaves_it_to_decide_again(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], member: AbstractUser
) -> None:
    services.confirm_all_pending(deliberation, jury[0].user)
    services.override(
        decision(deliberation, "C001", "B2"), UnitStatus.NOT_VALIDATED, JUSTIFICATION, member
    )
    assert (
        "1 décision(s) restent à prendre, pour 1 candidat(s) : C001. Chaque proposition doit "
        "être confirmée ou modifiée avant la clôture." in check_composition(deliberation)
    )
    services.confirm(decision(deliberation, "C001", CERTIFICATION), member)
    assert check_composition(deliberation) == []


def test_a_certification_tampered_to_contradict_its_blocks_is_reported(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], member: AbstractUser
) -> None:
    services.confirm_all_pending(deliberation, jury[0].user)
    # Only a write around the services can do this: the check is a second line of defence.
    Decision.objects.filter(deliberation=deliberation, candidate__numero="C001", unit="B2").update(
        resolution=Resolution.OVERRIDDEN,
        status=UnitStatus.NOT_VALIDATED,
        justification=JUSTIFICATION,
    )
    assert (
        "Candidat C001 : la certification est décidée « validée » alors que B2 n'est pas "
        "validé ; modifiez l'une ou l'autre décision." in check_composition(deliberation)
    )


# -- who sits ----------------------------------------------------------------------------------


def test_an_account_without_a_jury_role_cannot_be_seated(
    deliberation: Deliberation, staff: AbstractUser, make_user: Callable[..., AbstractUser]
) -> None:
    evaluator = make_user(Role.EVALUATOR)
    with pytest.raises(Invalid) as refused:
        seat(deliberation, evaluator)
    assert "n'a pas de rôle de jury" in refused.value.errors["user"][0]
    with pytest.raises(Invalid):
        seat(deliberation, staff)
    assert not deliberation.members.exists()


def test_a_jury_member_without_the_president_role_cannot_preside(
    deliberation: Deliberation, member: AbstractUser
) -> None:
    with pytest.raises(Invalid) as refused:
        seat(deliberation, member, MemberRole.PRESIDENT)
    assert "n'a pas le rôle de président" in refused.value.errors["user"][0]
    assert not deliberation.members.exists()


def test_a_member_without_an_account_may_be_seated_but_never_decides(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember]
) -> None:
    guest = seat(deliberation, None, name="Invitée Sans Compte")
    assert guest.user is None
    assert deliberation.members.count() == 3


def test_an_account_sits_once_on_a_jury(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], member: AbstractUser
) -> None:
    with pytest.raises(DeliberationError, match="siège déjà dans ce jury"):
        seat(deliberation, member)


def test_a_member_who_has_decided_cannot_be_removed_only_marked_absent(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    member: AbstractUser,
    staff: AbstractUser,
) -> None:
    services.confirm(decision(deliberation, "C002", "B1"), member)
    with pytest.raises(DeliberationError, match="enregistrez son absence"):
        services.remove_member(jury[1], staff)
    assert deliberation.members.filter(pk=jury[1].pk).exists()
    services.set_presence(jury[1], False, staff)
    jury[1].refresh_from_db()
    assert jury[1].present is False


def test_a_member_who_has_not_decided_is_removed(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], staff: AbstractUser
) -> None:
    services.remove_member(jury[1], staff)
    assert not deliberation.members.filter(pk=jury[1].pk).exists()
    assert AuditEvent.objects.filter(action="deliberation.member_removed").count() == 1
