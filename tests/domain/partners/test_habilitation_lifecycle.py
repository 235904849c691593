"""A habilitation's life cycle: the transitions that exist, what they require, what is refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from certif.domain.partners.habilitations import (
    REASON_REQUIRED,
    TRANSITIONS,
    Action,
    Habilitation,
    HabilitationRefused,
    Nature,
    Scope,
    State,
    Terms,
    allowed_actions,
)
from tests.domain.partners.builders import AUTHOR, CERTIFICATION, END, START, active, blocks, draft

LATER = START + timedelta(days=100)


def in_state(state: State) -> Habilitation:
    """A habilitation whose recorded transitions lead to ``state`` (not expired)."""
    if state is State.DRAFT:
        return draft()
    habilitation = active()
    if state is State.SUSPENDED:
        return habilitation.suspend(LATER, AUTHOR, "audit en cours")
    if state is State.REPEALED:
        return habilitation.repeal(LATER, AUTHOR, "manquement grave")
    if state is State.TERMINATED:
        return habilitation.terminate(LATER, AUTHOR, "demande de l'organisme")
    return habilitation


def test_a_new_habilitation_is_a_draft() -> None:
    habilitation = draft()
    assert habilitation.recorded_state is State.DRAFT
    assert habilitation.state_on(START) is State.DRAFT


def test_an_activated_habilitation_is_active_from_the_effective_date_and_a_draft_before() -> None:
    habilitation = draft().activate(START, AUTHOR)
    assert habilitation.state_on(START) is State.ACTIVE
    assert habilitation.state_on(START - timedelta(days=1)) is State.DRAFT


def test_activation_needs_no_reason() -> None:
    assert draft().activate(START, AUTHOR, "").recorded_state is State.ACTIVE


def test_these_and_only_these_transitions_exist() -> None:
    assert TRANSITIONS == {
        (State.DRAFT, Action.ACTIVATE): State.ACTIVE,
        (State.ACTIVE, Action.SUSPEND): State.SUSPENDED,
        (State.SUSPENDED, Action.REACTIVATE): State.ACTIVE,
        (State.ACTIVE, Action.REPEAL): State.REPEALED,
        (State.SUSPENDED, Action.REPEAL): State.REPEALED,
        (State.ACTIVE, Action.TERMINATE): State.TERMINATED,
        (State.SUSPENDED, Action.TERMINATE): State.TERMINATED,
    }


def test_every_change_but_activation_needs_a_reason() -> None:
    assert set(Action) - REASON_REQUIRED == {Action.ACTIVATE}


@pytest.mark.parametrize(("source", "action"), list(TRANSITIONS))
def test_each_transition_leads_to_its_target_state(source: State, action: Action) -> None:
    changed = in_state(source).apply(action, LATER + timedelta(days=1), AUTHOR, "motif")
    assert changed.recorded_state is TRANSITIONS[(source, action)]
    assert changed.transitions[-1].author == AUTHOR


@pytest.mark.parametrize(("source", "action"), [key for key in TRANSITIONS if key[1].needs_reason])
def test_a_change_without_a_reason_is_refused(source: State, action: Action) -> None:
    with pytest.raises(HabilitationRefused, match="un motif est obligatoire pour"):
        in_state(source).apply(action, LATER + timedelta(days=1), AUTHOR, "  ")


def test_a_change_without_an_author_is_refused() -> None:
    with pytest.raises(HabilitationRefused, match="impossible de la suspendre sans auteur"):
        active().suspend(LATER, " ", "audit")


IMPOSSIBLE = [
    (state, action)
    for state in (State.DRAFT, State.ACTIVE, State.SUSPENDED, State.REPEALED, State.TERMINATED)
    for action in Action
    if (state, action) not in TRANSITIONS
]


@pytest.mark.parametrize(("state", "action"), IMPOSSIBLE)
def test_any_other_change_is_refused_naming_the_state_and_the_change(
    state: State, action: Action
) -> None:
    with pytest.raises(HabilitationRefused) as refused:
        in_state(state).apply(action, LATER + timedelta(days=1), AUTHOR, "motif")
    message = str(refused.value)
    assert f"à l'état « {state.label.fr} »" in message
    assert action.label.fr in message


def test_a_repealed_habilitation_says_no_change_is_possible() -> None:
    with pytest.raises(HabilitationRefused, match="impossible de la réactiver ; aucun changement"):
        in_state(State.REPEALED).reactivate(LATER, AUTHOR, "erreur")


def test_a_refusal_lists_the_changes_that_are_possible() -> None:
    with pytest.raises(
        HabilitationRefused, match="changements possibles : réactiver, abroger, résilier"
    ):
        in_state(State.SUSPENDED).suspend(LATER, AUTHOR, "encore")


def test_allowed_actions_follow_the_transitions() -> None:
    assert allowed_actions(State.ACTIVE) == [Action.SUSPEND, Action.REPEAL, Action.TERMINATE]
    assert allowed_actions(State.TERMINATED) == []


def test_a_change_cannot_take_effect_before_the_previous_one() -> None:
    suspended = active().suspend(LATER, AUTHOR, "audit")
    with pytest.raises(HabilitationRefused, match="avant son dernier changement d'état"):
        suspended.reactivate(LATER - timedelta(days=1), AUTHOR, "audit levé")


def test_a_suspension_then_reactivation_is_replayed_day_by_day() -> None:
    habilitation = (
        active()
        .suspend(LATER, AUTHOR, "audit")
        .reactivate(LATER + timedelta(days=10), AUTHOR, "audit levé")
    )
    assert habilitation.state_on(LATER - timedelta(days=1)) is State.ACTIVE
    assert habilitation.state_on(LATER) is State.SUSPENDED
    assert habilitation.state_on(LATER + timedelta(days=10)) is State.ACTIVE


def test_a_repeal_takes_effect_on_its_effective_date() -> None:
    habilitation = active().repeal(LATER, AUTHOR, "manquement")
    assert habilitation.state_on(LATER - timedelta(days=1)) is State.ACTIVE
    assert habilitation.state_on(LATER) is State.REPEALED
    assert habilitation.state_on(END + timedelta(days=30)) is State.REPEALED


def test_an_active_habilitation_is_expired_the_day_after_its_end_without_any_change() -> None:
    habilitation = active()
    assert habilitation.state_on(END) is State.ACTIVE
    assert habilitation.state_on(END + timedelta(days=1)) is State.EXPIRED
    assert habilitation.recorded_state is State.ACTIVE


def test_a_suspended_habilitation_expires_too() -> None:
    assert in_state(State.SUSPENDED).state_on(END + timedelta(days=1)) is State.EXPIRED


def test_an_expired_habilitation_cannot_be_suspended_or_reactivated() -> None:
    after_end = END + timedelta(days=1)
    with pytest.raises(HabilitationRefused, match=r"à l'état « expirée » .* nouvelle habilitation"):
        active().suspend(after_end, AUTHOR, "trop tard")
    with pytest.raises(HabilitationRefused, match="à l'état « expirée »"):
        in_state(State.SUSPENDED).reactivate(after_end, AUTHOR, "trop tard")


def test_a_habilitation_cannot_be_activated_after_its_end_date() -> None:
    with pytest.raises(
        HabilitationRefused, match=r"impossible de l'activer .* après sa date de fin"
    ):
        draft().activate(END + timedelta(days=1), AUTHOR)


def test_a_habilitation_activated_after_its_start_is_in_force_from_its_activation() -> None:
    habilitation = active(activated_on=LATER)
    assert not habilitation.in_force_on(START)
    assert habilitation.in_force_on(LATER)


def test_a_draft_is_rewritten_by_an_amendment_without_any_record() -> None:
    new_terms = Terms(Nature.PREPARE, blocks("B1"), START, END)
    amended = draft().amend(new_terms, START, AUTHOR, "")
    assert amended.terms == new_terms
    assert amended.amendments == ()


def test_an_amendment_of_a_live_habilitation_is_recorded_and_applies_from_its_date() -> None:
    new_terms = Terms(Nature.PREPARE_AND_EVALUATE, blocks("B1", "B2"), START, END)
    amended = active(scope=blocks("B1")).amend(new_terms, LATER, AUTHOR, "extension au bloc B2")
    assert amended.terms_on(LATER - timedelta(days=1)).scope == blocks("B1")
    assert amended.terms_on(LATER) == new_terms
    assert amended.latest_terms == new_terms


def test_an_amendment_of_a_live_habilitation_needs_a_reason() -> None:
    new_terms = Terms(Nature.PREPARE, Scope.whole(CERTIFICATION), START, END)
    with pytest.raises(HabilitationRefused, match="un motif est obligatoire pour la modifier"):
        active().amend(new_terms, LATER, AUTHOR, "")


def test_an_amendment_cannot_change_the_certification() -> None:
    other = Terms(Nature.PREPARE, Scope.whole("OTHER"), START, END)
    with pytest.raises(HabilitationRefused, match="créez une autre habilitation"):
        active().amend(other, LATER, AUTHOR, "changement")


def test_an_amendment_cannot_end_the_habilitation_before_its_own_effective_date() -> None:
    shortened = Terms(Nature.PREPARE_AND_EVALUATE, Scope.whole(CERTIFICATION), START, LATER)
    with pytest.raises(HabilitationRefused, match="résiliez-la"):
        active().amend(shortened, LATER + timedelta(days=1), AUTHOR, "raccourcir")


def test_an_amendment_that_changes_nothing_is_refused() -> None:
    same = active().terms
    with pytest.raises(HabilitationRefused, match="ne change rien"):
        active().amend(same, LATER, AUTHOR, "rien")


def test_an_ended_habilitation_cannot_be_amended() -> None:
    new_terms = Terms(Nature.PREPARE, Scope.whole(CERTIFICATION), START, END)
    with pytest.raises(
        HabilitationRefused, match=r"à l'état « abrogée » .* impossible de la modifier"
    ):
        in_state(State.REPEALED).amend(new_terms, LATER + timedelta(days=1), AUTHOR, "x")


def test_an_expired_habilitation_cannot_be_extended_by_an_amendment() -> None:
    extended = Terms(
        Nature.PREPARE_AND_EVALUATE, Scope.whole(CERTIFICATION), START, date(2029, 8, 31)
    )
    with pytest.raises(HabilitationRefused, match="à l'état « expirée »"):
        active().amend(extended, END + timedelta(days=1), AUTHOR, "renouvellement")


def test_an_amendment_extending_the_end_date_in_time_delays_expiry() -> None:
    extended_end = date(2029, 8, 31)
    extended = Terms(Nature.PREPARE_AND_EVALUATE, Scope.whole(CERTIFICATION), START, extended_end)
    habilitation = active().amend(extended, LATER, AUTHOR, "prolongation")
    assert habilitation.state_on(END + timedelta(days=1)) is State.ACTIVE
    assert habilitation.state_on(extended_end + timedelta(days=1)) is State.EXPIRED


def test_a_habilitation_needs_a_reference_and_a_partner() -> None:
    with pytest.raises(HabilitationRefused, match="référence"):
        draft(reference=" ")
    with pytest.raises(HabilitationRefused, match="organisme manquant"):
        draft(partner="")
