"""Form fields the write verbs of several apps declare alike.

A verb's form says what it validates; these factories name the kinds of fields that recur
(the reason a journalled act asks for, an optional text written on several lines), so that
their rules (the reason's minimum length, how it is announced) are stated once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from certif.core.audit import MIN_REASON

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


def reason_field(kept: _StrOrPromise, *, rows: int, max_length: int | None = None) -> forms.Field:
    """The « Motif » of an act the journal keeps: at least ``MIN_REASON`` characters; ``kept``
    says where it is kept, with ``{count}`` for that minimum."""
    return forms.CharField(
        label=_("Motif"),
        min_length=MIN_REASON,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=format_lazy(kept, count=MIN_REASON),
    )


def optional_text(
    label: _StrOrPromise, *, rows: int, max_length: int, help_text: _StrOrPromise = ""
) -> forms.Field:
    """A text that may be left empty, written on several lines."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )
