"""The receipt of a deposit (« accusé de dépôt »): a Typst PDF dated at the deposit, quoting
the file's SHA-256. Drawn once, at the deposit (or at its first download if drawing failed then),
and kept by `certif.submissions` under its own digest (`Deposit.receipt_sha256`): every later
download gives the same bytes, whatever changed in the certifier's or the candidate's record."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from certif.documents.content import Issuer
from certif.documents.french import clock, long_date
from certif.documents.rendering import render_pdf
from certif.submissions.models import Deposit

RECEIPT = "recu"


def _size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size} octets"
    return f"{size / (1024 * 1024):.1f} Mo ({size} octets)".replace(".", ",", 1)


def receipt_data(deposit: Deposit) -> dict[str, Any]:
    referential = deposit.session.referential_version.referential
    placed = referential.deliverable(deposit.deliverable)
    issuer = Issuer.load(referential)
    moment = timezone.localtime(deposit.deposited_at)
    return {
        "certifier": {"name": issuer.legal_name, "address": issuer.address},
        "receipt": {
            "candidate": deposit.candidate.display_name,
            "numero": deposit.candidate.numero,
            "session": deposit.session.code,
            "deliverable": deposit.deliverable,
            "deliverable_label": placed.deliverable.label,
            "file": deposit.original_name,
            "version": str(deposit.version),
            "deposited_on": long_date(moment.date()),
            "deposited_at": clock(moment),
            "due": long_date(deposit.due_date) if deposit.due_date else "non fixée",
            "size": _size(deposit.size),
            "pages": str(deposit.page_count),
            "counted": "" if deposit.counted_pages is None else str(deposit.counted_pages),
            "subject": deposit.subject.title if deposit.subject_id and deposit.subject else "",
            "sha256": deposit.sha256,
        },
    }


def receipt_pdf(deposit: Deposit) -> bytes:
    return render_pdf(RECEIPT, receipt_data(deposit), deposit.deposited_at)
