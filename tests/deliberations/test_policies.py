"""Who governs a jury (rule 8 of issue 11), at the services, whatever door is used.

A role × jury matrix: every management act, for a president seated on this jury, a president
seated on none, a seated member, a seated member recused for the candidate concerned, and a
gestionnaire. An act refused raises ``DeliberationForbidden``, leaves an ``access.refused``
entry in the journal naming the person, and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser

from certif.candidates.models import Candidate
from certif.core.models import AuditEvent
from certif.core.roles import Role
from certif.deliberations import services
from certif.deliberations.models import (
    CERTIFICATION,
    Deliberation,
    DeliberationForbidden,
    JuryMember,
    MemberRole,
    Recusal,
    Resolution,
    UnitStatus,
)
from certif.domain.referential.schema import Referential
from tests.support.builders import score_rows
from tests.support.deliberations import (
    DECEMBER,
    DECEMBER_DAYS,
    closed,
    decision,
    held,
    import_rows,
    seat,
    threshold,
)

pytestmark = pytest.mark.django_db

REFUSED = "access.refused"
JUSTIFICATION = "Le jury retient l'expérience professionnelle attestée par le dossier."
REASON = "Erreur matérielle relevée dans la saisie des notes de B1."

SEATED_PRESIDENT = "seated_president"
UNSEATED_PRESIDENT = "unseated_president"
MEMBER = "member"
RECUSED_MEMBER = "recused_member"
STAFF = "gestionnaire"
ACTORS = [SEATED_PRESIDENT, UNSEATED_PRESIDENT, MEMBER, RECUSED_MEMBER, STAFF]


@dataclass
class World:
    """The June deliberation, its jury, and the people around it."""

    deliberation: Deliberation
    people: dict[str, AbstractUser]
    # Seated with no account: the one whose seat the acts on members change.
    guest: JuryMember
    # The recused member's recusal, for C002.
    recusal: Recusal
    candidates: list[Candidate]
    ccab: Referential
    tmp_path: Path


@pytest.fixture
def world(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    president: AbstractUser,
    member: AbstractUser,
    staff: AbstractUser,
    make_user: Callable[..., AbstractUser],
    candidates: list[Candidate],
    ccab: Referential,
    tmp_path: Path,
) -> World:
    recused = make_user(Role.JURY_MEMBER)
    recused_seat = seat(deliberation, recused, name="Rémi Récusé")
    recusal = services.recuse(recused_seat, candidates[1], None, "ancien employeur")
    guest = seat(deliberation, None, name="Invitée Sans Compte")
    people = {
        SEATED_PRESIDENT: president,
        UNSEATED_PRESIDENT: make_user(Role.JURY_PRESIDENT),
        MEMBER: member,
        RECUSED_MEMBER: recused,
        STAFF: staff,
    }
    return World(deliberation, people, guest, recusal, candidates, ccab, tmp_path)


# Each act, done by ``actor`` on the world (its preconditions set up by the system or by the
# people entitled to them, before).


def add_member(world: World, actor: AbstractUser) -> None:
    services.record_member(
        world.deliberation,
        actor,
        full_name="Nouvelle Membre",
        role=MemberRole.MEMBER,
        affiliation="external",
    )


def presence(world: World, actor: AbstractUser) -> None:
    services.set_presence(world.guest, False, actor)


def remove_member(world: World, actor: AbstractUser) -> None:
    services.remove_member(world.guest, actor)


def recuse(world: World, actor: AbstractUser) -> None:
    services.recuse(world.guest, world.candidates[0], actor, "lien familial")


def lift_recusal(world: World, actor: AbstractUser) -> None:
    services.withdraw_recusal(world.recusal, actor)


def confirm(world: World, actor: AbstractUser) -> None:
    services.confirm(decision(world.deliberation, "C002", "B1"), actor)


def override(world: World, actor: AbstractUser) -> None:
    services.override(
        decision(world.deliberation, "C002", "B1"), UnitStatus.VALIDATED, JUSTIFICATION, actor
    )


def confirm_all(world: World, actor: AbstractUser) -> None:
    services.confirm_all_pending(world.deliberation, actor)


def everything_decided(world: World) -> None:
    services.confirm_all_pending(world.deliberation, world.people[SEATED_PRESIDENT])


def close(world: World, actor: AbstractUser) -> None:
    services.close_deliberation(world.deliberation, actor)


def closed_by_its_president(world: World) -> None:
    closed(world.deliberation, world.people[SEATED_PRESIDENT])


def publish(world: World, actor: AbstractUser) -> None:
    services.publish_results(world.deliberation, actor)


def december_graded(world: World) -> None:
    rows = score_rows(world.ccab, "C002", "B2", threshold(world.ccab, "B2"), DECEMBER)
    import_rows(world.tmp_path, rows, "decembre.csv")
    held(DECEMBER, *DECEMBER_DAYS)


def open_december(world: World, actor: AbstractUser) -> None:
    session = held(DECEMBER, *DECEMBER_DAYS)
    services.open_deliberation(session, actor, DECEMBER_DAYS[1], "Paris")


def amend(world: World, actor: AbstractUser) -> None:
    services.open_amendment(
        world.deliberation.session,
        actor,
        REASON,
        world.candidates[1:],
        date=date(2026, 9, 15),
    )


def nothing(world: World) -> None:
    pass


GOVERNORS = {SEATED_PRESIDENT, STAFF}
# Any seated, present member decides — not on a candidate they are recused for (C002).
DECIDERS = {SEATED_PRESIDENT, MEMBER}

# act: (before, the act, who may)
ACTS: dict[str, tuple[Callable[[World], None], Callable[[World, AbstractUser], None], set[str]]] = {
    "add member": (nothing, add_member, GOVERNORS),
    "presence": (nothing, presence, GOVERNORS),
    "remove member": (nothing, remove_member, GOVERNORS),
    "recuse": (nothing, recuse, GOVERNORS),
    "lift recusal": (nothing, lift_recusal, GOVERNORS),
    "confirm": (nothing, confirm, DECIDERS),
    "override": (nothing, override, DECIDERS),
    # Every seated, present member; the recused one confirms all but C002.
    "confirm all": (nothing, confirm_all, {SEATED_PRESIDENT, MEMBER, RECUSED_MEMBER}),
    "close": (everything_decided, close, {SEATED_PRESIDENT}),
    "publish": (closed_by_its_president, publish, {STAFF}),
    "open": (december_graded, open_december, {STAFF}),
    "amend": (closed_by_its_president, amend, {STAFF}),
}


def journal_of_acts() -> int:
    """The entries of everything done (a refusal is journalled, but does nothing)."""
    return AuditEvent.objects.exclude(action=REFUSED).count()


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("act", list(ACTS))
def test_the_role_and_jury_matrix_of_every_management_act(
    world: World, act: str, actor: str
) -> None:
    before, do, allowed = ACTS[act]
    before(world)
    person = world.people[actor]
    done_before = journal_of_acts()
    if actor in allowed:
        do(world, person)
        assert not AuditEvent.objects.filter(action=REFUSED).exists()
        assert journal_of_acts() > done_before
    else:
        with pytest.raises(DeliberationForbidden) as refused:
            do(world, person)
        entry = AuditEvent.objects.get(action=REFUSED)
        assert entry.actor == person
        assert entry.after["message"] == str(refused.value)
        assert entry.after["rule"].startswith("may_")
        assert journal_of_acts() == done_before


# -- the cases of the issue -------------------------------------------------------------------


def test_a_president_seated_on_no_jury_cannot_seat_herself_as_president_of_another(
    world: World,
) -> None:
    intruder = world.people[UNSEATED_PRESIDENT]
    with pytest.raises(DeliberationForbidden, match="qui siège dans ce jury"):
        services.record_member(
            world.deliberation,
            intruder,
            full_name="Présidente Intruse",
            role=MemberRole.PRESIDENT,
            affiliation="external",
            user=intruder,
        )
    assert not world.deliberation.members.filter(user=intruder).exists()
    assert AuditEvent.objects.get(action=REFUSED).after["rule"] == "may_govern"


def test_a_president_seated_on_no_jury_cannot_mark_the_real_president_absent(
    world: World, jury: tuple[JuryMember, JuryMember]
) -> None:
    with pytest.raises(DeliberationForbidden):
        services.set_presence(jury[0], False, world.people[UNSEATED_PRESIDENT])
    jury[0].refresh_from_db()
    assert jury[0].present is True


def test_a_recused_president_cannot_lift_her_own_recusal_nor_then_decide_on_that_candidate(
    world: World, jury: tuple[JuryMember, JuryMember]
) -> None:
    president = world.people[SEATED_PRESIDENT]
    c002 = world.candidates[1]
    own = services.recuse(jury[0], c002, president, "candidate de son cabinet")
    with pytest.raises(DeliberationForbidden, match="quand ce n'est pas la sienne"):
        services.withdraw_recusal(own, president)
    assert Recusal.objects.filter(pk=own.pk).exists()
    assert AuditEvent.objects.get(action=REFUSED).after["rule"] == "may_lift"
    with pytest.raises(DeliberationForbidden, match="récusé"):
        services.confirm(decision(world.deliberation, "C002", "B1"), president)
    with pytest.raises(DeliberationForbidden, match="récusé"):
        services.confirm_row(world.deliberation, c002, president)
    outcome = services.confirm_all_pending(world.deliberation, president)
    assert outcome.skipped == ["C002"]
    assert decision(world.deliberation, "C002", "B1").resolution == Resolution.PENDING
    assert decision(world.deliberation, "C002", CERTIFICATION).resolution == Resolution.PENDING


def test_a_gestionnaire_lifts_the_presidents_recusal_and_she_may_then_decide(
    world: World, jury: tuple[JuryMember, JuryMember]
) -> None:
    president = world.people[SEATED_PRESIDENT]
    own = services.recuse(jury[0], world.candidates[1], president, "à sa demande")
    services.withdraw_recusal(own, world.people[STAFF])
    confirmed = services.confirm(decision(world.deliberation, "C002", "B1"), president)
    assert confirmed.decided_by == president


def test_the_seated_president_lifts_the_recusal_of_a_member(world: World) -> None:
    services.withdraw_recusal(world.recusal, world.people[SEATED_PRESIDENT])
    assert not Recusal.objects.filter(pk=world.recusal.pk).exists()
    confirmed = services.confirm(
        decision(world.deliberation, "C002", "B1"), world.people[RECUSED_MEMBER]
    )
    assert confirmed.resolution == Resolution.CONFIRMED


def test_a_member_may_recuse_themselves(world: World, jury: tuple[JuryMember, JuryMember]) -> None:
    member = world.people[MEMBER]
    services.recuse(jury[1], world.candidates[0], member, "ancien collègue")
    assert Recusal.objects.filter(member=jury[1], candidate=world.candidates[0]).exists()
    with pytest.raises(DeliberationForbidden, match="récusé"):
        services.confirm(decision(world.deliberation, "C001", "B1"), member)


def test_a_member_cannot_recuse_another_member(
    world: World, jury: tuple[JuryMember, JuryMember]
) -> None:
    with pytest.raises(DeliberationForbidden):
        services.recuse(jury[0], world.candidates[0], world.people[MEMBER], "pour voir")
    assert not Recusal.objects.filter(member=jury[0]).exists()


def test_a_recused_member_confirming_all_leaves_the_candidate_to_the_others(
    world: World,
) -> None:
    outcome = services.confirm_all_pending(world.deliberation, world.people[RECUSED_MEMBER])
    assert outcome.skipped == ["C002"]
    assert decision(world.deliberation, "C001", CERTIFICATION).resolution == Resolution.CONFIRMED
    assert decision(world.deliberation, "C002", "B1").resolution == Resolution.PENDING


def test_a_seated_president_marked_absent_no_longer_governs_the_jury(
    world: World, jury: tuple[JuryMember, JuryMember]
) -> None:
    services.set_presence(jury[0], False, world.people[STAFF])
    with pytest.raises(DeliberationForbidden):
        services.set_presence(world.guest, False, world.people[SEATED_PRESIDENT])
    with pytest.raises(DeliberationForbidden):
        services.confirm(decision(world.deliberation, "C001", "B1"), world.people[SEATED_PRESIDENT])
