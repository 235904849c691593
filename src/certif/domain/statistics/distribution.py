"""How scores spread: exact bins for a histogram and for the data table beside it."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction

Score = Fraction | Decimal | int


@dataclass(frozen=True, slots=True)
class ScoreBin:
    """Scores from ``low`` included to ``high`` excluded, except the last bin, which includes
    the maximum (``closed`` is then True)."""

    low: Fraction
    high: Fraction
    count: int
    closed: bool = False


def score_bins(
    scores: Iterable[Score], *, maximum: Score = 20, bin_width: Score = 1
) -> list[ScoreBin]:
    """Count scores in bins [0, w), [w, 2w), … [maximum - w, maximum], exactly.

    Exact arithmetic puts 12 in [12, 13) whatever its type (``Decimal("12.00")``, ``12``,
    ``Fraction(276, 23)``): no score changes side of a whole threshold by a rounding error.
    The last bin is cut at ``maximum`` when the width does not divide it.
    """
    top, width = Fraction(maximum), Fraction(bin_width)
    if top <= 0 or width <= 0:
        raise ValueError("the maximum and the bin width must be positive")
    number = math.ceil(top / width)
    counts = [0] * number
    for score in scores:
        exact = Fraction(score)
        if not 0 <= exact <= top:
            raise ValueError(f"a score lies between 0 and {top}, not {exact}")
        counts[min(math.floor(exact / width), number - 1)] += 1
    return [
        ScoreBin(
            low=width * k,
            high=min(width * (k + 1), top),
            count=count,
            closed=k == number - 1,
        )
        for k, count in enumerate(counts)
    ]


def score_bins_from_counts(
    counts: Mapping[Score, int], *, maximum: Score = 20, bin_width: Score = 1
) -> list[ScoreBin]:
    """``score_bins`` of a population given as how many candidates got each distinct score.

    A database counts a block's 100,000 scores in a few hundred distinct values: binning those
    gives the same bins, exactly, without handling each score.
    """
    empty = score_bins((), maximum=maximum, bin_width=bin_width)
    width, top = Fraction(bin_width), Fraction(maximum)
    totals = [0] * len(empty)
    for score, count in counts.items():
        if count < 0:
            raise ValueError(f"a count is not negative, not {count}")
        exact = Fraction(score)
        if not 0 <= exact <= top:
            raise ValueError(f"a score lies between 0 and {top}, not {exact}")
        totals[min(math.floor(exact / width), len(empty) - 1)] += count
    return [replace(each, count=total) for each, total in zip(empty, totals, strict=True)]
