"""Optimistic concurrency, one way for every object that two people may edit at once.

An editable object has a version token (a sheet's revision, a timetable's fingerprint); a
reader keeps the token it read, and a writer states it. Under the row's lock, the service
compares it with the current one (``check``): a mismatch is refused with ``Stale``, carrying
the current token, and nothing is written. The pages then show both versions; the API answers
412 with the current ``ETag`` (and 428 when no token is stated at all).
"""

from __future__ import annotations

from certif.core.errors import Stale


def token(value: object) -> str:
    """The token of a version: a revision number or a fingerprint, as text."""
    return str(value)


def check(stated: str | int | None, current: str | int, message: str) -> None:
    """Refuse (``Stale``) when a writer stated a version other than the current one. A writer
    that states none (a command, an import) writes over whatever is there."""
    if stated is not None and token(stated) != token(current):
        raise Stale(message, token(current))
