"""Who may do what with the insertion survey.

A holder answers through their personal link, without an account: the signed token is the
permission (``certif.insertion.tokens``), checked by the answering service itself.
"""

from __future__ import annotations

from typing import Any

from certif.core.roles import Role, has_role


def may_manage_insertion(user: Any) -> bool:
    """Gestionnaires send the surveys, import answers and read the rates."""
    return has_role(user, Role.STAFF)


MANAGE_REFUSED = "Seul un gestionnaire gère l'enquête d'insertion et en lit les taux."
