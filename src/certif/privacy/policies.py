"""Who may export, anonymise and purge candidates' personal data."""

from __future__ import annotations

from typing import Any

from certif.core.roles import Role, has_role


def may_manage_personal_data(user: Any, candidate: Any = None) -> bool:
    """Gestionnaires answer the candidates' requests (access, erasure) and run the purge."""
    return has_role(user, Role.STAFF)


MANAGE_REFUSED = "Seul un gestionnaire exporte, anonymise ou purge des données personnelles."
