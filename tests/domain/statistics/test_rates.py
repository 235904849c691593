from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certif.domain.statistics.rates import (
    format_rate,
    is_borderline,
    rate,
    rate_to_string,
    summarise_scores,
)


def test_a_rate_is_the_exact_fraction_of_its_population() -> None:
    assert rate(2, 3) == Fraction(2, 3)


def test_a_rate_over_nobody_is_undefined_rather_than_zero() -> None:
    assert rate(0, 0) is None


def test_a_rate_refuses_more_cases_than_its_population() -> None:
    with pytest.raises(ValueError, match="cannot count more"):
        rate(4, 3)


def test_a_rate_is_written_with_exactly_four_decimals() -> None:
    assert rate_to_string(Fraction(6234, 10000)) == "0.6234"
    assert rate_to_string(Fraction(1)) == "1.0000"
    assert rate_to_string(Fraction(0)) == "0.0000"


def test_a_rate_is_rounded_half_up_at_the_fourth_decimal() -> None:
    assert rate_to_string(Fraction(62345, 100000)) == "0.6235"
    assert rate_to_string(Fraction(2, 3)) == "0.6667"


def test_an_undefined_rate_has_no_machine_form() -> None:
    assert rate_to_string(None) is None


def test_a_rate_reads_in_french_as_a_percentage_with_a_comma() -> None:
    assert format_rate(Fraction(6234, 10000)) == "62,34\u00a0%"


def test_an_undefined_rate_reads_as_a_dash() -> None:
    assert format_rate(None) == "—"


def test_borderline_means_within_one_point_of_the_threshold_on_either_side() -> None:
    assert is_borderline(11, 12)
    assert is_borderline(Fraction(13), 12)
    assert is_borderline(Decimal("12.5"), 12)
    assert not is_borderline(Fraction(1099, 100), 12)
    assert not is_borderline(Fraction(1301, 100), 12)


def test_the_pass_rate_counts_only_the_candidates_assessed() -> None:
    # 4 complete scores (2 of them ≥ 12) and 2 candidates not assessed: 2/4, not 2/6.
    summary = summarise_scores([Fraction(12), 15, Decimal("11.5"), 8, None, None], 12)
    assert (summary.assessed, summary.passed, summary.borderline) == (4, 2, 2)
    assert summary.pass_rate == Fraction(1, 2)
    assert summary.borderline_rate == Fraction(1, 2)


def test_nobody_assessed_gives_an_undefined_pass_rate() -> None:
    assert summarise_scores([None], 12).pass_rate is None


@given(st.integers(0, 500), st.integers(0, 500))
def test_every_rate_lies_between_zero_and_one(count: int, extra: int) -> None:
    value = rate(count, count + extra)
    assert value is None or 0 <= value <= 1


@given(st.lists(st.one_of(st.none(), st.fractions(0, 20, max_denominator=400))))
def test_pass_and_borderline_rates_lie_between_zero_and_one(
    scores: list[Fraction | None],
) -> None:
    summary = summarise_scores(scores, 12)
    for value in (summary.pass_rate, summary.borderline_rate):
        assert value is None or 0 <= value <= 1


@given(st.integers(0, 10_000), st.integers(1, 10_000))
def test_the_percentage_and_the_machine_form_round_at_the_same_digit(
    count: int, extra: int
) -> None:
    value = rate(count, count + extra)
    assert value is not None
    machine = rate_to_string(value)
    assert machine is not None
    percent = Decimal(machine) * 100
    assert format_rate(value) == f"{percent:.2f}".replace(".", ",") + "\u00a0%"


def test_borderline_counts_from_distinct_scores_include_both_bounds() -> None:
    from certif.domain.statistics.rates import count_borderline

    counts: dict[Fraction | Decimal | int, int] = {
        Fraction(11): 2,
        Fraction(13): 1,
        Fraction(1099, 100): 5,
        Fraction(20): 3,
    }
    assert count_borderline(counts, 12) == 3
