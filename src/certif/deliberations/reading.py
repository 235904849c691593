"""What a candidate may read of the jury's decisions: only closed and published acts, and only
their own decisions."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from certif.candidates.models import Candidate
from certif.deliberations.models import (
    CERTIFICATION,
    Decision,
    Deliberation,
    Resolution,
    State,
    UnitStatus,
)
from certif.deliberations.proposals import explain_snapshot
from certif.deliberations.standing import UnitStanding, standing_of
from certif.results.models import CandidateResult
from certif.sessions.models import ExamSession


@dataclass(frozen=True)
class PublishedUnit:
    unit: str
    name: str
    status: str
    status_label: str
    overridden: bool
    justification: str
    # What the evaluations gave, as the jury saw it when it decided.
    explanation: str
    # The jury that decided (« jury du 26 juin 2026 (session 2026-06, délibération n° 1) »).
    act: str = ""


@dataclass(frozen=True)
class PublishedResult:
    deliberation: Deliberation
    certification: PublishedUnit | None
    blocks: list[PublishedUnit]


def _published() -> Q:
    return Q(deliberation__status=State.CLOSED, deliberation__published_at__isnull=False)


def certification_label(status: str) -> str:
    if status == UnitStatus.VALIDATED:
        return _("certification obtenue")
    return _("certification non obtenue")


def published_result(candidate: Candidate, lang: str) -> PublishedResult | None:
    """What the candidate may read of their standing: for each unit and the certification,
    the jury decision of the acts published to them (a unit validated by any is acquired; else
    the latest session's word), headed by the latest published act that concerns them. A unit
    no published act decided reads « pas encore délibéré »: the rules' proposals are never
    shown to a candidate before their jury."""
    latest = (
        Deliberation.objects.filter(
            status=State.CLOSED, published_at__isnull=False, decisions__candidate=candidate
        )
        .select_related("session")
        .order_by("-closed_at", "-pk")
        .first()
    )
    stored = CandidateResult.objects.filter(candidate=candidate).first()
    if latest is None or stored is None:
        return None
    found = standing_of(candidate.pk, stored.decision, published_only=True)
    acts = [unit.act for unit in [*found.units.values(), found.certification] if unit.act]
    decisions = Decision.objects.in_bulk([act.decision_id for act in acts])
    blocks = [_published_unit(unit, decisions, lang) for unit in found.units.values()]
    certification = _published_unit(found.certification, decisions, lang, certification=True)
    return PublishedResult(latest, certification, blocks)


def _published_unit(
    unit: UnitStanding, decisions: dict[int, Decision], lang: str, *, certification: bool = False
) -> PublishedUnit:
    name = _("Certification") if certification else unit.name
    shown_name = "" if name == unit.code else name
    if unit.act is None:
        return PublishedUnit(unit.code, shown_name, "", _("pas encore délibéré"), False, "", "")
    decision = decisions[unit.act.decision_id]
    label = (
        certification_label(decision.status)
        if certification
        else str(UnitStatus(decision.status).label)
    )
    return PublishedUnit(
        unit=unit.code,
        name=shown_name,
        status=decision.status,
        status_label=label,
        overridden=decision.resolution == Resolution.OVERRIDDEN,
        justification=decision.justification,
        explanation=explain_snapshot(decision.unit, decision.snapshot, CERTIFICATION, lang)
        or decision.explanation,
        act=unit.act.text(),
    )


def sessions_awaiting_publication(candidate: Candidate) -> list[ExamSession]:
    """The candidate's sessions without any published decision about them yet."""
    published = Decision.objects.filter(_published(), candidate=candidate).values(
        "deliberation__session_id"
    )
    return list(
        ExamSession.objects.filter(
            Q(pk__in=candidate.sheets.values("session_id"))
            | Q(pk__in=candidate.enrolments.values("session_id"))
        )
        .exclude(pk__in=published)
        .order_by("-start_date", "-code")
    )
