"""Checking an access policy inside a service.

Each app states who may do what in its ``policies.py`` (``may_write_sheet(user, sheet)``…):
plain predicates the pages and the API use to show or hide an action. The services check the
same predicates with ``require`` whenever a person acts; the system (a command run on the
server, the importer, the demo) acts with no person and is not asked.

Every refusal is journalled (``access.refused``: who, which rule, the message given), so that an
attempt to take over a jury or a sheet leaves a trace. ``require`` is called before the
service's transaction opens: the entry stays when the refusal rolls the transaction back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import models

from certif.core import actions, audit
from certif.core.errors import Forbidden


def person_of(actor: Any) -> Any:
    """The signed-in person behind ``actor``, or None when the system acts."""
    return actor if isinstance(actor, AbstractBaseUser) and actor.pk is not None else None


def _journal_refusal(
    person: Any, policy: Callable[..., bool], subjects: tuple[Any, ...], message: str
) -> None:
    target = next((subject for subject in subjects if isinstance(subject, models.Model)), person)
    audit.record(
        actions.REFUSED,
        target,
        actor=person,
        after={"rule": policy.__name__, "message": message},
    )


def require(
    actor: Any,
    policy: Callable[..., bool],
    *subjects: Any,
    message: str,
    error: type[Forbidden] = Forbidden,
) -> None:
    """Refuse (``error``, a ``Forbidden``, with ``message``) a person ``policy(person,
    *subjects)`` does not allow, and journal the refusal; the system is not asked."""
    person = person_of(actor)
    if person is not None and not policy(person, *subjects):
        _journal_refusal(person, policy, subjects, message)
        raise error(message)
