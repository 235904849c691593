"""The list owed to France compétences: its changes, their two-month deadline, its rows."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certif.domain.partners.declaration import (
    DUE_SOON_DAYS,
    Change,
    ChangeKind,
    DeclarationError,
    DeclarationStatus,
    add_months,
    all_changes,
    assess,
    assess_all,
    changes_of,
    declaration_deadline,
    declaration_rows,
    outstanding,
)
from certif.domain.partners.habilitations import Habilitation, Nature, State, Terms
from certif.domain.partners.partner import Partner
from certif.domain.partners.siret import parse_siret
from tests.domain.partners.builders import (
    AUTHOR,
    END,
    OTHER_PARTNER,
    PARTNER,
    START,
    active,
    blocks,
    draft,
)

# --- The calendar rule --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changed_on", "deadline"),
    [
        (date(2025, 12, 31), date(2026, 2, 28)),
        (date(2027, 12, 31), date(2028, 2, 29)),
        (date(2025, 12, 30), date(2026, 2, 28)),
        (date(2025, 12, 29), date(2026, 2, 28)),
        (date(2025, 3, 15), date(2025, 5, 15)),
        (date(2025, 10, 31), date(2025, 12, 31)),
        (date(2025, 11, 30), date(2026, 1, 30)),
        (date(2026, 1, 31), date(2026, 3, 31)),
        (date(2025, 6, 6), date(2025, 8, 6)),
    ],
)
def test_the_deadline_is_the_same_day_two_months_later_or_the_last_day_of_that_month(
    changed_on: date, deadline: date
) -> None:
    assert declaration_deadline(changed_on) == deadline


@given(st.dates(max_value=date(9000, 1, 1)), st.integers(0, 24))
def test_adding_months_lands_in_the_right_month_on_the_same_day_or_its_last_day(
    day: date, months: int
) -> None:
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    last_day = calendar.monthrange(result.year, result.month)[1]
    assert result.day == min(day.day, last_day)


@given(st.dates(max_value=date(9000, 1, 1)))
def test_a_deadline_is_always_between_59_and_62_days_after_the_change(day: date) -> None:
    assert 59 <= (declaration_deadline(day) - day).days <= 62


# --- Changes ------------------------------------------------------------------------------

SUSPENDED_ON = date(2026, 1, 10)
REACTIVATED_ON = date(2026, 2, 1)
AMENDED_ON = date(2026, 4, 1)
REPEALED_ON = date(2026, 9, 15)


def eventful() -> Habilitation:
    return (
        active(scope=blocks("B1"))
        .suspend(SUSPENDED_ON, AUTHOR, "audit")
        .reactivate(REACTIVATED_ON, AUTHOR, "audit levé")
        .amend(
            Terms(Nature.PREPARE_AND_EVALUATE, blocks("B1", "B2"), START, END),
            AMENDED_ON,
            AUTHOR,
            "extension au bloc B2",
        )
        .repeal(REPEALED_ON, AUTHOR, "manquement grave")
    )


def test_every_recorded_change_of_a_habilitation_is_a_change_to_declare() -> None:
    kinds = [(c.kind, c.effective_on) for c in changes_of(eventful(), date(2030, 1, 1))]
    assert kinds == [
        (ChangeKind.ACTIVATION, START),
        (ChangeKind.SUSPENSION, SUSPENDED_ON),
        (ChangeKind.REACTIVATION, REACTIVATED_ON),
        (ChangeKind.AMENDMENT, AMENDED_ON),
        (ChangeKind.REPEAL, REPEALED_ON),
    ]


def test_a_draft_has_nothing_to_declare() -> None:
    assert changes_of(draft(), date(2030, 1, 1)) == []


def test_expiry_is_a_change_once_the_end_date_has_passed() -> None:
    habilitation = active()
    assert [c.kind for c in changes_of(habilitation, END)] == [ChangeKind.ACTIVATION]
    expiry = changes_of(habilitation, END + timedelta(days=1))[-1]
    assert (expiry.kind, expiry.effective_on) == (ChangeKind.EXPIRY, END + timedelta(days=1))


def test_a_repealed_habilitation_does_not_also_expire() -> None:
    kinds = [c.kind for c in changes_of(eventful(), date(2030, 1, 1))]
    assert ChangeKind.EXPIRY not in kinds


def test_a_change_recorded_late_keeps_its_effective_date_and_its_recording_date() -> None:
    habilitation = active().suspend(SUSPENDED_ON, AUTHOR, "audit", recorded_on=date(2026, 3, 1))
    suspension = changes_of(habilitation, date(2026, 3, 1))[-1]
    assert suspension.effective_on == SUSPENDED_ON
    assert suspension.recorded_on == date(2026, 3, 1)
    assert suspension.deadline == date(2026, 3, 10)


def test_changes_of_several_habilitations_come_in_date_order() -> None:
    changes = all_changes(
        [active("HAB-2", starts_on=date(2026, 1, 1)), active("HAB-1")], date(2026, 6, 1)
    )
    assert [(c.habilitation, c.effective_on) for c in changes] == [
        ("HAB-1", START),
        ("HAB-2", date(2026, 1, 1)),
    ]


def test_change_kinds_have_french_and_english_labels() -> None:
    assert ChangeKind.REPEAL.label.fr == "abrogation"
    assert ChangeKind.TERMINATION.label.en == "termination"


# --- Declared or not ----------------------------------------------------------------------

CHANGE = Change("HAB-1", ChangeKind.SUSPENSION, date(2026, 1, 10), date(2026, 1, 10))
DEADLINE = date(2026, 3, 10)


def test_a_change_is_declared_by_the_first_export_transmitted_on_or_after_it() -> None:
    result = assess(
        CHANGE, [date(2026, 1, 5), date(2026, 2, 1), date(2026, 2, 20)], date(2026, 3, 1)
    )
    assert result.status is DeclarationStatus.DECLARED
    assert result.declared_on == date(2026, 2, 1)
    assert not result.declared_late


def test_an_export_of_the_day_of_the_change_declares_it() -> None:
    result = assess(CHANGE, [CHANGE.effective_on], CHANGE.effective_on)
    assert result.status is DeclarationStatus.DECLARED


def test_an_export_transmitted_before_the_change_does_not_declare_it() -> None:
    result = assess(CHANGE, [date(2026, 1, 9)], date(2026, 1, 20))
    assert result.status is DeclarationStatus.PENDING


def test_an_export_made_before_a_late_recording_does_not_declare_it() -> None:
    late = Change("HAB-1", ChangeKind.SUSPENSION, date(2026, 1, 10), date(2026, 2, 15))
    result = assess(late, [date(2026, 2, 1)], date(2026, 2, 20))
    assert result.status is DeclarationStatus.PENDING


def test_an_undeclared_change_more_than_15_days_before_its_deadline_is_pending() -> None:
    result = assess(CHANGE, [], DEADLINE - timedelta(days=DUE_SOON_DAYS + 1))
    assert result.status is DeclarationStatus.PENDING
    assert result.days_left == DUE_SOON_DAYS + 1


def test_an_undeclared_change_15_days_before_its_deadline_is_due_soon() -> None:
    result = assess(CHANGE, [], DEADLINE - timedelta(days=DUE_SOON_DAYS))
    assert result.status is DeclarationStatus.DUE_SOON


def test_on_the_deadline_itself_a_change_is_still_due_soon_with_no_day_left() -> None:
    result = assess(CHANGE, [], DEADLINE)
    assert (result.status, result.days_left) == (DeclarationStatus.DUE_SOON, 0)


def test_the_day_after_the_deadline_an_undeclared_change_is_overdue() -> None:
    result = assess(CHANGE, [], DEADLINE + timedelta(days=1))
    assert (result.status, result.days_left) == (DeclarationStatus.OVERDUE, -1)


def test_a_change_declared_after_its_deadline_is_declared_late() -> None:
    result = assess(CHANGE, [DEADLINE + timedelta(days=3)], DEADLINE + timedelta(days=10))
    assert result.status is DeclarationStatus.DECLARED
    assert result.declared_late


def test_a_change_not_in_effect_yet_is_upcoming() -> None:
    future = Change("HAB-1", ChangeKind.REPEAL, date(2026, 6, 1), date(2026, 3, 1))
    result = assess(future, [date(2026, 3, 5)], date(2026, 3, 10))
    assert result.status is DeclarationStatus.UPCOMING
    assert not result.needs_action


def test_exports_dated_after_today_are_ignored() -> None:
    result = assess(CHANGE, [date(2026, 2, 1)], date(2026, 1, 20))
    assert result.status is DeclarationStatus.PENDING


def test_the_outstanding_changes_come_most_urgent_first() -> None:
    changes = [
        Change("HAB-2", ChangeKind.ACTIVATION, date(2026, 2, 1), date(2026, 2, 1)),
        Change("HAB-1", ChangeKind.SUSPENSION, date(2026, 1, 10), date(2026, 1, 10)),
        Change("HAB-3", ChangeKind.AMENDMENT, date(2026, 1, 5), date(2026, 1, 5)),
    ]
    waiting = outstanding(assess_all(changes, [date(2026, 1, 6)], date(2026, 3, 1)))
    assert [(d.change.habilitation, d.status) for d in waiting] == [
        ("HAB-1", DeclarationStatus.DUE_SOON),
        ("HAB-2", DeclarationStatus.PENDING),
    ]


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)), st.integers(0, 200))
def test_an_undeclared_change_is_overdue_exactly_when_today_is_past_its_deadline(
    changed_on: date, days_later: int
) -> None:
    change = Change("HAB-1", ChangeKind.SUSPENSION, changed_on, changed_on)
    today = changed_on + timedelta(days=days_later)
    result = assess(change, [], today)
    assert (result.status is DeclarationStatus.OVERDUE) == (today > change.deadline)


# --- The rows -----------------------------------------------------------------------------

THIRD_PARTNER = "35600000000010"
PARTNERS = {
    PARTNER: Partner(parse_siret(PARTNER), "ÉCOLE DU BOIS"),
    OTHER_PARTNER: Partner(parse_siret(OTHER_PARTNER), "ACADÉMIE ALPHA"),
    THIRD_PARTNER: Partner(parse_siret(THIRD_PARTNER), "ZÉNITH FORMATION"),
}


def test_a_row_gives_siret_name_nature_scope_dates_and_state() -> None:
    [row] = declaration_rows([active(scope=blocks("B2", "B1"))], PARTNERS, date(2026, 1, 1))
    assert (row.siret, row.legal_name, row.reference, row.certification) == (
        PARTNER,
        "ÉCOLE DU BOIS",
        "HAB-1",
        "CCAB",
    )
    assert (row.nature, row.blocks, row.starts_on, row.ends_on, row.state) == (
        Nature.PREPARE_AND_EVALUATE,
        ("B1", "B2"),
        START,
        END,
        State.ACTIVE,
    )
    assert row.france_competences_code == "HABILITATION_ORGA_FORM"


def test_a_whole_certification_row_lists_no_block() -> None:
    [row] = declaration_rows([active()], PARTNERS, date(2026, 1, 1))
    assert row.blocks == ()
    assert row.scope.label.fr == "toute la certification CCAB"


def test_drafts_and_activations_not_yet_in_effect_are_not_in_the_list() -> None:
    future = draft("HAB-2", starts_on=date(2026, 9, 1)).activate(date(2026, 9, 1), AUTHOR)
    assert declaration_rows([draft(), future], PARTNERS, date(2026, 1, 1)) == []


def test_ended_habilitations_stay_in_the_list_with_their_state() -> None:
    rows = declaration_rows(
        [eventful(), active("HAB-2", partner=OTHER_PARTNER)], PARTNERS, date(2030, 1, 1)
    )
    assert [(row.reference, row.state) for row in rows] == [
        ("HAB-2", State.EXPIRED),
        ("HAB-1", State.REPEALED),
    ]


def test_a_row_shows_the_terms_in_force_on_the_day_of_the_list() -> None:
    [before] = declaration_rows([eventful()], PARTNERS, AMENDED_ON - timedelta(days=1))
    [after] = declaration_rows([eventful()], PARTNERS, AMENDED_ON)
    assert (before.blocks, after.blocks) == (("B1",), ("B1", "B2"))


def test_rows_are_sorted_by_partner_name_accents_aside() -> None:
    rows = declaration_rows(
        [
            active("HAB-3", partner=THIRD_PARTNER),
            active("HAB-1"),
            active("HAB-2", partner=OTHER_PARTNER),
        ],
        PARTNERS,
        date(2026, 1, 1),
    )
    assert [row.legal_name for row in rows] == [
        "ACADÉMIE ALPHA",
        "ÉCOLE DU BOIS",
        "ZÉNITH FORMATION",
    ]


def test_a_habilitation_of_an_unknown_partner_stops_the_list() -> None:
    with pytest.raises(DeclarationError, match="organisme 73282932000074 inconnu"):
        declaration_rows([active()], {}, date(2026, 1, 1))
