"""Checking an access policy inside a service.

Each app states who may do what in its ``policies.py`` (``may_write_sheet(user, sheet)``…):
plain predicates the pages and the API use to show or hide an action. The services check the
same predicates with ``require`` whenever a person acts; the system (a command run on the
server, the importer, the demo) acts with no person and is not asked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from certif.core.errors import Forbidden


def person_of(actor: Any) -> Any:
    """The signed-in person behind ``actor``, or None when the system acts."""
    return actor if isinstance(actor, AbstractBaseUser) and actor.pk is not None else None


def require(actor: Any, policy: Callable[..., bool], *subjects: Any, message: str) -> None:
    """Refuse (``Forbidden``, with ``message``) a person ``policy(person, *subjects)`` does not
    allow; the system is not asked."""
    person = person_of(actor)
    if person is not None and not policy(person, *subjects):
        raise Forbidden(message)
