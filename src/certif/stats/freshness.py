"""When statistics must be computed again: a stamp of what they are made of.

- every write of Certif's services is journalled (``certif.core.audit``) in the transaction
  that makes it — sheets, scores, imports, enrolments, candidates, juries' acts — so the
  journal's last event moves with them (its primary key: read from the index, at once);
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

from certif.core.models import AuditEvent
from certif.grading.models import ScoreChange
from certif.results.models import CandidateResult

T = TypeVar("T")
VERSION = "1"
KEEP_SECONDS = 24 * 3600


def data_stamp() -> str:
    """What changes whenever a figure might."""
    journal = AuditEvent.objects.aggregate(last=Max("pk"))["last"]
    history = ScoreChange.objects.aggregate(last=Max("pk"))["last"]
    results = CandidateResult.objects.aggregate(count=Count("pk"), last=Max("computed_at"))
    return f"{journal}|{history}|{results['count']}|{results['last']}"


def sheets_stamp() -> str:
    """The sheets' part of the stamp: the journal and the scores' history."""
    journal = AuditEvent.objects.aggregate(last=Max("pk"))["last"]
    history = ScoreChange.objects.aggregate(last=Max("pk"))["last"]
    return f"{journal}|{history}"


def kept(name: str, stamp: str, compute: Callable[[], T]) -> T:
    """``compute()``'s value, kept in the cache under ``name`` and ``stamp``."""
    key = "certif.stats:" + hashlib.sha256(f"{VERSION}|{name}|{stamp}".encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, timeout=KEEP_SECONDS)
    return found
