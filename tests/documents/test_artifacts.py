"""Every template rendered to PNG, for visual review (test-artifacts/documents/), without a
warning from Typst: no missing font, no missing glyph."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser

from certif.deliberations.models import Deliberation
from certif.documents import services
from certif.documents.models import IssuedDocument, Kind
from certif.documents.rendering import renderer
from certif.sessions.models import ExamSession
from tests.browser.pages import ARTIFACTS
from tests.support.documents import candidate

pytestmark = pytest.mark.django_db


def one_of_each(
    session: ExamSession, closed: Deliberation, actor: AbstractUser
) -> list[IssuedDocument]:
    subjects = [
        services.Subject(Kind.PARCHEMIN, session, candidate("C001")),
        services.Subject(Kind.ATTESTATION, session, candidate("C002"), block_code="B2"),
        services.Subject(Kind.RELEVE, session, candidate("C002")),
        services.Subject(Kind.CONVOCATION, session, candidate("C002")),
    ]
    minutes = services.minutes_document(closed)
    assert minutes is not None
    return [*(services.issue(subject, actor) for subject in subjects), minutes]


def test_each_template_renders_to_png_without_warnings(
    session: ExamSession, closed: Deliberation, staff: AbstractUser
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for stale in ARTIFACTS.glob("*.png"):
        stale.unlink()
    for document in one_of_each(session, closed, staff):
        pdf, warnings = renderer(document.kind).pdf_with_warnings(document.data, document.issued_at)
        assert warnings == [], document.kind
        assert pdf[:5] == b"%PDF-"
        pages = renderer(document.kind).png_pages(document.data, ppi=96)
        for number, png in enumerate(pages, start=1):
            assert png[:8] == b"\x89PNG\r\n\x1a\n"
            (ARTIFACTS / f"{document.kind}-{number}.png").write_bytes(png)
    assert (ARTIFACTS / "parchemin-1.png").exists()
    assert not (ARTIFACTS / "parchemin-2.png").exists()  # a parchemin is one page
