"""A confirmation step before an irreversible act, working without JavaScript.

The act's form posts as usual; until the post carries ``confirmed``, the view answers with a
page that says what will happen — and to how many candidates — and the same form again, with
``confirmed`` set and every field of the first post kept. With htmx, the confirmation page
replaces the whole page (``HX-Retarget: body``), so a fragment never holds it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRMED = "confirmed"


@dataclass(frozen=True)
class Confirmation:
    title: str
    # What will happen, one sentence each (counts included).
    consequences: Sequence[str]
    button: str
    cancel_url: str
    # Irreversible: said on the page, and the button styled as a danger.
    irreversible: bool = True
    details: Sequence[str] = field(default_factory=tuple)


def is_confirmed(request: HttpRequest) -> bool:
    return request.method == "POST" and request.POST.get(CONFIRMED) == "1"


def confirmation_page(
    request: HttpRequest, confirmation: Confirmation, replaced: Mapping[str, str] | None = None
) -> HttpResponse:
    """The page asking to confirm the act the request posted (its fields are posted again,
    those of ``replaced`` with their new value)."""
    replaced = replaced or {}
    kept = [
        (key, replaced.get(key, value))
        for key, values in request.POST.lists()
        for value in values
        if key not in ("csrfmiddlewaretoken", CONFIRMED)
    ]
    response = render(
        request,
        "certif/confirm.html",
        {"confirmation": confirmation, "kept": kept, "action": request.get_full_path()},
    )
    if getattr(request, "htmx", False):
        response["HX-Retarget"] = "body"
        response["HX-Reswap"] = "innerHTML"
        response["HX-Push-Url"] = "false"
    return response
