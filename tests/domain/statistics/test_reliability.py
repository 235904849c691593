from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certif.domain.numbers import round_half_up
from certif.domain.statistics.reliability import (
    Mark,
    Metric,
    Value,
    bootstrap_alpha_interval,
    evaluator_severity,
    krippendorff_alpha,
    reliability,
    reliability_matrix,
)

# Krippendorff (2011), « Computing Krippendorff's Alpha-Reliability », section on missing
# data: 4 observers (A–D) × 12 units; unit 12 has a single value and is not pairable.
_ = None
KRIPPENDORFF_EXAMPLE: list[list[Value | None]] = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],  # observer A
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],  # observer B
    [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],  # observer C
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],  # observer D
]


@pytest.mark.parametrize(
    ("metric", "published"),
    [
        (Metric.NOMINAL, "0.743"),
        (Metric.ORDINAL, "0.815"),
        (Metric.INTERVAL, "0.849"),
        (Metric.RATIO, "0.797"),
    ],
)
def test_the_published_worked_example_gives_the_published_alphas(
    metric: Metric, published: str
) -> None:
    alpha = krippendorff_alpha(KRIPPENDORFF_EXAMPLE, metric)
    assert alpha is not None
    assert round_half_up(alpha, 3) == Decimal(published)


def test_the_nominal_alpha_of_the_example_is_exact() -> None:
    # 40 pairable values, 8 of the coincidences disagree: D_o = 8/40 = 1/5; by the value counts
    # D_e = 152/195; alpha = 1 - (1/5) / (152/195) = 1 - 39/152 = 113/152 ≈ 0.743.
    result = reliability(KRIPPENDORFF_EXAMPLE, Metric.NOMINAL)
    assert result.observed_disagreement == Fraction(1, 5)
    assert result.expected_disagreement == Fraction(152, 195)
    assert result.alpha == Fraction(113, 152)


def test_a_unit_with_a_single_value_is_not_pairable() -> None:
    result = reliability(KRIPPENDORFF_EXAMPLE, Metric.INTERVAL)
    assert (result.pairable_units, result.pairable_values) == (11, 40)


def test_values_may_be_decimals_or_booleans() -> None:
    as_decimals = [[None if v is None else Decimal(v) for v in row] for row in KRIPPENDORFF_EXAMPLE]
    assert krippendorff_alpha(as_decimals, Metric.INTERVAL) == krippendorff_alpha(
        KRIPPENDORFF_EXAMPLE, Metric.INTERVAL
    )
    # Two markers agreeing on 3 pass/fail decisions out of 4.
    booleans: list[list[Value | None]] = [[True, False, True, True], [True, False, False, True]]
    assert krippendorff_alpha(booleans, Metric.NOMINAL) == Fraction(8, 15)


def test_alpha_is_undefined_without_any_pairable_unit() -> None:
    assert krippendorff_alpha([[1, None], [None, 2]], Metric.NOMINAL) is None


def test_alpha_is_undefined_when_every_value_is_the_same() -> None:
    assert krippendorff_alpha([[3, 3], [3, 3]], Metric.INTERVAL) is None


def test_rows_of_different_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="one cell per unit"):
        krippendorff_alpha([[1, 2], [1]], Metric.NOMINAL)


def test_ratio_data_refuse_negative_values() -> None:
    with pytest.raises(ValueError, match="negative"):
        krippendorff_alpha([[-1, 2], [1, 2]], Metric.RATIO)


def _matrix_with_agreement(units: list[int], observers: int) -> list[list[Value | None]]:
    return [list(units) for _ in range(observers)]


@given(
    st.lists(st.integers(0, 20), min_size=2, max_size=30).filter(lambda u: len(set(u)) > 1),
    st.integers(2, 5),
    st.sampled_from(list(Metric)),
)
def test_perfect_agreement_gives_an_alpha_of_one(
    units: list[int], observers: int, metric: Metric
) -> None:
    assert krippendorff_alpha(_matrix_with_agreement(units, observers), metric) == 1


@given(
    st.lists(
        st.lists(st.one_of(st.none(), st.integers(0, 4)), min_size=8, max_size=8),
        min_size=2,
        max_size=4,
    ),
    st.permutations(range(5)),
)
def test_nominal_alpha_does_not_depend_on_the_labels(
    data: list[list[int | None]], relabelling: list[int]
) -> None:
    relabelled: list[list[Value | None]] = [
        [None if v is None else relabelling[v] + 100 for v in row] for row in data
    ]
    original: list[list[Value | None]] = [list(row) for row in data]
    assert krippendorff_alpha(relabelled, Metric.NOMINAL) == krippendorff_alpha(
        original, Metric.NOMINAL
    )


