"""What deposits add to the official documents: the convocation's files to deposit, the
relevé's approved mémoire subject."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser
from django.utils import timezone

from certif.documents.models import Kind
from certif.sessions.models import ExamSession
from certif.submissions.models import Subject, SubjectStatus
from tests.documents.test_content import issue
from tests.support.documents import candidate, pdf_text

pytestmark = pytest.mark.django_db


def test_the_convocation_says_which_files_to_deposit_and_until_when(
    session: ExamSession, staff: AbstractUser
) -> None:
    text = " ".join(pdf_text(bytes(issue(Kind.CONVOCATION, session, staff, "C002").pdf)).split())
    referential = session.referential_version.referential
    support = referential.deliverable("B1Support").deliverable
    assert "DOCUMENTS À DÉPOSER AVANT LES ÉPREUVES" in text.upper()
    assert f"B1 — {support.label}" in text
    assert f"PDF, {support.max_size_mb} Mo au plus" in text


def test_the_releve_names_the_approved_memoire_subject(
    session: ExamSession, staff: AbstractUser
) -> None:
    Subject.objects.create(
        candidate=candidate("C001"),
        title="Conseiller les dirigeants de PME",
        problem="P",
        outline="O",
        status=SubjectStatus.APPROVED,
        proposed_at=timezone.now(),
        reviewed_at=timezone.now(),
    )
    text = " ".join(pdf_text(bytes(issue(Kind.RELEVE, session, staff, "C001").pdf)).split())
    assert "Sujet du mémoire : « Conseiller les dirigeants de PME »" in text
