"""Inter-rater reliability: Krippendorff's alpha, exactly, its bootstrap, and evaluator severity.

Krippendorff's alpha follows « Computing Krippendorff's Alpha-Reliability » (K. Krippendorff,
2011, https://repository.upenn.edu/asc_papers/43): from a reliability data matrix (one row
per observer, one column per unit, None where an observer gave no value) build the
coincidence matrix of the *pairable* values, then

    alpha = 1 - D_o / D_e = 1 - (n - 1) * Σ o_ck δ²_ck / Σ n_c n_k δ²_ck

where ``o_ck`` counts the c–k pairs within units (each unit of m_u values weighing
1 / (m_u - 1)), ``n_c`` the pairable values equal to c, ``n`` all pairable values, and δ² the
metric's difference function. A unit with fewer than two values holds no pair: it is left
out. Every step is a ``Fraction``, so the published worked example comes out to the digit.

alpha is *undefined* (None) when no unit is pairable or when all pairable values are equal
(D_e = 0: nothing could have been told apart, agreement proves nothing).
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

Value = Fraction | Decimal | int
"""A value an observer recorded (``bool`` is an ``int``: False → 0, True → 1); None is missing."""

Pair = tuple[Fraction, Fraction]


class Metric(StrEnum):
    """Level of measurement, which decides how different two values are (δ²)."""

    NOMINAL = "nominal"  # categories: equal or not
    ORDINAL = "ordinal"  # ranks: how many values lie between
    INTERVAL = "interval"  # scores: squared difference
    RATIO = "ratio"  # amounts from a true zero: relative squared difference


@dataclass(frozen=True, slots=True)
class Reliability:
    """alpha with what it was computed from, for a page to show next to it."""

    alpha: Fraction | None
    observed_disagreement: Fraction | None
    expected_disagreement: Fraction | None
    pairable_units: int
    pairable_values: int


@dataclass(frozen=True, slots=True)
class _UnitPairs:
    """One pairable unit's ordered pairs of values, as integer counts over ``m_u - 1``."""

    weight_denominator: int
    pairs: Mapping[Pair, int]
    values: int


def _exact(value: Value) -> Fraction:
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"a recorded value must be a finite number, not {value}")
    return Fraction(value)


def _columns(data: Sequence[Sequence[Value | None]]) -> list[list[Fraction]]:
    """Transpose observers × units into units, keeping only the values given."""
    widths = {len(row) for row in data}
    if len(widths) > 1:
        raise ValueError("every observer's row must have one cell per unit")
    width = widths.pop() if widths else 0
    return [
        [_exact(value) for row in data if (value := row[unit]) is not None] for unit in range(width)
    ]


def _unit_pairs(values: Sequence[Fraction]) -> _UnitPairs | None:
    """The unit's ordered pairs (c, k) from different observers; None if it holds no pair."""
    if len(values) < 2:
        return None
    counts = Counter(values)
    pairs: dict[Pair, int] = {}
    for c, n_c in counts.items():
        for k, n_k in counts.items():
            # Ordered pairs of *different* observers: a value is never paired with itself.
            number = n_c * (n_c - 1) if c == k else n_c * n_k
            if number:
                pairs[(c, k)] = number
    return _UnitPairs(weight_denominator=len(values) - 1, pairs=pairs, values=len(values))


def _pairable_units(data: Sequence[Sequence[Value | None]], metric: Metric) -> list[_UnitPairs]:
    units = [pairs for column in _columns(data) if (pairs := _unit_pairs(column)) is not None]
    if metric is Metric.RATIO and any(c < 0 for unit in units for c, _ in unit.pairs):
        raise ValueError("ratio data are amounts from a true zero: no value may be negative")
    return units


def _coincidences(units: Iterable[_UnitPairs]) -> dict[Pair, Fraction]:
    """Sum the units' pairs, grouping by weight so that most additions stay integer."""
    by_weight: dict[int, Counter[Pair]] = defaultdict(Counter)
    for unit in units:
        by_weight[unit.weight_denominator].update(unit.pairs)
    coincidences: dict[Pair, Fraction] = defaultdict(Fraction)
    for denominator, pairs in by_weight.items():
        for pair, number in pairs.items():
            coincidences[pair] += Fraction(number, denominator)
    return coincidences


