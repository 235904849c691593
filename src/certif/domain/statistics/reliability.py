"""Inter-rater reliability: Krippendorff's alpha, exactly, its bootstrap, and evaluator severity.

Krippendorff's alpha follows « Computing Krippendorff's Alpha-Reliability » (K. Krippendorff,
2011, https://www.asc.upenn.edu/sites/default/files/2021-03/Computing%20Krippendorff%27s%20Alpha-Reliability.pdf):
from a reliability data matrix (one row per observer, one column per unit, None where an
observer gave no value) build the coincidence matrix of the *pairable* values, then

    alpha = 1 - D_o / D_e = 1 - (n - 1) * Σ o_ck δ²_ck / Σ n_c n_k δ²_ck

where ``o_ck`` counts the c–k pairs within units (each unit of m_u values weighing
1 / (m_u - 1)), ``n_c`` the pairable values equal to c, ``n`` all pairable values, and δ² the
metric's difference function. A unit with fewer than two values holds no pair: it is left
out. Every step is exact (integers and ``Fraction``), so the published worked example comes
out to the digit.

Two exact rewritings keep it fast on scores with decimals (many distinct values) and in the
bootstrap, without changing any result:

- alpha does not change when every value is multiplied by the same positive number, so the
  values are scaled to integers by their common denominator;
- within a unit, and for the expected disagreement, Σ_c Σ_k n_c n_k (p_c - p_k)² equals
  2 (m Σ n_c p_c² - (Σ n_c p_c)²) (m = Σ n_c): one pass instead of every pair. The interval
  metric uses it on the values, the ordinal metric on the mid-ranks (see ``_mid_ranks``),
  the nominal metric in its own form m² - Σ n_c². The ratio metric has no such form and
  goes through every pair of distinct values.

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

Counts = Mapping[int, int]
"""How many observers gave each value, values scaled to integers."""


class Metric(StrEnum):
    """Level of measurement, which decides how different two values are (δ²)."""

    NOMINAL = "nominal"  # categories: equal or not
    ORDINAL = "ordinal"  # ranks: how many values lie between
    INTERVAL = "interval"  # scores: squared difference
    RATIO = "ratio"  # amounts from a true zero: relative squared difference


@dataclass(frozen=True, slots=True)
class Reliability:
    """alpha with what it was computed from, for a page to show next to it.

    The disagreements are in the metric's own unit (squared points for interval data), as
    Krippendorff defines them; both are None when alpha is undefined.
    """

    alpha: Fraction | None
    observed_disagreement: Fraction | None
    expected_disagreement: Fraction | None
    pairable_units: int
    pairable_values: int


@dataclass(frozen=True, slots=True)
class _Unit:
    """One pairable unit: its values' counts, and its pairs' disagreement when the metric's
    differences do not depend on the other units (every metric but ordinal)."""

    counts: Counts
    size: int
    disagreement: Fraction | None


@dataclass(frozen=True, slots=True)
class _Units:
    units: list[_Unit]
    scale: int


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


def _spread(counts: Iterable[tuple[int, int]]) -> int:
    """Σ_c Σ_k n_c n_k (p_c - p_k)² over positions p, as 2 (m Σ n p² - (Σ n p)²)."""
    size = first = second = 0
    for position, number in counts:
        size += number
        first += number * position
        second += number * position * position
    return 2 * (size * second - first * first)


def _nominal_spread(counts: Counts) -> int:
    """Ordered pairs of different values: m² - Σ n_c²."""
    size = sum(counts.values())
    return size * size - sum(number * number for number in counts.values())


def _ratio_spread(counts: Counts) -> Fraction:
    """Σ_c Σ_k n_c n_k ((c - k) / (c + k))², grouping pairs by c + k so that the sums stay
    integer until one division per distinct sum (values are not negative: a zero sum means
    both values are 0, with no difference)."""
    ordered = sorted(counts.items())
    by_sum: Counter[int] = Counter()
    for i, (c, n_c) in enumerate(ordered):
        for k, n_k in ordered[i + 1 :]:
            by_sum[c + k] += n_c * n_k * (c - k) ** 2
    return 2 * sum(
        (Fraction(spread, total * total) for total, spread in by_sum.items()), Fraction(0)
    )


def _fixed_spread(metric: Metric, counts: Counts) -> Fraction | int | None:
    """The pairs' disagreement when it does not depend on other units; None for ordinal."""
    if metric is Metric.NOMINAL:
        return _nominal_spread(counts)
    if metric is Metric.INTERVAL:
        return _spread(counts.items())
    if metric is Metric.RATIO:
        return _ratio_spread(counts)
    return None


