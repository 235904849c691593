"""Pages of long lists: ``?limit=`` and an opaque ``?cursor=``, with the link to the next page.

Pages follow a key (a numero, a code, an id) rather than an offset: page 2,000 of 100,000
candidates costs what page 1 costs, and a row added meanwhile neither repeats nor hides one.
The cursor is the key of the last row sent, encoded; ``next`` is the address of the following
page with every filter kept, null on the last page.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from ninja import Field, Schema

from certif.api.problems import Invalid, field_error

DEFAULT_LIMIT = 50
MAX_LIMIT = 500

M = TypeVar("M", bound=Model)
T = TypeVar("T")
Q = TypeVar("Q", bound=QuerySet[Any])


class PageQuery(Schema):
    limit: int = Field(
        DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Éléments par page (1 à {MAX_LIMIT})."
    )
    cursor: str | None = Field(
        None,
        max_length=200,
        description="Le curseur du lien « next » de la page précédente ; absent pour la première.",
    )


def encode(key: Any) -> str:
    text = json.dumps(key, ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def decode(cursor: str | None, kind: type) -> Any:
    """The key a cursor carries, of the type the list pages by; 422 for anything else."""
    if cursor is None or cursor == "":
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8"))
    except (ValueError, UnicodeError, binascii.Error):
        key = None
    # A key no list holds (an id past 64 bits, a text with NUL) would break the query itself.
    unusable = (isinstance(key, int) and not 0 <= key < 2**63) or (
        isinstance(key, str) and "\x00" in key
    )
    if not isinstance(key, kind) or isinstance(key, bool) or unusable:
        raise Invalid(
            "Curseur invalide : reprenez le lien « next » de la page précédente.",
            [field_error("cursor", "curseur invalide", "query", cursor)],
        )
    return key


def next_link(request: HttpRequest, key: Any) -> str | None:
    """The address of the page after ``key``, with the request's other parameters kept."""
    if key is None:
        return None
    query = request.GET.copy()
    query["cursor"] = encode(key)
    return f"{request.path}?{query.urlencode()}"


def narrowed(rows: Q, **wanted: Any) -> Q:
    """``rows`` as a list's filters narrow them: each lookup given a value (a filter left
    empty asks for nothing)."""
    return rows.filter(**{lookup: value for lookup, value in wanted.items() if value})


def page_out(items: list[Any], next: str | None, page: PageQuery) -> dict[str, Any]:
    """A page as every list operation answers it: its items, the link to the next one, the
    limit it was asked with."""
    return {"items": items, "next": next, "limit": page.limit}


@dataclass(frozen=True)
class KeyPage(Generic[T]):
    rows: list[T]
    next: str | None


def by_key(
    request: HttpRequest,
    rows: QuerySet[M],
    page: PageQuery,
    key: str,
    kind: type,
    value_of: Callable[[M], Any] | None = None,
) -> KeyPage[M]:
    """The rows after the cursor in ``key`` order (a unique field), ``page.limit`` of them."""
    after = decode(page.cursor, kind)
    if after is not None:
        rows = rows.filter(**{f"{key}__gt": after})
    found = list(rows.order_by(key)[: page.limit + 1])
    more = len(found) > page.limit
    found = found[: page.limit]
    last: Any = None
    if more and found:
        last = value_of(found[-1]) if value_of is not None else getattr(found[-1], key)
    return KeyPage(found, next_link(request, last))
