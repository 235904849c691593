"""The dashboard: what needs doing, per role. Each area of the pages contributes panels.

An area contributes by defining ``certif/web/<area>/dashboard.py`` with
``panels(request) -> list[Panel]``; the dashboard asks the areas in the order of ``AREAS``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module

from django.http import HttpRequest


@dataclass(frozen=True)
class Item:
    label: str
    url: str = ""
    detail: str = ""


@dataclass(frozen=True)
class Panel:
    title: str
    items: list[Item] = field(default_factory=list)
    empty: str = ""
    actions: list[Item] = field(default_factory=list)
    count: int | None = None


# The areas whose panels the dashboard shows, in this order.
AREAS = (
    "candidates",
    "partners",
    "sessions",
    "grading",
    "deliberations",
    "declarations",
    "myspace",
    "portal",
    "documents",
    "accounts",
)


def panels_for(request: HttpRequest) -> list[Panel]:
    found: list[Panel] = []
    for area in AREAS:
        found.extend(import_module(f"certif.web.{area}.dashboard").panels(request))
    return found
