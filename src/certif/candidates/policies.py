"""Who may do what to candidates' records."""

from __future__ import annotations

from typing import Any

from certif.core.roles import Role, has_role
from certif.partners.policies import partner_of, staff_or_own


def may_manage_candidates(user: Any) -> bool:
    """Gestionnaires create candidates and edit their identity; a partner account creates its
    own candidates (they are linked to its partner)."""
    return has_role(user, Role.STAFF) or partner_of(user) is not None


def may_read_candidate(user: Any, candidate: Any) -> bool:
    """Gestionnaires read every candidate; a partner account its own candidates only."""
    return staff_or_own(user, candidate.partner_id)


# The same words as for a candidate that does not exist: a partner learns nothing of the
# candidates of others.
UNKNOWN_CANDIDATE = "Candidat inconnu."


MANAGE_REFUSED = "Seul un gestionnaire crée un candidat ou modifie son identité."


def may_read_nir(user: Any, candidate: Any) -> bool:
    """Only gestionnaires read a NIR in clear (on request, journalled)."""
    return has_role(user, Role.STAFF)


READ_NIR_REFUSED = "Seul un gestionnaire peut afficher un NIR en clair."
