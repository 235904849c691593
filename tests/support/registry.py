"""Issued documents as the registry keeps them, written directly: for the tests of what is done
to the registry (backups, anonymisation, retention), not of how documents are rendered."""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.utils import timezone

from certif.candidates.models import Candidate
from certif.documents.models import IssuedDocument, Kind

PDF = b"%PDF-1.7 parchemin de Marie DUPONT"


def issued(candidate: Candidate, kind: Kind, at: datetime | None = None) -> IssuedDocument:
    """A valid document of ``kind`` for ``candidate``, in the session they were graded in."""
    content = PDF + kind.value.encode()
    sheet = candidate.sheets.select_related("session").first()
    assert sheet is not None, "the candidate was graded in a session"
    return IssuedDocument.objects.create(
        kind=kind,
        subject=f"{kind.value}:{candidate.pk}",
        candidate=candidate,
        session=sheet.session,
        title="Certificat de la certification professionnelle « Chargé(e) de clientèle »",
        holder_name=candidate.display_name,
        issued_at=at or timezone.now(),
        sha256=hashlib.sha256(content).hexdigest(),
        pdf=content,
        data={"holder": candidate.display_name, "birth_date": str(candidate.birth_date)},
    )
