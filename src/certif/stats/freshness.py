"""When statistics must be computed again: a stamp of what they are made of.

- every write of Certif's services is journalled (``certif.core.audit``) in the transaction
  that makes it — sheets, scores, imports, enrolments, candidates, juries' acts — so the last
  of those events (``RELEVANT``; read from the journal's index of actions) moves with them;
- a score's change is in its history (``ScoreChange``), likewise;
- the stored results are written by the rules engine, possibly by another process after the
  import that called for them: their count and latest ``computed_at`` (the upsert sets it)
  say when they moved.

The figures are kept in Django's cache under this stamp, at most a day: reading the stamp is
a small fraction of computing the figures.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db.models import Count, Max

from certif.core.audit import every_action
from certif.core.models import AuditEvent
from certif.grading.models import ScoreChange
from certif.results.models import CandidateResult

T = TypeVar("T")
VERSION = "1"
KEEP_SECONDS = 24 * 3600


# The journal's events that may change a figure: sheets, scores and their imports, candidates
# and enrolments (who is in a population), juries' closings, erasure and restoration. Others
# (documents issued, exports started, pages refused…) leave the figures as they were.
RELEVANT = (
    "grading.",
    "scores.",
    "candidates.",
    "candidate.created",
    "candidate.updated",
    "session.",
    "deliberation.closed",
    "privacy.purged",
    "privacy.anonymised",
    "maintenance.restore",
    "referential.",
)


def _relevant_actions() -> list[str]:
    return [found.code for found in every_action() if found.code.startswith(RELEVANT)]


def _last_event() -> int | None:
    found: int | None = AuditEvent.objects.filter(action__in=_relevant_actions()).aggregate(
        last=Max("pk")
    )["last"]
    return found


def sheets_stamp() -> str:
    """What moves whenever a score or a sheet may have: the relevant journal's last event and
    the scores' history."""
    history = ScoreChange.objects.aggregate(last=Max("pk"))["last"]
    return f"{_last_event()}|{history}"


def data_stamp() -> str:
    """What moves whenever a figure might: the sheets' stamp, and the stored results."""
    results = CandidateResult.objects.aggregate(count=Count("pk"), last=Max("computed_at"))
    return f"{sheets_stamp()}|{results['count']}|{results['last']}"


def kept(name: str, stamp: str, compute: Callable[[], T]) -> T:
    """``compute()``'s value, kept in the cache under ``name`` and ``stamp``."""
    key = "certif.stats:" + hashlib.sha256(f"{VERSION}|{name}|{stamp}".encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, timeout=KEEP_SECONDS)
    return found