def _pairable_units(data: Sequence[Sequence[Value | None]], metric: Metric) -> _Units:
    """The units with two values or more, values scaled to integers by their common
    denominator (alpha is the same for values all multiplied by one positive number)."""
    columns = [column for column in _columns(data) if len(column) >= 2]
    if metric is Metric.RATIO and any(value < 0 for column in columns for value in column):
        raise ValueError("ratio data are amounts from a true zero: no value may be negative")
    scale = math.lcm(1, *(value.denominator for column in columns for value in column))
    units = []
    for column in columns:
        counts = Counter(int(value * scale) for value in column)
        spread = _fixed_spread(metric, counts)
        disagreement = None if spread is None else Fraction(spread, len(column) - 1)
        units.append(_Unit(counts=counts, size=len(column), disagreement=disagreement))
    return _Units(units=units, scale=scale)


def _doubled_mid_ranks(counts: Counts) -> dict[int, int]:
    """Each value's mid-rank, doubled to stay an integer: 2 × (values below) + n_c.

    Krippendorff's ordinal δ_ck = Σ_{g=c..k} n_g - (n_c + n_k) / 2 is exactly the distance
    between the mid-ranks of c and k, so ordinal data are interval data on mid-ranks.
    """
    ranks: dict[int, int] = {}
    below = 0
    for value in sorted(counts):
        ranks[value] = 2 * below + counts[value]
        below += counts[value]
    return ranks


def _observed_sum(metric: Metric, units: Sequence[_Unit], totals: Counts) -> Fraction:
    """Σ o_ck δ²_ck: each unit's pairs weigh 1 / (m_u - 1)."""
    if metric is not Metric.ORDINAL:
        return sum((unit.disagreement or Fraction(0) for unit in units), Fraction(0))
    ranks = _doubled_mid_ranks(totals)
    # Sum per weight first, so that most additions stay integer.
    by_weight: Counter[int] = Counter()
    for unit in units:
        by_weight[unit.size - 1] += _spread((ranks[v], n) for v, n in unit.counts.items())
    return sum((Fraction(spread, weight) for weight, spread in by_weight.items()), Fraction(0))


def _expected_sum(metric: Metric, totals: Counts) -> Fraction | int:
    """Σ n_c n_k δ²_ck over every ordered pair of pairable values."""
    fixed = _fixed_spread(metric, totals)
    if fixed is not None:
        return fixed
    ranks = _doubled_mid_ranks(totals)
    return _spread((ranks[v], n) for v, n in totals.items())


def _difference_unit(metric: Metric, scale: int) -> int:
    """What δ² was multiplied by in the integer computation, to report D_o and D_e as defined."""
    if metric is Metric.INTERVAL:
        return scale * scale
    if metric is Metric.ORDINAL:
        return 4  # doubled ranks
    return 1


def _reliability(units: Sequence[_Unit], metric: Metric, scale: int) -> Reliability:
    totals: Counter[int] = Counter()
    for unit in units:
        totals.update(unit.counts)
    n = sum(totals.values())
    expected_sum = _expected_sum(metric, totals)
    if not units or expected_sum == 0:
        return Reliability(None, None, None, len(units), n)
    observed_sum = _observed_sum(metric, units, totals)
    difference_unit = _difference_unit(metric, scale)
    observed = observed_sum / n / difference_unit
    expected = Fraction(expected_sum) / (n * (n - 1)) / difference_unit
    return Reliability(1 - observed / expected, observed, expected, len(units), n)


def reliability(data: Sequence[Sequence[Value | None]], metric: Metric) -> Reliability:
    """Krippendorff's alpha of an observers × units matrix, with its disagreements and counts."""
    pairable = _pairable_units(data, metric)
    return _reliability(pairable.units, metric, pairable.scale)


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
    interval, and computes alpha exactly on those units, as if they were the data (a unit
    drawn twice counts twice; the expected disagreement and, for ordinal data, the ranks
    come from the replicate's own values).
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
    pairable = _pairable_units(data, metric)
    units = pairable.units
    if not units:
        return None
    generator = random.Random(seed)
    replicates: list[Fraction] = []
    for _ in range(draws):
        sample = [units[generator.randrange(len(units))] for _ in units]
        alpha = _reliability(sample, metric, pairable.scale).alpha
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
