"""Recording audit events from services (never from views), and what each kind of event is.

Every kind of event is an ``Action`` constant declared by its app in ``<app>/actions.py``: its
code (stored), its label (what the journal shows) and the words of the coded values its payload
holds (a marking « first » reads « première correction »), so that the journal never shows a raw
code. The apps' ``actions`` modules are imported when Django starts (``CoreConfig.ready``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.utils.functional import Promise

from certif.core.models import AuditEvent

Actor = AbstractBaseUser | AnonymousUser | None
# A reason the journal keeps (a revocation, an amendment): at least this many characters, so
# that it says something.
MIN_REASON = 15

Words = Mapping[str, str | Promise]


@dataclass(frozen=True)
class Action:
    """A kind of event: ``code`` as stored, ``label`` as read, and for each payload key whose
    values are codes, their words (« marking »: {« first »: « première correction »…})."""

    code: str
    label: str | Promise
    words: Mapping[str, Words] = field(default_factory=dict)

    def word(self, key: str, value: Any) -> Any:
        """A payload value as a person reads it: its word when the action names one."""
        vocabulary = self.words.get(key)
        if vocabulary is None or not isinstance(value, str):
            return value
        return vocabulary.get(value, value)


_ACTIONS: dict[str, Action] = {}


def action(code: str, label: str | Promise, **words: Words) -> Action:
    """Declare a kind of event (once, in its app's ``actions`` module)."""
    if code in _ACTIONS:
        raise ValueError(f"audit action declared twice: {code}")
    declared = Action(code, label, words)
    _ACTIONS[code] = declared
    return declared


def known(code: str) -> Action | None:
    return _ACTIONS.get(code)


def every_action() -> list[Action]:
    return list(_ACTIONS.values())


def account_of(actor: Actor) -> Any:
    """The account behind ``actor``, or None for the system (a command, a test, anonymous)."""
    return actor if getattr(actor, "pk", None) is not None else None


def record(
    kind: Action,
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
        action=kind.code,
        object_type=target._meta.label_lower,
        object_id=str(target.pk),
        object_label=(label if label is not None else str(target))[:255],
        before=before,
        after=after,
        reason=reason,
    )
