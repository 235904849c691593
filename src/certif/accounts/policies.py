"""Who may do what to accounts."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from certif.core.roles import Role, has_role


def may_lift_lockouts(user: Any) -> bool:
    """Gestionnaires see the sign-ins locked after repeated failures and lift them."""
    return has_role(user, Role.STAFF)


LIFT_REFUSED = "Seul un gestionnaire peut lever un blocage de connexion."


def may_reset_by_mail() -> bool:
    """Whether a password may be reset by a link sent by e-mail: only when mail leaves the
    server. The console backend writes each message — the link that takes over the account —
    to the server's log, where whoever reads the log would find it; development (DEBUG)
    alone accepts that."""
    keeping: tuple[str, ...] = settings.EMAIL_BACKENDS_KEEPING_MAIL
    return bool(settings.DEBUG) or settings.EMAIL_BACKEND not in keeping
