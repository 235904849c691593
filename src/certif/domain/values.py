"""What an evaluator may record for a criterion, typed, parsed and stored.

The syntax is defined once here: the single-value parser (web, API) and the
set-based importer both use these patterns.
"""

from __future__ import annotations

import re
from decimal import Decimal

from certif.domain.numbers import POINTS_SYNTAX, PointsSyntaxError, format_quantity, parse_points
from certif.domain.referential.schema import Criterion, CriterionKind

Value = Decimal | bool | int

# At most two decimals, comma or point, never negative.
POINTS_PATTERN = r"^[0-9]+(?:[.,][0-9]{0,2})?$"
# At most 9 digits: a count (of pages) fits any database integer.
INTEGER_PATTERN = r"^[0-9]{1,9}$"
YES_NO_WORDS: dict[str, bool] = {"oui": True, "non": False}

_INTEGER = re.compile(INTEGER_PATTERN)


# Why a value is refused: a code and its French wording, with named parameters (the pages
# translate the code through their own catalogue, certif.grading.wording).
REJECTIONS = {
    **POINTS_SYNTAX,
    "out_of_scale": "{points} est hors barème : {criterion} vaut au plus {maximum} point(s)",
    "yes_no": "« {text} » : attendu « oui » ou « non »",
    "integer": "« {text} » : attendu un nombre entier (9 chiffres au plus)",
}
EXPECTED = {
    CriterionKind.POINTS: "des points entre 0 et {maximum}, au plus deux décimales",
    CriterionKind.YES_NO: "« oui » ou « non »",
    CriterionKind.INTEGER: "un nombre entier",
}


class ValueRejected(ValueError):
    """A value that cannot be recorded for a criterion: ``code`` (a key of ``REJECTIONS``) and
    ``params`` say why; ``expected`` the kind of the criterion when the form must be recalled.
    The message is French."""

    def __init__(
        self, code: str, *, expected: Criterion | None = None, **params: str | Decimal
    ) -> None:
        self.code, self.params, self.expected = code, params, expected
        texts = {k: format_quantity(v) if isinstance(v, Decimal) else v for k, v in params.items()}
        message = REJECTIONS[code].format(**texts)
        if expected is not None:
            message += f" ; attendu : {expected_form(expected)}"
        super().__init__(message)


def expected_form(criterion: Criterion) -> str:
    maximum = format_quantity(criterion.max_points or 0)
    return EXPECTED[CriterionKind(criterion.kind)].format(maximum=maximum)


def parse_value(criterion: Criterion, text: str) -> Value:
    """Parse what a person typed for ``criterion``: « 2,5 », « oui », « 32 »."""
    cleaned = text.strip()
    if criterion.kind == CriterionKind.POINTS:
        try:
            points = parse_points(cleaned)
        except PointsSyntaxError as error:
            raise ValueRejected(error.code, expected=criterion, text=error.text) from error
        check_points(criterion, points)
        return points
    if criterion.kind == CriterionKind.YES_NO:
        answer = YES_NO_WORDS.get(cleaned.lower())
        if answer is None:
            raise ValueRejected("yes_no", text=text)
        return answer
    if not _INTEGER.match(cleaned):
        raise ValueRejected("integer", text=text)
    return int(cleaned)


def check_points(criterion: Criterion, points: Decimal) -> None:
    maximum = criterion.max_points or Decimal(0)
    if points < 0 or points > maximum:
        raise ValueRejected(
            "out_of_scale", points=points, criterion=criterion.code, maximum=maximum
        )
    if points != points.quantize(Decimal("0.01")):
        raise ValueRejected("too_many_decimals", text=str(points))


def encode(kind: CriterionKind, value: Value) -> int:
    """Stored form: hundredths of a point, 1/0 for oui/non, the number itself for an integer."""
    if kind == CriterionKind.POINTS:
        return int(Decimal(value) * 100)
    return int(value)


def decode(kind: CriterionKind | str, stored: int) -> Value:
    if kind == CriterionKind.POINTS:
        return Decimal(stored).scaleb(-2)
    if kind == CriterionKind.YES_NO:
        return bool(stored)
    return stored


def display(kind: CriterionKind | str, value: Value | None) -> str:
    """A value as a French reader expects it: « 2,50 », « oui », « 32 », or empty."""
    if value is None:
        return ""
    if kind == CriterionKind.POINTS:
        return f"{Decimal(value):.2f}".replace(".", ",")
    if kind == CriterionKind.YES_NO:
        return "oui" if value else "non"
    return str(value)


def display_stored(kind: CriterionKind | str, stored: int | None, empty: str = "") -> str:
    """A value in its stored form as a French reader expects it, ``empty`` when none is stored."""
    return display(kind, decode(kind, stored)) if stored is not None else empty
