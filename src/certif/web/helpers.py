"""What every page shares: htmx detection, the reader's language, pagination, filters carried
from page to page, and the table of an import's problems."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, QueryDict

from certif.imports.reading import MAX_REPORTED, FileRejected

# Keys of keyset-paged lists (« after C000050 », « before … »), left out when the filters are
# carried from page to page.
KEYSET_PAGE_KEYS = ("apres", "avant")
PAGE_SIZE = 50


def is_htmx(request: HttpRequest) -> bool:
    """An htmx request (the page then answers with the fragment it replaces)."""
    return bool(getattr(request, "htmx", False))


def language(request: HttpRequest) -> str:
    """The language explanations are written in: « en » or « fr »."""
    return "en" if getattr(request, "LANGUAGE_CODE", "fr").startswith("en") else "fr"


def filters_only(query: QueryDict) -> str:
    """The query string without the keyset page keys, for links to other pages of a list."""
    kept = query.copy()
    for key in KEYSET_PAGE_KEYS:
        kept.pop(key, None)
    return kept.urlencode()


def paginate(request: HttpRequest, rows: Any, size: int = PAGE_SIZE) -> Page[Any]:
    """The page ``?page=`` asks for (the last one when it asks for more)."""
    return Paginator(rows, size).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def problems_context(rejected: FileRejected) -> dict[str, Any]:
    """What the problems table shows: the first ones, then how many more."""
    shown = rejected.problems[:MAX_REPORTED]
    return {"rejected": rejected, "problems": shown, "more": max(rejected.total - len(shown), 0)}