def _difference(metric: Metric, marginals: Mapping[Fraction, Fraction]) -> dict[Pair, Fraction]:
    """δ²_ck for every pair of distinct values that occur (δ²_cc is 0 for every metric)."""
    ordered = sorted(marginals)
    # Ordinal ranks are the marginals accumulated in value order: cumulative[i] = Σ n_g, g ≤ i.
    cumulative = [Fraction(0)]
    for value in ordered:
        cumulative.append(cumulative[-1] + marginals[value])
    delta: dict[Pair, Fraction] = {}
    for i, c in enumerate(ordered):
        for j in range(i + 1, len(ordered)):
            k = ordered[j]
            if metric is Metric.NOMINAL:
                d = Fraction(1)
            elif metric is Metric.ORDINAL:
                between = cumulative[j + 1] - cumulative[i]
                d = (between - (marginals[c] + marginals[k]) / 2) ** 2
            elif metric is Metric.INTERVAL:
                d = (c - k) ** 2
            else:  # RATIO; c + k > 0 since values are not negative and c < k
                d = ((c - k) / (c + k)) ** 2
            delta[(c, k)] = delta[(k, c)] = d
    return delta


def _reliability(units: Sequence[_UnitPairs], metric: Metric) -> Reliability:
    coincidences = _coincidences(units)
    marginals: dict[Fraction, Fraction] = defaultdict(Fraction)
    for (c, _), o_ck in coincidences.items():
        marginals[c] += o_ck
    n = sum(marginals.values(), Fraction(0))
    delta = _difference(metric, marginals)
    observed_sum = sum(
        (o_ck * delta.get(pair, Fraction(0)) for pair, o_ck in coincidences.items()), Fraction(0)
    )
    expected_sum = sum(
        (marginals[c] * marginals[k] * d for (c, k), d in delta.items()), Fraction(0)
    )
    pairable_values = sum(unit.values for unit in units)
    if not units or expected_sum == 0:
        return Reliability(None, None, None, len(units), pairable_values)
    observed = observed_sum / n
    expected = expected_sum / (n * (n - 1))
    return Reliability(1 - observed / expected, observed, expected, len(units), pairable_values)


def reliability(data: Sequence[Sequence[Value | None]], metric: Metric) -> Reliability:
    """Krippendorff's alpha of an observers × units matrix, with its disagreements and counts."""
    return _reliability(_pairable_units(data, metric), metric)


def krippendorff_alpha(data: Sequence[Sequence[Value | None]], metric: Metric) -> Fraction | None:
    """Krippendorff's alpha of an observers × units matrix (None marks a missing value).

    Returns None when alpha is undefined: no unit with two values, or no variation at all.
    """
    return reliability(data, metric).alpha


DEFAULT_DRAWS = 1000
DEFAULT_CONFIDENCE = Fraction(95, 100)