@given(
    st.lists(
        st.lists(st.one_of(st.none(), st.integers(0, 6)), min_size=6, max_size=6),
        min_size=2,
        max_size=3,
    ),
    st.sampled_from(list(Metric)),
)
def test_alpha_never_exceeds_one(data: list[list[int | None]], metric: Metric) -> None:
    alpha = krippendorff_alpha([list(row) for row in data], metric)
    assert alpha is None or alpha <= 1


def test_the_bootstrap_gives_the_same_interval_for_the_same_seed() -> None:
    first = bootstrap_alpha_interval(KRIPPENDORFF_EXAMPLE, Metric.INTERVAL, draws=200, seed=7)
    again = bootstrap_alpha_interval(KRIPPENDORFF_EXAMPLE, Metric.INTERVAL, draws=200, seed=7)
    assert first == again


def test_the_bootstrap_interval_is_ordered_and_contains_the_estimate() -> None:
    interval = bootstrap_alpha_interval(KRIPPENDORFF_EXAMPLE, Metric.INTERVAL, draws=300)
    alpha = krippendorff_alpha(KRIPPENDORFF_EXAMPLE, Metric.INTERVAL)
    assert interval is not None
    assert alpha is not None
    low, high = interval
    assert low <= alpha <= high <= 1


def test_a_narrower_confidence_level_gives_a_narrower_interval() -> None:
    wide = bootstrap_alpha_interval(KRIPPENDORFF_EXAMPLE, Metric.NOMINAL, draws=300, seed=1)
    narrow = bootstrap_alpha_interval(
        KRIPPENDORFF_EXAMPLE, Metric.NOMINAL, draws=300, seed=1, confidence=Fraction(1, 2)
    )
    assert wide is not None
    assert narrow is not None
    assert wide[0] <= narrow[0] <= narrow[1] <= wide[1]


def test_the_bootstrap_has_no_interval_without_pairable_units() -> None:
    assert bootstrap_alpha_interval([[1, None], [None, 1]], Metric.NOMINAL) is None


def test_the_bootstrap_refuses_zero_draws() -> None:
    with pytest.raises(ValueError, match="at least one draw"):
        bootstrap_alpha_interval(KRIPPENDORFF_EXAMPLE, Metric.NOMINAL, draws=0)


DOUBLE_MARKED = [
    Mark("c1-B1", "alice", Fraction(12)),
    Mark("c1-B1", "bruno", Fraction(14)),
    Mark("c2-B1", "alice", Decimal("10.5")),
    Mark("c2-B1", "bruno", 11),
    Mark("c3-B1", "alice", 15),
    Mark("c3-B1", "chloe", 15),
    Mark("c4-B1", "chloe", 9),  # marked once: says nothing about severity
]


def test_severity_is_the_mean_deviation_from_the_other_marker() -> None:
    # alice: 12 - 14 = -2, 10.5 - 11 = -1/2, 15 - 15 = 0 → mean -5/6 over 3 sheets.
    # bruno: +2, +1/2 → 5/4 over 2 sheets. chloe: 0 over 1 sheet (c4 is single-marked).
    severities = {
        s.evaluator: (s.sheets, s.mean_deviation) for s in evaluator_severity(DOUBLE_MARKED)
    }
    assert severities == {
        "alice": (3, Fraction(-5, 6)),
        "bruno": (2, Fraction(5, 4)),
        "chloe": (1, Fraction(0)),
    }


def test_with_three_markers_each_is_compared_with_the_mean_of_the_others() -> None:
    marks = [Mark("u", "a", 10), Mark("u", "b", 12), Mark("u", "c", 17)]
    # a: 10 - (12 + 17)/2 = -9/2; b: 12 - 27/2 = -3/2; c: 17 - 11 = 6.
    assert [s.mean_deviation for s in evaluator_severity(marks)] == [
        Fraction(-9, 2),
        Fraction(-3, 2),
        Fraction(6),
    ]


def test_an_evaluator_marking_a_unit_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="more than once"):
        evaluator_severity([Mark("u", "a", 10), Mark("u", "a", 11)])


def test_marks_are_laid_out_as_evaluators_by_units() -> None:
    matrix = reliability_matrix(DOUBLE_MARKED)
    assert matrix.evaluators == ("alice", "bruno", "chloe")
    assert matrix.units == ("c1-B1", "c2-B1", "c3-B1", "c4-B1")
    assert matrix.values[1] == (Fraction(14), 11, None, None)
    assert krippendorff_alpha(matrix.values, Metric.INTERVAL) is not None
