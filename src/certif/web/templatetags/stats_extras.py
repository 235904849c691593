"""Template filters of the statistics page: exact figures written for the reader."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from certif.domain.numbers import format_quantity, round_half_up
from certif.domain.statistics.distribution import ScoreBin
from certif.domain.statistics.rates import NO_RATE, format_rate
from certif.stats.evaluators import Agreement, EvaluatorsFigures

register = template.Library()


def _separator() -> str:
    return "." if (get_language() or "fr").startswith("en") else ","


@register.filter
def rate(value: Fraction | None) -> str:
    """« 62,34 % » (« 62.34 % » in English), « — » when undefined."""
    return format_rate(value, sep=_separator())


@register.filter
def alpha(value: Fraction | None) -> str:
    if value is None:
        return NO_RATE
    return f"{round_half_up(value, 3):.3f}".replace(".", _separator())


@register.filter
def signed_points(value: Fraction | None) -> str:
    """A deviation in points, its sign always written: « +0,50 », « −1,25 »."""
    if value is None:
        return NO_RATE
    text = f"{round_half_up(abs(value), 2):.2f}".replace(".", _separator())
    return ("−" if value < 0 else "+") + text


@register.filter
def bin_label(found: ScoreBin) -> str:
    """« 12 à < 13 », the last bin « 19 à 20 »."""
    low, high = format_quantity(found.low), format_quantity(found.high)
    if found.closed:
        return _("%(low)s à %(high)s") % {"low": low, "high": high}
    return _("%(low)s à < %(high)s") % {"low": low, "high": high}


@register.filter
def row(rows: Sequence[Sequence[Any]], index: int) -> Sequence[Any]:
    return rows[index] if 0 <= index < len(rows) else ()


@register.filter
def agreements(figures: EvaluatorsFigures) -> list[tuple[str, Agreement | None]]:
    return [
        (_("Notes sur 20 (intervalle)"), figures.points),
        (_("Critères oui/non (nominal)"), figures.yes_no),
    ]


@register.filter
def quantity(value: Any) -> str:
    """A threshold as the référentiel prints it: « 12 », « 13,8 »."""
    return format_quantity(value, _separator())


@register.filter
def bin_rows(bins: Sequence[ScoreBin]) -> list[tuple[str, int]]:
    """A histogram's bins as rows of its data table: « 12 à < 13 » and its count."""
    return [(bin_label(found), found.count) for found in bins]
