"""Exact rates and their written forms; pass rates and borderline scores.

A rate is a ``Fraction`` between 0 and 1, or ``None`` when its denominator is 0: « 0 % of
nobody » would be a lie, so a rate over an empty population is *undefined*, never 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from certif.domain.numbers import round_half_up

Score = Fraction | Decimal | int

RATE_PLACES = 4
"""Decimals of a rate's machine form: 0.6234, i.e. a percentage to the hundredth."""

NO_RATE = "—"
"""How an undefined rate is displayed, as ``format_score`` displays a missing score."""

PERCENT_SIGN = "\u00a0%"
"""French typography puts a non-breaking space before the percent sign (« 62,34 % »)."""

BORDERLINE_MARGIN = Fraction(1)
"""A score within one point of the threshold, on either side, is borderline."""


def rate(count: int, total: int) -> Fraction | None:
    """``count / total`` exactly, or None when ``total`` is 0 (the rate is undefined)."""
    if count < 0 or total < 0:
        raise ValueError(f"a rate needs counts that are not negative, not {count}/{total}")
    if count > total:
        raise ValueError(f"a rate cannot count more ({count}) than its population ({total})")
    if total == 0:
        return None
    return Fraction(count, total)


def rate_to_string(value: Fraction | None) -> str | None:
    """The machine form of a rate (CSV, JSON): exactly 4 decimals, half up, « 0.6234 »; or None."""
    if value is None:
        return None
    return f"{round_half_up(value, RATE_PLACES):.{RATE_PLACES}f}"


def format_rate(value: Fraction | None, places: int = 2, sep: str = ",") -> str:
    """A rate as a French reader expects it: « 62,34 % » (half up), « — » when undefined.

    With the default two places the percentage rounds at the same digit as ``rate_to_string``,
    so the page and the export never disagree.
    """
    if value is None:
        return NO_RATE
    percent = round_half_up(value * 100, places)
    return f"{percent:.{places}f}".replace(".", sep) + PERCENT_SIGN


def is_borderline(score: Score, threshold: Score, margin: Score = BORDERLINE_MARGIN) -> bool:
    """Within ``margin`` points of the threshold, bounds included, passed or not (11 to 13 for 12)."""
    return abs(Fraction(score) - Fraction(threshold)) <= Fraction(margin)


@dataclass(frozen=True, slots=True)
class PassSummary:
    """Outcomes of one unit (block, part or mémoire) among the candidates assessed on it.

    ``assessed`` counts complete scores only: a candidate not assessed, or whose sheet is
    incomplete, is in no denominator, as the rules engine never counts an incomplete sheet.
    """

    assessed: int
    passed: int
    borderline: int

    @property
    def pass_rate(self) -> Fraction | None:
        return rate(self.passed, self.assessed)

    @property
    def borderline_rate(self) -> Fraction | None:
        return rate(self.borderline, self.assessed)


def summarise_scores(
    scores: Iterable[Score | None],
    threshold: Score,
    margin: Score = BORDERLINE_MARGIN,
) -> PassSummary:
    """Count the assessed, those at or above the threshold, and the borderline; None is skipped."""
    exact_threshold = Fraction(threshold)
    assessed = passed = borderline = 0
    for score in scores:
        if score is None:
            continue
        assessed += 1
        if Fraction(score) >= exact_threshold:
            passed += 1
        if is_borderline(score, exact_threshold, margin):
            borderline += 1
    return PassSummary(assessed=assessed, passed=passed, borderline=borderline)


def count_borderline(
    counts: Mapping[Score, int], threshold: Score, margin: Score = BORDERLINE_MARGIN
) -> int:
    """How many of a population, given as how many got each distinct score, are borderline."""
    return sum(count for score, count in counts.items() if is_borderline(score, threshold, margin))
