"""Reading the bank of cases: its slots, when an épreuve starts, the lists the pages and the
API share."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Prefetch, Q, QuerySet

from certif.candidates.models import Candidate
from certif.casebank.models import Case, CaseVersion, Draw
from certif.domain.referential.schema import CaseSlot, Referential
from certif.referential.models import ReferentialVersion
from certif.referential.services import current_version
from certif.sessions.models import ExamSession, Sitting


def bank_referential() -> ReferentialVersion | None:
    """The référentiel whose case slots the bank offers: the current version."""
    return current_version()


def slots_of(version: ReferentialVersion | None) -> list[CaseSlot]:
    return version.referential.case_slots() if version is not None else []


def slot_label(referential: Referential | None, key: str) -> str:
    """« B3 — PME — Cas client »; the key itself when the référentiel no longer has it."""
    if referential is None:
        return key
    try:
        slot = referential.case_slot(key)
    except KeyError:
        return key
    return f"{slot.label} — {slot.case.label}"


def slot_choices(version: ReferentialVersion | None) -> list[tuple[str, str]]:
    referential = version.referential if version is not None else None
    return [(slot.key, slot_label(referential, slot.key)) for slot in slots_of(version)]


def _sitting_for(session: ExamSession, slot: CaseSlot) -> Sitting | None:
    """The épreuve's sitting: the modality's own when the timetable sits the block's modalities
    apart (B4Me1, B4Me2), else the unit's (a B3 part, B2). When both exist, the modality's."""
    sittings = Sitting.objects.filter(
        session=session, block__code=slot.block.code, part=slot.part
    ).order_by("starts_at")
    by_modality = {sitting.modality: sitting for sitting in sittings}
    code = slot.modality.code or ""
    return by_modality.get(code) or by_modality.get("")


def epreuve_start(session: ExamSession, key: str) -> datetime | None:
    """When the épreuve of the case slot ``key`` starts in the session; None without a slot."""
    try:
        slot = session.referential_version.referential.case_slot(key)
    except KeyError:
        return None
    sitting = _sitting_for(session, slot)
    return sitting.starts_at if sitting is not None else None


# -- the bank ---------------------------------------------------------------------------------


def bank(*, include_retired: bool = True) -> QuerySet[Case]:
    cases = Case.objects.annotate(
        version_count=Count("versions", distinct=True),
        draw_count=Count("draws", filter=Q(draws__current=True), distinct=True),
    )
    return cases if include_retired else cases.filter(retired_at__isnull=True)


def latest_version(case: Case) -> CaseVersion | None:
    return case.versions.order_by("-number").first()


def usage(case: Case) -> QuerySet[Draw]:
    """Every draw of the case, replaced ones included: its usage history."""
    return (
        Draw.objects.filter(case=case)
        .select_related("session", "candidate", "version", "drawn_by")
        .order_by("-drawn_at", "-pk")
    )


def cases_readable_by_evaluator(user_id: int) -> QuerySet[Case]:
    """The cases drawn for units the evaluator is assigned to, in the sessions of the draws."""
    from certif.sessions.models import Assignment

    assigned = Assignment.objects.filter(evaluator_id=user_id).values_list(
        "session_id", "block__code", "part"
    )
    condition = Q(pk__in=[])
    for session_id, block_code, part in set(assigned):
        condition |= Q(session_id=session_id, block_code=block_code, part=part)
    draws = Draw.objects.filter(condition, current=True)
    return Case.objects.filter(pk__in=draws.values("case_id"))


# -- draws ------------------------------------------------------------------------------------


def session_draws(session: ExamSession) -> QuerySet[Draw]:
    return (
        Draw.objects.filter(session=session, current=True)
        .select_related("candidate", "case", "version")
        .order_by("candidate__numero", "slot")
    )


def uses_in_session(session: ExamSession) -> Counter[int]:
    return Counter(
        Draw.objects.filter(session=session, current=True).values_list("case_id", flat=True)
    )


def draws_of_candidate(candidate: Candidate, session: ExamSession | None = None) -> list[Draw]:
    draws = Draw.objects.filter(candidate=candidate, current=True).select_related(
        "session__referential_version", "case", "version"
    )
    if session is not None:
        draws = draws.filter(session=session)
    return list(draws.order_by("-session__start_date", "session__code", "slot"))


@dataclass(frozen=True)
class OwnCase:
    """A case drawn for the candidate, as Mon espace shows it."""

    draw: Draw
    label: str
    starts_at: datetime | None
    open: bool


def own_cases(candidate: Candidate, now: datetime) -> list[OwnCase]:
    rows = []
    for draw in draws_of_candidate(candidate):
        starts = epreuve_start(draw.session, draw.slot)
        referential = draw.session.referential_version.referential
        rows.append(
            OwnCase(
                draw,
                slot_label(referential, draw.slot),
                starts,
                starts is not None and now >= starts,
            )
        )
    return rows


def convocation_cases(session: ExamSession, candidate_id: int) -> list[dict[str, str]]:
    """The case references a convocation announces: never their content."""
    draws = Draw.objects.filter(session=session, candidate_id=candidate_id, current=True)
    referential = session.referential_version.referential
    order = {slot.key: i for i, slot in enumerate(referential.case_slots())}
    rows = sorted(draws.select_related("case", "version"), key=lambda d: order.get(d.slot, 999))
    return [
        {
            "epreuve": slot_label(referential, draw.slot),
            "reference": draw.case.reference,
            "version": str(draw.version.number),
        }
        for draw in rows
    ]


def draws_for_unit(session_id: int, candidate_id: int, block_code: str, part: str) -> list[Draw]:
    """The cases drawn for a candidate's unit (a grid shows them to its evaluator)."""
    return list(
        Draw.objects.filter(
            session_id=session_id,
            candidate_id=candidate_id,
            block_code=block_code,
            part=part,
            current=True,
        )
        .select_related("case", "version")
        .order_by("slot")
    )


def versions(case: Case) -> QuerySet[CaseVersion]:
    return case.versions.prefetch_related(
        Prefetch("draws", queryset=Draw.objects.filter(current=True))
    ).order_by("-number")
