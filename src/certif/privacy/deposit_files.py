"""The purge's erasure of deposited files (mémoires, written supports) whose period is over.

As on anonymisation (``certif.submissions.services.erase_candidate_files``), the records stay —
session, deliverable, version, hash, size, pages, dates — as the trace of what was graded and
for the statistics; the file's name goes with the file (it often names its author), and an
empty name is what says a deposit's file was erased. The store is content-addressed: a file
whose content a deposit still held shares (same SHA-256) stays for it. Files are removed only
once the purge's transaction commits, so a failed purge leaves every file in place.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from django.db import transaction
from django.db.models import QuerySet

from certif.deposits.storage import stored_path
from certif.submissions.models import Deposit
from certif.submissions.queries import store_folder


def _held_hashes(hashes: Iterable[str], *, besides: QuerySet[Deposit] | None = None) -> set[str]:
    """Which of ``hashes`` a deposit still holding its file (``besides`` left out) stores."""
    holding = Deposit.objects.filter(sha256__in=set(hashes)).exclude(original_name="")
    if besides is not None:
        holding = holding.exclude(pk__in=besides.values("pk"))
    return set(holding.values_list("sha256", flat=True))


def erase_files(expired: QuerySet[Deposit]) -> int:
    """Within the caller's transaction: clear the name of the ``expired`` deposits and remove
    their files after commit, but for a content another deposit still holds. The number of
    deposits whose file goes."""
    ids = list(expired.values_list("pk", flat=True))
    doomed = Deposit.objects.filter(pk__in=ids)
    hashes = set(doomed.values_list("sha256", flat=True))
    unshared = hashes - _held_hashes(hashes, besides=doomed)
    erased = doomed.update(original_name="")
    if unshared:
        folder = store_folder()
        transaction.on_commit(lambda: _unlink_unheld(folder, unshared))
    return erased


def _unlink_unheld(folder: Path, hashes: set[str]) -> None:
    """Asked again after commit: a deposit of the same content committed meanwhile keeps it."""
    for sha256 in hashes - _held_hashes(hashes):
        stored_path(folder, sha256).unlink(missing_ok=True)
