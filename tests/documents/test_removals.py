"""What documents say when a session or an enrolment is about to be removed."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser

from certif.documents import services
from certif.documents.models import IssuedDocument, Kind
from certif.documents.removals import documents_issued
from certif.referential.models import Block
from certif.sessions.models import ExamSession
from certif.sessions.services import Removal
from tests.support.documents import candidate

pytestmark = pytest.mark.django_db


def _b1(session: ExamSession, numero: str) -> Removal:
    block = Block.objects.get(version=session.referential_version, code="B1")
    return Removal(candidate(numero).pk, block.pk, "")


def test_a_convocation_in_force_keeps_the_enrolments_it_names(
    session: ExamSession, staff: AbstractUser
) -> None:
    services.issue(services.Subject(Kind.CONVOCATION, session, candidate("C002")), staff)
    assert documents_issued(session, [_b1(session, "C002")]) == [
        "une convocation en vigueur la mentionne (révoquez-la, puis délivrez-en une nouvelle)"
    ]
    assert documents_issued(session, [_b1(session, "C001")]) == []


def test_a_session_with_documents_is_kept_and_they_are_counted(
    session: ExamSession, staff: AbstractUser
) -> None:
    minutes = IssuedDocument.objects.filter(session=session).count()
    for numero in ("C001", "C002"):
        services.issue(services.Subject(Kind.CONVOCATION, session, candidate(numero)), staff)
    assert documents_issued(session, None) == [
        f"{minutes + 2} documents officiels ont été délivrés pour elle"
    ]
