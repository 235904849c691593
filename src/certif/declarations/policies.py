"""Who declares to the Caisse des Dépôts: the certifier's gestionnaires (partners cannot
deposit; a mandated trusted third party works with its own tools)."""

from __future__ import annotations

from typing import Any

from certif.core.roles import Role, has_role


def may_declare(user: Any) -> bool:
    return has_role(user, Role.STAFF)


DECLARE_REFUSED = "Seul un gestionnaire prépare et suit la déclaration à la Caisse des Dépôts."
