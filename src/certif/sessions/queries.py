"""Reading sessions: a candidate's enrolments, session by session."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import OuterRef, Q, QuerySet

from certif.candidates.models import Candidate
from certif.domain.units import UnitRef
from certif.sessions.models import Enrolment, ExamSession


def outer_unit(*, with_session: bool = True) -> dict[str, OuterRef]:
    """A subquery's lookups for the unit of the outer row (an enrolment, an assignment, a
    sheet): its candidate, block and part, and its session unless the subquery names one."""
    keys = ("session_id", "candidate_id", "block_id", "part")
    return {key: OuterRef(key) for key in (keys if with_session else keys[1:])}


@dataclass(frozen=True)
class SessionEnrolments:
    session: ExamSession
    units: list[str] = field(default_factory=list)


def enrolments_of(candidate: Candidate) -> list[SessionEnrolments]:
    by_session: dict[int, SessionEnrolments] = {}
    enrolments = (
        Enrolment.objects.filter(candidate=candidate)
        .select_related("session", "block")
        .order_by("session__start_date", "session__code", "block__position", "part")
    )
    for enrolment in enrolments:
        entry = by_session.setdefault(enrolment.session_id, SessionEnrolments(enrolment.session))
        entry.units.append(enrolment.block.unit_label(enrolment.part))
    return list(by_session.values())


def enrolled_candidates(session: ExamSession, unit: UnitRef | None = None) -> QuerySet[Candidate]:
    """Candidates enrolled in the session (in ``unit`` if given), as a query to page through."""
    enrolments = Enrolment.objects.filter(session=session)
    if unit is not None:
        enrolments = enrolments.filter(block__code=unit[0], part=unit[1])
    return Candidate.objects.filter(pk__in=enrolments.values("candidate_id"))


def sessions_open_for_enrolment() -> QuerySet[ExamSession]:
    """Sessions a partner may enrol its candidates in: not started yet (or undated)."""
    today = date.today()
    return ExamSession.objects.filter(Q(start_date__isnull=True) | Q(start_date__gte=today))
