"""A refused value in the reader's language: the domain says why with a code and parameters
(``certif.domain.values.REJECTIONS``, in French); this catalogue words each code through
gettext, with numbers written as the active language writes them (« 2,5 », « 2.5 »)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from certif.domain.numbers import format_quantity
from certif.domain.referential.schema import CriterionKind
from certif.domain.values import ValueRejected

REJECTIONS: dict[str, Promise] = {
    "not_points": _("« {text} » n'est pas un nombre de points (exemples : 2 ; 2,5 ; 2.75)"),
    "negative": _("« {text} » : des points ne sont jamais négatifs (0 au moins)"),
    "too_many_decimals": _("« {text} » a plus de deux décimales"),
    "out_of_scale": _("{points} est hors barème : {criterion} vaut au plus {maximum} point(s)"),
    "yes_no": _("« {text} » : attendu « oui » ou « non »"),
    "integer": _("« {text} » : attendu un nombre entier (9 chiffres au plus)"),
}
EXPECTED: dict[CriterionKind, Promise] = {
    CriterionKind.POINTS: _("des points entre 0 et {maximum}, au plus deux décimales"),
    CriterionKind.YES_NO: _("« oui » ou « non »"),
    CriterionKind.INTEGER: _("un nombre entier"),
}
EXPECTED_JOIN = _("{reason} ; attendu : {expected}")


def localised_points(points: Decimal) -> str:
    """Points without useless zeros, in the active language's notation."""
    return number_format(Decimal(format_quantity(points).replace(",", ".")))


def rejection(error: ValueRejected) -> str:
    """Why the value was refused, in the active language."""
    params = {
        name: localised_points(value) if isinstance(value, Decimal) else value
        for name, value in error.params.items()
    }
    reason = str(REJECTIONS[error.code]).format(**params)
    if error.expected is None:
        return reason
    maximum = localised_points(error.expected.max_points or Decimal(0))
    expected = str(EXPECTED[CriterionKind(error.expected.kind)]).format(maximum=maximum)
    return str(EXPECTED_JOIN).format(reason=reason, expected=expected)
