"""Recording audit events from services (never from views)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models

from certif.core.models import AuditEvent

Actor = AbstractBaseUser | AnonymousUser | None
# A reason the journal keeps (a revocation, an amendment): at least this many characters, so
# that it says something.
MIN_REASON = 15


def account_of(actor: Actor) -> Any:
    """The account behind ``actor``, or None for the system (a command, a test, anonymous)."""
    return actor if getattr(actor, "pk", None) is not None else None


def record(
    action: str,
    target: models.Model,
    *,
    actor: Actor = None,
    before: Any = None,
    after: Any = None,
    reason: str = "",
    label: str | None = None,
) -> AuditEvent:
    user: Any = actor if isinstance(actor, AbstractBaseUser) else None
    return AuditEvent.objects.create(
        actor=user,
        actor_label=user.get_username() if user is not None else "système",
        action=action,
        object_type=target._meta.label_lower,
        object_id=str(target.pk),
        object_label=(label if label is not None else str(target))[:255],
        before=before,
        after=after,
        reason=reason,
    )
