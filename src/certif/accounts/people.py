"""People as the pages and messages name them."""

from __future__ import annotations

from typing import Any


def person(user: Any) -> str:
    """A person as the pages name them: full name, else the login."""
    name: str = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return name or user.get_username()
