from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certif.domain.numbers import (
    PointsSyntaxError,
    format_quantity,
    format_score,
    parse_points,
    round_half_up,
)


def test_scores_are_shown_with_two_decimals_and_a_comma() -> None:
    assert format_score(12) == "12,00"


def test_a_half_hundredth_is_rounded_up() -> None:
    assert round_half_up(Fraction("11.955")) == Decimal("11.96")
    assert round_half_up(Fraction("11.945")) == Decimal("11.95")


def test_raw_13_75_on_23_shows_as_11_96() -> None:
    assert format_score(Fraction("13.75") * 20 / 23) == "11,96"


def test_missing_score_shows_as_a_dash() -> None:
    assert format_score(None) == "—"


def test_thresholds_print_without_needless_decimals() -> None:
    assert format_quantity(Decimal("12.00")) == "12"
    assert format_quantity(Fraction("13.8")) == "13,8"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("2,5", "2.5"), ("2.5", "2.5"), (" 3 ", "3"), ("0,25", "0.25"), ("4,", "4")],
)
def test_points_accept_a_comma_or_a_point(typed: str, expected: str) -> None:
    assert parse_points(typed) == Decimal(expected)


@pytest.mark.parametrize("typed", ["", "abc", "-1", "2,555", "1e3", "2 5"])
def test_points_refuse_what_is_not_a_small_positive_number(typed: str) -> None:
    with pytest.raises(PointsSyntaxError):
        parse_points(typed)


@given(st.integers(0, 10_000))
def test_parsed_points_round_trip_through_french_display(cents: int) -> None:
    value = Decimal(cents) / 100
    assert parse_points(format_score(value)) == value


@given(
    numerator=st.integers(min_value=-(10**12), max_value=10**12),
    denominator=st.integers(min_value=1, max_value=10**6),
    places=st.integers(min_value=0, max_value=4),
)
def test_rounding_half_up_is_the_nearest_with_halves_away_from_zero(
    numerator: int, denominator: int, places: int
) -> None:
    exact = Fraction(numerator, denominator)
    rounded = Fraction(round_half_up(exact, places))
    step = Fraction(1, 10**places)
    assert abs(rounded - exact) <= step / 2
    if abs(rounded - exact) == step / 2:
        assert abs(rounded) > abs(exact)


@given(
    st.decimals(
        allow_nan=False, allow_infinity=False, places=4, max_value=10**6, min_value=-(10**6)
    )
)
def test_rounding_a_decimal_agrees_with_decimal_half_up(value: Decimal) -> None:
    assert round_half_up(value, 2) == value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
