"""The convocation's block of the bank of cases: which case each épreuve gives, by its
reference, never its content."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser

from certif.casebank.models import Draw
from certif.casebank.services import draw_cases
from certif.documents import services
from certif.documents.models import IssuedDocument, Kind
from certif.sessions.models import ExamSession
from tests.support.casebank import bank_of

pytestmark = pytest.mark.django_db


def test_the_convocation_names_each_drawn_case_by_its_reference_only(
    session: ExamSession, staff: AbstractUser
) -> None:
    for slot in session.referential_version.referential.case_slots():
        bank_of(slot.key, 8)
    draw_cases(session, actor=None)
    draw = Draw.objects.filter(session=session).select_related("case", "version").first()
    assert draw is not None
    services.generate(session, Kind.CONVOCATION, staff, acknowledged=True)
    document = IssuedDocument.objects.get(
        kind=Kind.CONVOCATION, session=session, candidate=draw.candidate
    )
    cases = document.data["cases"]
    assert draw.case.reference in [row["reference"] for row in cases]
    assert draw.version.text not in str(document.data)
