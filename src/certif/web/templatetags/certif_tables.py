"""The row of column headings every table of the pages writes.

Each table used to spell its headings as one ``<th scope="col">{% translate … %}</th>`` line
per column, the same markup in every list; ``{% column_headings _("Code") _("Intitulé") %}``
writes it from the labels, so a table states only what its columns are called."""

from __future__ import annotations

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def column_headings(*labels: str) -> SafeString:
    """One ``<th scope="col">`` per label, in order. Labels are escaped unless marked safe,
    as ``{% translate %}`` does (a translated literal such as ``_("Code")`` is safe)."""
    return format_html_join("", '<th scope="col">{}</th>', ((label,) for label in labels))
