"""Who may do what to candidates' records."""

from __future__ import annotations

from typing import Any

from certif.core.roles import Role, has_role


def may_manage_candidates(user: Any) -> bool:
    """Gestionnaires create candidates and edit their identity."""
    return has_role(user, Role.STAFF)


MANAGE_REFUSED = "Seul un gestionnaire crée un candidat ou modifie son identité."


def may_read_nir(user: Any, candidate: Any) -> bool:
    """Only gestionnaires read a NIR in clear (on request, journalled)."""
    return has_role(user, Role.STAFF)


READ_NIR_REFUSED = "Seul un gestionnaire peut afficher un NIR en clair."
