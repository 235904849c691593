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
from certif.domain.rules.results import BlockResult, Status
from certif.domain.rules.results import CandidateResult as EngineDecision
from certif.referential.models import Block
from certif.sessions.models import ExamSession


@dataclass(frozen=True)
class PublishedUnit:
    unit: str
    name: str
    status: str
    status_label: str
    overridden: bool
    justification: str
    explanation: str


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
    """The candidate's decisions in the latest closed and published act that concerns them
    (an amendment supersedes the acts before it)."""
    latest = (
        Deliberation.objects.filter(
            status=State.CLOSED, published_at__isnull=False, decisions__candidate=candidate
        )
        .select_related("session")
        .order_by("-closed_at", "-pk")
        .first()
    )
    if latest is None:
        return None
    names = dict(
        Block.objects.filter(version_id=latest.session.referential_version_id).values_list(
            "code", "title"
        )
    )
    decisions = list(
        Decision.objects.filter(deliberation=latest, candidate=candidate).order_by("position")
    )
    blocks = [
        _published_unit(decision, names.get(decision.unit, ""), lang)
        for decision in decisions
        if decision.unit != CERTIFICATION
    ]
    certification = next(
        (
            _published_certification(decision, decisions, lang)
            for decision in decisions
            if decision.unit == CERTIFICATION
        ),
        None,
    )
    return PublishedResult(latest, certification, blocks)


def _published_unit(decision: Decision, name: str, lang: str) -> PublishedUnit:
    return PublishedUnit(
        unit=decision.unit,
        name=name,
        status=decision.status,
        status_label=str(UnitStatus(decision.status).label),
        overridden=decision.resolution == Resolution.OVERRIDDEN,
        justification=decision.justification,
        explanation=explain_snapshot(decision.unit, decision.snapshot, CERTIFICATION, lang),
    )


def _published_certification(
    certification: Decision, decisions: list[Decision], lang: str
) -> PublishedUnit:
    return PublishedUnit(
        unit=certification.unit,
        name=_("Certification"),
        status=certification.status,
        status_label=certification_label(certification.status),
        overridden=certification.resolution == Resolution.OVERRIDDEN,
        justification=certification.justification,
        explanation=jury_certification_explanation(certification, decisions, lang),
    )


def jury_certification_explanation(
    certification: Decision, decisions: list[Decision], lang: str
) -> str:
    """The certification explained from the jury's decisions on the blocks, not from the
    engine's proposals: a block the jury validated reads as validated."""
    proposal = certification.snapshot
    if not proposal:
        return certification.explanation
    engine_blocks = EngineDecision.from_dict(proposal).blocks
    blocks = {
        decision.unit: BlockResult(
            code=decision.unit,
            name=engine_blocks[decision.unit].name
            if decision.unit in engine_blocks
            else decision.unit,
            status=Status(decision.status),
        )
        for decision in decisions
        if decision.unit != CERTIFICATION
    }
    required = tuple(code for code in proposal["required"] if code in blocks)
    if not required:
        return certification.explanation
    decided = EngineDecision(
        referential=proposal["referential"],
        blocks=blocks,
        certified=certification.status == UnitStatus.VALIDATED,
        required=required,
    )
    return decided.explanation(lang)


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
