"""The dashboard: what needs doing, per role. Each app contributes panels.

An app contributes by defining ``<app>/dashboard.py`` with ``panels(request) -> list[Panel]``;
the dashboard asks every installed Certif app, in the order of INSTALLED_APPS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
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


def panels_for(request: HttpRequest) -> list[Panel]:
    found: list[Panel] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("certif."):
            continue
        module_name = f"{config.name}.dashboard"
        if config.name == "certif.core" or find_spec(module_name) is None:
            continue
        found.extend(import_module(module_name).panels(request))
    return found
