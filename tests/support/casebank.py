"""Builders for the bank of cases: cases per slot, a session with enrolments and a timetable."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from certif.candidates.models import Candidate
from certif.casebank.models import Case, Draw
from certif.casebank.services import create_case, draw_cases
from certif.domain.units import UnitRef
from certif.referential.models import ReferentialVersion
from certif.sessions.models import ExamSession
from certif.sessions.services import enrol
from certif.sessions.timetable import Slot, set_timetable


def pdf_upload(name: str = "cas.pdf", pages: int = 2) -> SimpleUploadedFile:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/pdf")


def bank_case(slot: str, reference: str, *, text: str = "", pdf: bool = False) -> Case:
    data = {
        "slot": slot,
        "reference": reference,
        "title": f"Cas {reference}",
        "text": text or f"Situation du client du cas {reference}.",
        "client_script": "Le client hésite et pose des questions sur les frais.",
        "note": "",
    }
    return create_case(data, pdf_upload() if pdf else None, actor=None)


def bank_of(slot: str, count: int, prefix: str = "") -> list[Case]:
    prefix = prefix or slot.replace(":", "-").upper()
    return [bank_case(slot, f"{prefix}-{i:03d}") for i in range(1, count + 1)]


def case_session(
    version: ReferentialVersion,
    code: str,
    candidates: Sequence[Candidate],
    units: Sequence[tuple[str, str]],
    *,
    start: date | None = None,
) -> ExamSession:
    start = start or date.today() + timedelta(days=30)
    session = ExamSession.objects.create(
        code=code, start_date=start, end_date=start + timedelta(days=5), referential_version=version
    )
    enrol(session, [c.pk for c in candidates], list(units), include_acquired=True)
    return session


def set_start(session: ExamSession, unit: tuple[str, str], starts_at: datetime) -> None:
    """The unit's sitting starts at ``starts_at`` (the session's dates widened to hold it)."""
    day = timezone.localtime(starts_at).date()
    session.start_date = min(session.start_date or day, day)
    session.end_date = max(session.end_date or day, day)
    session.save(update_fields=["start_date", "end_date"])
    set_timetable(session, {UnitRef(*unit): Slot(starts_at, "Salle 1")}, None)


def opened_draw(session: ExamSession, unit: tuple[str, str] = ("B2", "")) -> Draw:
    """A case drawn in the session for its enrolled candidates, whose épreuve started an hour
    ago: readable by its evaluators and its candidate."""
    slot = unit[0] if not unit[1] else f"{unit[0]}:{unit[1]}"
    bank_case(slot, f"{slot.replace(':', '-')}-OUVERT")
    draw_cases(session, actor=None)
    set_start(session, unit, timezone.now() - timedelta(hours=1))
    return Draw.objects.filter(session=session, slot=slot).order_by("pk").first()  # type: ignore[return-value]
