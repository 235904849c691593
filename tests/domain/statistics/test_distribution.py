from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certif.domain.statistics.distribution import ScoreBin, score_bins


def test_a_score_on_a_bin_edge_falls_in_the_bin_above() -> None:
    bins = score_bins([Decimal("12.00"), 12, Fraction(276, 23)], maximum=20)
    assert bins[12] == ScoreBin(Fraction(12), Fraction(13), 3)
    assert bins[11].count == 0


def test_the_maximum_falls_in_the_last_bin() -> None:
    bins = score_bins([20, Decimal("19.5")], maximum=20)
    assert len(bins) == 20
    assert bins[-1] == ScoreBin(Fraction(19), Fraction(20), 2, closed=True)


def test_a_width_that_does_not_divide_the_maximum_cuts_the_last_bin() -> None:
    bins = score_bins([23], maximum=23, bin_width=5)
    assert [(b.low, b.high) for b in bins][-1] == (Fraction(20), Fraction(23))
    assert bins[-1].count == 1


def test_a_score_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="between 0 and 20"):
        score_bins([Fraction(-1, 100)])


@given(st.lists(st.fractions(0, 20, max_denominator=100)))
def test_every_score_is_counted_once(scores: list[Fraction]) -> None:
    assert sum(b.count for b in score_bins(scores)) == len(scores)


def test_bins_from_counts_are_the_bins_of_the_scores_they_count() -> None:
    from certif.domain.statistics.distribution import score_bins_from_counts

    scores = [Fraction(23, 2), Fraction(12), Decimal("12.5"), 8, 15, Fraction(20), 8]
    counts: dict[Fraction | Decimal | int, int] = {}
    for score in scores:
        counts[Fraction(score)] = counts.get(Fraction(score), 0) + 1
    assert score_bins_from_counts(counts) == score_bins(scores)
