"""The overlap rule: one partner, two live habilitations, overlapping natures, scopes and days."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certif.domain.partners.habilitations import (
    Habilitation,
    Nature,
    OverlapRefused,
    Scope,
    Terms,
    conflicts,
)
from tests.domain.partners.builders import (
    AUTHOR,
    CERTIFICATION,
    END,
    OTHER_PARTNER,
    START,
    active,
    blocks,
    draft,
)


def test_a_second_habilitation_of_the_same_nature_and_scope_cannot_be_activated() -> None:
    first = active("HAB-1")
    with pytest.raises(OverlapRefused) as refused:
        draft("HAB-2").activate(START, AUTHOR, others=[first])
    message = str(refused.value)
    assert "chevauchement avec l'habilitation HAB-1" in message
    assert "du 01/09/2025 au 31/08/2027" in message
    assert refused.value.conflicts[0].other == "HAB-1"


def test_another_partner_may_hold_the_same_habilitation() -> None:
    first = active("HAB-1")
    second = draft("HAB-2", partner=OTHER_PARTNER).activate(START, AUTHOR, others=[first])
    assert second.in_force_on(START)


def test_preparing_and_evaluating_the_same_blocks_are_two_habilitations_that_do_not_overlap() -> (
    None
):
    preparing = active("HAB-1", nature=Nature.PREPARE)
    evaluating = draft("HAB-2", nature=Nature.EVALUATE).activate(START, AUTHOR, others=[preparing])
    assert evaluating.in_force_on(START)


def test_prepare_and_evaluate_overlaps_a_habilitation_to_prepare() -> None:
    preparing = active("HAB-1", nature=Nature.PREPARE)
    with pytest.raises(OverlapRefused, match="« préparer et évaluer » et « préparer »"):
        draft("HAB-2").activate(START, AUTHOR, others=[preparing])


def test_a_whole_certification_overlaps_a_block_list_of_it() -> None:
    on_blocks = active("HAB-1", scope=blocks("B2"))
    with pytest.raises(OverlapRefused, match=r"toute la certification CCAB.*bloc B2 de CCAB"):
        draft("HAB-2").activate(START, AUTHOR, others=[on_blocks])


def test_disjoint_block_lists_do_not_overlap() -> None:
    first = active("HAB-1", scope=blocks("B1", "B2"))
    second = draft("HAB-2", scope=blocks("B3")).activate(START, AUTHOR, others=[first])
    assert second.in_force_on(START)


def test_periods_sharing_their_last_and_first_day_overlap() -> None:
    first = active("HAB-1", ends_on=date(2026, 6, 30))
    with pytest.raises(OverlapRefused, match="du 30/06/2026 au 30/06/2026"):
        draft("HAB-2", starts_on=date(2026, 6, 30)).activate(
            date(2026, 6, 30), AUTHOR, others=[first]
        )


def test_a_habilitation_starting_the_day_after_the_other_ends_does_not_overlap() -> None:
    first = active("HAB-1", ends_on=date(2026, 6, 30))
    second = draft("HAB-2", starts_on=date(2026, 7, 1)).activate(
        date(2026, 7, 1), AUTHOR, others=[first]
    )
    assert second.in_force_on(date(2026, 7, 1))


def test_a_suspended_habilitation_still_holds_its_scope() -> None:
    suspended = active("HAB-1").suspend(date(2026, 1, 1), AUTHOR, "audit")
    with pytest.raises(OverlapRefused):
        draft("HAB-2", starts_on=date(2026, 2, 1)).activate(
            date(2026, 2, 1), AUTHOR, others=[suspended]
        )


def test_a_repealed_habilitation_frees_its_scope_from_its_effective_date() -> None:
    repealed = active("HAB-1").repeal(date(2026, 3, 1), AUTHOR, "manquement")
    after = draft("HAB-2", starts_on=date(2026, 3, 1)).activate(
        date(2026, 3, 1), AUTHOR, others=[repealed]
    )
    assert after.in_force_on(date(2026, 3, 1))
    with pytest.raises(OverlapRefused, match="du 28/02/2026 au 28/02/2026"):
        draft("HAB-3", starts_on=date(2026, 2, 28)).activate(
            date(2026, 2, 28), AUTHOR, others=[repealed]
        )


def test_a_draft_does_not_hold_its_scope() -> None:
    waiting = draft("HAB-1")
    second = draft("HAB-2").activate(START, AUTHOR, others=[waiting])
    assert second.in_force_on(START)


def test_a_draft_can_be_checked_for_conflicts_before_it_is_activated() -> None:
    first = active("HAB-1", scope=blocks("B1"))
    found = conflicts(draft("HAB-2", scope=blocks("B1", "B4")), [first])
    assert [(conflict.other, conflict.first, conflict.last) for conflict in found] == [
        ("HAB-1", START, END)
    ]


def test_an_amendment_that_widens_the_scope_onto_another_habilitation_is_refused() -> None:
    first = active("HAB-1", scope=blocks("B1"))
    second = active("HAB-2", scope=blocks("B2"))
    widened = Terms(Nature.PREPARE_AND_EVALUATE, blocks("B1", "B2"), START, END)
    with pytest.raises(OverlapRefused, match="HAB-2"):
        first.amend(widened, date(2026, 1, 1), AUTHOR, "extension", others=[second])


def test_a_habilitation_is_never_in_conflict_with_itself() -> None:
    habilitation = active("HAB-1")
    assert conflicts(habilitation, [habilitation]) == []


# --- Properties ------------------------------------------------------------------------------

DAY_ZERO = date(2025, 1, 1)

scopes = st.one_of(
    st.just(Scope.whole(CERTIFICATION)),
    st.sets(st.sampled_from(["B1", "B2", "B3", "B4"]), min_size=1).map(
        lambda codes: Scope.of_blocks(CERTIFICATION, codes)
    ),
)


@st.composite
def live_habilitations(draw: st.DrawFn, reference: str) -> Habilitation:
    start = DAY_ZERO + timedelta(days=draw(st.integers(0, 1000)))
    end = start + timedelta(days=draw(st.integers(0, 1000)))
    return active(
        reference,
        nature=draw(st.sampled_from(Nature)),
        scope=draw(scopes),
        starts_on=start,
        ends_on=end,
    )


@given(live_habilitations("HAB-1"), live_habilitations("HAB-2"))
def test_conflicts_are_found_exactly_when_the_terms_overlap(
    first: Habilitation, second: Habilitation
) -> None:
    assert bool(conflicts(first, [second])) == first.terms.overlaps(second.terms)


@given(live_habilitations("HAB-1"), live_habilitations("HAB-2"))
def test_the_overlap_rule_is_symmetric(first: Habilitation, second: Habilitation) -> None:
    assert bool(conflicts(first, [second])) == bool(conflicts(second, [first]))
