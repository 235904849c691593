"""The purge's erasure of deposited files (mémoires, written supports) whose period is over.

As on anonymisation (``certif.submissions.services.erase_candidate_files``), the records stay —
session, deliverable, version, hash, size, pages, dates — as the trace of what was graded and
for the statistics; the file's name goes with the file (it often names its author), and so
does the kept receipt, which names the candidate (drawn again from the record if asked later).
An empty file name is what says a deposit's file was erased. The store (a folder or a bucket)
is content-addressed: a content another deposit still holds (same SHA-256, as its file or its
receipt) stays for it. Files are removed only once the purge's transaction commits, so a
failed purge leaves every file in place.
"""

from __future__ import annotations

from collections.abc import Collection

from django.db import transaction
from django.db.models import Q, QuerySet

from certif.submissions.models import Deposit
from certif.submissions.services import deposit_store


def _held(hashes: Collection[str], *, besides: Collection[int] = ()) -> set[str]:
    """Which of ``hashes`` a deposit (``besides`` left out) still holds: as its file, while
    the file is not erased, or as its kept receipt."""
    holding = Deposit.objects.filter(
        (Q(sha256__in=hashes) & ~Q(original_name="")) | Q(receipt_sha256__in=hashes)
    ).exclude(pk__in=besides)
    return {
        digest
        for pair in holding.values_list("sha256", "receipt_sha256")
        for digest in pair
        if digest in hashes
    }


def erase_files(expired: QuerySet[Deposit]) -> int:
    """Within the caller's transaction: clear the file name and the receipt of the ``expired``
    deposits and remove their files and receipts after commit, but for a content another
    deposit still holds. The number of deposits whose file goes."""
    ids = list(expired.values_list("pk", flat=True))
    doomed = Deposit.objects.filter(pk__in=ids)
    hashes = {
        digest
        for pair in doomed.values_list("sha256", "receipt_sha256")
        for digest in pair
        if digest
    }
    unheld = hashes - _held(hashes, besides=ids)
    erased = doomed.update(original_name="", receipt_sha256="")
    if unheld:
        transaction.on_commit(lambda: _delete_unheld(unheld))
    return erased


def _delete_unheld(hashes: set[str]) -> None:
    """Asked again after commit: a deposit of the same content committed meanwhile keeps it."""
    store = deposit_store()
    for sha256 in sorted(hashes - _held(hashes)):
        store.delete(sha256)
