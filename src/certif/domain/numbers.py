"""Exact numbers for points and scores, and their French display.

Decisions compare exact values (``Fraction``); rounding is for display only.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction

TWO_PLACES = Decimal("0.01")

_POINTS_PATTERN = re.compile(r"^\s*([0-9]+)(?:[.,]([0-9]*))?\s*$")


def round_half_up(value: Fraction | Decimal | int, places: int = 2) -> Decimal:
    """Round an exact value half away from zero, as a French reader expects (11,955 → 11,96)."""
    # In integers: floor(|n|/d × 10^places + 1/2) = (2·|n|·10^places + d) // 2d. Exact like
    # Fraction arithmetic, several times cheaper (the import rounds every decided score).
    numerator, denominator = value.as_integer_ratio()
    rounded = (2 * abs(numerator) * 10**places + denominator) // (2 * denominator)
    return Decimal(-rounded if numerator < 0 else rounded).scaleb(-places)


def format_score(value: Fraction | Decimal | int | None, sep: str = ",") -> str:
    """Two decimals, half up, with a French decimal comma by default: 12 → « 12,00 »."""
    if value is None:
        return "—"
    return f"{round_half_up(value, 2):.2f}".replace(".", sep)


def format_quantity(value: Fraction | Decimal | int, sep: str = ",") -> str:
    """A threshold or maximum as printed by the référentiel: 12 → « 12 », 13.8 → « 13,8 »."""
    exact = Fraction(value)
    if exact.denominator == 1:
        return str(exact.numerator)
    text = f"{round_half_up(exact, 4).normalize():f}"
    return text.replace(".", sep)


def score_to_string(value: Fraction | Decimal | int | None) -> str | None:
    """The machine form of a displayed score (JSON, CSV): « 12.17 », or None."""
    if value is None:
        return None
    return f"{round_half_up(value, 2):.2f}"


def fraction_to_text(value: Fraction | None) -> str | None:
    """Lossless text form of an exact score, for storage: « 276/23 »."""
    if value is None:
        return None
    return f"{value.numerator}/{value.denominator}"


def fraction_from_text(text: str | None) -> Fraction | None:
    if text is None or text == "":
        return None
    return Fraction(text)


# Why typed points are refused: a code and its French wording (the pages translate the code).
POINTS_SYNTAX = {
    "not_points": "« {text} » n'est pas un nombre de points (exemples : 2 ; 2,5 ; 2.75)",
    "negative": "« {text} » : des points ne sont jamais négatifs (0 au moins)",
    "too_many_decimals": "« {text} » a plus de deux décimales",
}


class PointsSyntaxError(ValueError):
    """The text is not a number of points with at most two decimals; ``code`` says why."""

    def __init__(self, code: str, text: str) -> None:
        self.code, self.text = code, text
        super().__init__(POINTS_SYNTAX[code].format(text=text))


_NEGATIVE = re.compile(r"^-\s*[0-9]")


def parse_points(text: str) -> Decimal:
    """Parse points typed by a person: « 2,5 », « 2.5 », « 3 ». At most two decimals, never negative."""
    match = _POINTS_PATTERN.match(text)
    if match is None:
        raise PointsSyntaxError("negative" if _NEGATIVE.match(text) else "not_points", text)
    whole, decimals = match.group(1), match.group(2) or ""
    if len(decimals) > 2:
        raise PointsSyntaxError("too_many_decimals", text)
    try:
        return Decimal(f"{whole}.{decimals}" if decimals else whole)
    except InvalidOperation as error:  # pragma: no cover - the pattern already guarantees digits
        raise PointsSyntaxError("not_points", text) from error
