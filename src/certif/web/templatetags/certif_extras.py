"""Template filters for the domain's words and numbers, in the reader's language (in the manner
of healthchecks' ``hc_extras``): a status, a unit, points."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from certif.domain.numbers import format_score
from certif.domain.referential.schema import Referential
from certif.domain.rules.explain import status_label as explained_status
from certif.domain.rules.results import Status
from certif.domain.units import UnitRef

register = template.Library()

# The CSS classes of the statuses (certif.css: status--validated…).
_KNOWN = {status.value for status in Status}


def _language() -> str:
    return get_language() or "fr"


@register.filter
def status_label(code: str, agreement: str = "") -> str:
    """« validé » (or « validée » with ``"part"``) in the reader's language; an unknown code as
    it is."""
    if code not in _KNOWN:
        return code
    return explained_status(code, _language(), part=agreement == "part")


@register.filter
def status_badge(code: str, agreement: str = "") -> SafeString:
    """The status as the pages show it: its word in a badge whose colour is not the only sign."""
    css = code if code in _KNOWN else "not_assessed"
    return format_html(
        '<span class="status status--{}">{}</span>', css, status_label(code, agreement)
    )


@register.filter
def points(value: Decimal | Fraction | int | None) -> str:
    """Two decimals, with the reader's decimal separator: « 12,50 » or « 12.50 »."""
    if value is None or value == "":
        return "—"
    return format_score(value, "." if _language().startswith("en") else ",")


@register.filter
def unit_label(unit: UnitRef | str, referential: Referential | None = None) -> str:
    """« B1 », « B3 — PME » from a unit or its key (« B3:pme »)."""
    ref = unit if isinstance(unit, UnitRef) else UnitRef.parse(str(unit))
    return ref.label(referential)


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """A mapping's value in a template: ``{{ row|get:code }}``."""
    return mapping.get(key) if hasattr(mapping, "get") else None
