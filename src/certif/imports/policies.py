"""Who may undo an import."""

from __future__ import annotations

from typing import Any

from certif.core.roles import Role, has_role


def may_revert_imports(user: Any) -> bool:
    """Gestionnaires import files, and undo an import brought by mistake."""
    return has_role(user, Role.STAFF)


REVERT_REFUSED = "Seul un gestionnaire annule un import."
