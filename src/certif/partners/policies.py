"""Who may do what to partners and their habilitations."""

from __future__ import annotations

from typing import Any

from certif.core.roles import Role, has_role


def may_manage_partners(user: Any) -> bool:
    """Gestionnaires create and edit partners, their habilitations and controls, and declare
    the list to France compétences."""
    return has_role(user, Role.STAFF)


def may_discard_habilitation(user: Any, habilitation: Any) -> bool:
    """Gestionnaires discard a habilitation written by mistake; whether it may be discarded at
    all (a draft never activated nor signed) is the service's rule, said in French."""
    return may_manage_partners(user)


MANAGE_REFUSED = "Seul un gestionnaire gère les organismes partenaires et leurs habilitations."


def partner_of(user: Any) -> Any:
    """The partner a partner account works for, or None."""
    if not has_role(user, Role.PARTNER):
        return None
    member = getattr(user, "partner_member", None) if user.pk else None
    return member.partner if member is not None else None


def staff_or_own(user: Any, partner_id: int | None) -> bool:
    """Gestionnaires read every record; a partner account only those of its own partner
    (``partner_id``: the record's partner, None when it has none)."""
    if has_role(user, Role.STAFF):
        return True
    own = partner_of(user)
    return own is not None and own.pk == partner_id


def may_read_partner(user: Any, partner: Any) -> bool:
    """Gestionnaires read every partner; a partner account reads its own only."""
    return staff_or_own(user, partner.pk)


READ_REFUSED = "Organisme inconnu."


def may_export_results(user: Any, partner: Any) -> bool:
    """A partner's staff take away their own candidates' published results; nobody else's
    (gestionnaires have the staff's exports)."""
    own = partner_of(user)
    return own is not None and own.pk == partner.pk