def bootstrap_alpha_interval(
    data: Sequence[Sequence[Value | None]],
    metric: Metric,
    *,
    draws: int = DEFAULT_DRAWS,
    seed: int = 0,
    confidence: Fraction = DEFAULT_CONFIDENCE,
) -> tuple[Fraction, Fraction] | None:
    """A percentile bootstrap confidence interval for alpha, by resampling units.

    Method: let N be the number of pairable units (units with two values or more; the others
    carry no information on agreement). Each of the ``draws`` replicates picks N units *with
    replacement* among them, using ``random.Random(seed)``, so one seed always gives the same
    interval, and computes alpha exactly on those units (the values keep their coincidence
    weights; the expected disagreement is recomputed from the replicate's own values).
    Replicates where alpha is undefined (every value drawn is equal) are dropped. With B
    defined replicates sorted in increasing order and tail = (1 - confidence) / 2, the
    interval is (a[⌊tail·B⌋], a[⌈(1 - tail)·B⌉ - 1]): for 1,000 draws at 95 %, the 26th
    smallest and the 26th largest value, both exact Fractions.

    Resampling units, not pairs of values, keeps the values an observer gave to one unit
    together, which is what varies from one group of candidates to another. With few units
    (say under 20) the interval is wide and itself unstable: report it with the number of
    units. Returns None when no replicate has a defined alpha.
    """
    if draws < 1:
        raise ValueError(f"the bootstrap needs at least one draw, not {draws}")
    if not 0 < confidence < 1:
        raise ValueError(f"a confidence level lies strictly between 0 and 1, not {confidence}")
    units = _pairable_units(data, metric)
    if not units:
        return None
    generator = random.Random(seed)
    replicates: list[Fraction] = []
    for _ in range(draws):
        sample = [units[generator.randrange(len(units))] for _ in units]
        alpha = _reliability(sample, metric).alpha
        if alpha is not None:
            replicates.append(alpha)
    if not replicates:
        return None
    replicates.sort()
    tail = (1 - Fraction(confidence)) / 2
    count = len(replicates)
    low = min(math.floor(tail * count), count - 1)
    high = max(math.ceil((1 - tail) * count) - 1, low)
    return replicates[low], replicates[high]


@dataclass(frozen=True, slots=True)
class Mark:
    """One evaluator's score for one unit (a candidate's sheet for one block or part)."""

    unit: str
    evaluator: str
    score: Value


@dataclass(frozen=True, slots=True)
class ReliabilityMatrix:
    """Marks laid out for alpha: one row per evaluator, one column per unit, None if unmarked."""

    evaluators: tuple[str, ...]
    units: tuple[str, ...]
    values: tuple[tuple[Value | None, ...], ...]


def _marks_by_unit(marks: Iterable[Mark]) -> dict[str, dict[str, Value]]:
    by_unit: dict[str, dict[str, Value]] = defaultdict(dict)
    for mark in marks:
        if mark.evaluator in by_unit[mark.unit]:
            raise ValueError(f"{mark.evaluator} marked unit {mark.unit} more than once")
        by_unit[mark.unit][mark.evaluator] = mark.score
    return by_unit


def reliability_matrix(marks: Iterable[Mark]) -> ReliabilityMatrix:
    """Lay marks out as a reliability data matrix, evaluators and units in sorted order."""
    by_unit = _marks_by_unit(marks)
    units = tuple(sorted(by_unit))
    evaluators = tuple(sorted({evaluator for scores in by_unit.values() for evaluator in scores}))
    values = tuple(
        tuple(by_unit[unit].get(evaluator) for unit in units) for evaluator in evaluators
    )
    return ReliabilityMatrix(evaluators=evaluators, units=units, values=values)


@dataclass(frozen=True, slots=True)
class Severity:
    """How an evaluator marks compared with the colleagues who marked the same units.

    ``mean_deviation`` is the mean, over the evaluator's double-marked sheets, of their score
    minus the mean of the other markers' scores on the same unit: negative means more severe,
    positive more lenient, in points of the score given.
    """

    evaluator: str
    sheets: int
    mean_deviation: Fraction


def evaluator_severity(marks: Iterable[Mark]) -> list[Severity]:
    """Each evaluator's number of double-marked sheets and mean deviation, sorted by evaluator.

    Only units marked by two evaluators or more count; with more than two, an evaluator is
    compared with the mean of the others. An evaluator with no double-marked unit is absent.
    """
    deviations: dict[str, list[Fraction]] = defaultdict(list)
    for scores in _marks_by_unit(marks).values():
        if len(scores) < 2:
            continue
        exact = {evaluator: Fraction(score) for evaluator, score in scores.items()}
        total = sum(exact.values(), Fraction(0))
        others = len(exact) - 1
        for evaluator, score in exact.items():
            deviations[evaluator].append(score - (total - score) / others)
    return [
        Severity(
            evaluator=evaluator,
            sheets=len(values),
            mean_deviation=sum(values, Fraction(0)) / len(values),
        )
        for evaluator, values in sorted(deviations.items())
    ]
