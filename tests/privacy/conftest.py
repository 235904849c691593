"""A closed jury that certified C001 and not C002, the CDC's identifiers (fixtures of
``tests.support.declarations`` and ``tests.support.deliberations``), and issued documents."""

from __future__ import annotations

import hashlib
from datetime import datetime

import pytest
from django.utils import timezone

from certif.candidates.models import Candidate
from certif.documents.models import IssuedDocument, Kind
from tests.support.declarations import (  # noqa: F401
    cdc_settings,
    certified,
    version,
)
from tests.support.deliberations import (  # noqa: F401
    client_for,
    deliberation,
    jury,
    session,
)

PDF = b"%PDF-1.7 parchemin de Marie DUPONT"


def issued(candidate: Candidate, kind: Kind, at: datetime | None = None) -> IssuedDocument:
    """A document as the registry keeps it (its rendering is the documents' tests' business)."""
    content = PDF + kind.value.encode()
    return IssuedDocument.objects.create(
        kind=kind,
        subject=f"{kind.value}:{candidate.pk}",
        candidate=candidate,
        session=candidate.enrolments.first().session
        if candidate.enrolments.exists()
        else candidate.sheets.first().session,
        title="Certificat de la certification professionnelle « Chargé(e) de clientèle »",
        holder_name=candidate.display_name,
        issued_at=at or timezone.now(),
        sha256=hashlib.sha256(content).hexdigest(),
        pdf=content,
        data={"holder": candidate.display_name, "birth_date": str(candidate.birth_date)},
    )


@pytest.fixture
def parchemin(request: pytest.FixtureRequest, candidates: list[Candidate]) -> IssuedDocument:
    request.getfixturevalue("certified")
    return issued(candidates[0], Kind.PARCHEMIN)


@pytest.fixture
def convocation(request: pytest.FixtureRequest, candidates: list[Candidate]) -> IssuedDocument:
    request.getfixturevalue("certified")
    return issued(candidates[0], Kind.CONVOCATION)
