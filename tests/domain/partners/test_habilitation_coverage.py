"""Coverage: which habilitation, if any, lets a partner prepare for or evaluate a block on a day."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from certif.domain.partners.habilitations import Habilitation, Nature, Need, Terms, covers
from tests.domain.partners.builders import (
    AUTHOR,
    CERTIFICATION,
    END,
    OTHER_PARTNER,
    PARTNER,
    START,
    active,
    blocks,
    draft,
)

block_codes = st.sampled_from(["B1", "B2", "B3", "B10"])
needs = st.sampled_from(Need)
period_days = (END - START).days


def day_in_period(offset: int) -> date:
    return START + timedelta(days=offset)


@given(block_codes, needs, st.integers(0, period_days))
def test_a_whole_certification_habilitation_covers_any_block_on_any_day_of_its_period(
    block: str, need: Need, offset: int
) -> None:
    habilitation = active()
    assert covers([habilitation], PARTNER, CERTIFICATION, block, day_in_period(offset), need) == (
        habilitation
    )


@given(block_codes, needs, st.integers(1, 3000), st.booleans())
def test_no_habilitation_covers_a_day_outside_its_period(
    block: str, need: Need, distance: int, before: bool
) -> None:
    day = START - timedelta(days=distance) if before else END + timedelta(days=distance)
    assert covers([active()], PARTNER, CERTIFICATION, block, day, need) is None


@given(block_codes, needs, st.integers(0, period_days - 1), st.integers(0, 400))
def test_a_suspended_habilitation_never_covers_while_suspended(
    block: str, need: Need, suspended_at: int, into_suspension: int
) -> None:
    suspended_on = day_in_period(suspended_at)
    habilitation = active().suspend(suspended_on, AUTHOR, "audit")
    day = min(suspended_on + timedelta(days=into_suspension), END)
    assert covers([habilitation], PARTNER, CERTIFICATION, block, day, need) is None


@given(needs, st.integers(0, period_days), st.integers(0, period_days))
def test_a_repealed_habilitation_covers_before_its_repeal_and_never_from_it(
    need: Need, repealed_at: int, asked_at: int
) -> None:
    repealed_on = day_in_period(repealed_at)
    habilitation = active().repeal(repealed_on, AUTHOR, "manquement")
    day = day_in_period(asked_at)
    found = covers([habilitation], PARTNER, CERTIFICATION, "B1", day, need)
    assert (found is not None) == (day < repealed_on)


@given(st.integers(0, period_days))
def test_a_habilitation_to_prepare_never_covers_an_evaluation(offset: int) -> None:
    preparing = active(nature=Nature.PREPARE)
    day = day_in_period(offset)
    assert covers([preparing], PARTNER, CERTIFICATION, "B1", day, Need.EVALUATION) is None
    assert covers([preparing], PARTNER, CERTIFICATION, "B1", day, Need.PREPARATION) is preparing


def test_a_block_list_covers_its_blocks_and_neither_other_blocks_nor_the_whole() -> None:
    habilitation = active(scope=blocks("B1", "B2"))
    assert covers([habilitation], PARTNER, CERTIFICATION, "B2", START, Need.EVALUATION)
    assert covers([habilitation], PARTNER, CERTIFICATION, "B3", START, Need.EVALUATION) is None
    assert covers([habilitation], PARTNER, CERTIFICATION, None, START, Need.EVALUATION) is None


def test_the_whole_certification_is_covered_by_a_whole_certification_habilitation() -> None:
    habilitation = active()
    assert covers([habilitation], PARTNER, CERTIFICATION, None, START, Need.PREPARATION)


def test_another_partner_or_another_certification_is_not_covered() -> None:
    habilitation = active()
    assert (
        covers([habilitation], OTHER_PARTNER, CERTIFICATION, "B1", START, Need.PREPARATION) is None
    )
    assert covers([habilitation], PARTNER, "OTHER", "B1", START, Need.PREPARATION) is None


def test_a_draft_never_covers() -> None:
    assert covers([draft()], PARTNER, CERTIFICATION, "B1", START, Need.PREPARATION) is None


def test_an_expired_habilitation_does_not_cover_after_its_end() -> None:
    assert covers([active()], PARTNER, CERTIFICATION, "B1", END, Need.PREPARATION)
    assert (
        covers([active()], PARTNER, CERTIFICATION, "B1", END + timedelta(days=1), Need.PREPARATION)
        is None
    )


def test_coverage_follows_the_terms_in_force_on_the_day_asked() -> None:
    widened_on = date(2026, 3, 1)
    habilitation = active(scope=blocks("B1")).amend(
        Terms(Nature.PREPARE_AND_EVALUATE, blocks("B1", "B2"), START, END),
        widened_on,
        AUTHOR,
        "extension au bloc B2",
    )
    before = widened_on - timedelta(days=1)
    assert covers([habilitation], PARTNER, CERTIFICATION, "B2", before, Need.EVALUATION) is None
    assert covers([habilitation], PARTNER, CERTIFICATION, "B2", widened_on, Need.EVALUATION)


def test_the_covering_habilitation_is_found_among_others() -> None:
    others: list[Habilitation] = [
        active("HAB-1", partner=OTHER_PARTNER),
        active("HAB-2", nature=Nature.PREPARE, scope=blocks("B1")),
        active("HAB-3", nature=Nature.EVALUATE, scope=blocks("B1")),
    ]
    found = covers(others, PARTNER, CERTIFICATION, "B1", START, Need.EVALUATION)
    assert found is not None
    assert found.reference == "HAB-3"
