"""What a candidate may read of the jury's decisions: only closed and published acts, and only
their own decisions; what a partner's portal shows of its own candidates' is the same reading."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from django.db.models import Q
from django.utils.translation import get_language
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
from certif.partners.models import Partner
from certif.results.models import CandidateResult
from certif.results.partner_figures import PartnerFigures, figures_of
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


# -- a partner's candidates: what its portal shows and exports ---------------------------------


@dataclass(frozen=True)
class ResultRow:
    candidate: Candidate
    result: PublishedResult | None


def published_results(partner: Partner) -> list[ResultRow]:
    lang = get_language() or "fr"
    candidates = Candidate.objects.filter(partner=partner).order_by("birth_name", "numero")
    return [ResultRow(candidate, published_result(candidate, lang)) for candidate in candidates]


def published_figures(partner: Partner) -> PartnerFigures:
    """The partner's figures from its candidates' published results only: the rules' proposals
    and unpublished decisions are never shown to a partner."""
    statuses = [
        (
            row.result.certification is not None
            and row.result.certification.status == UnitStatus.VALIDATED,
            {unit.unit: unit.status for unit in row.result.blocks},
        )
        for row in published_results(partner)
        if row.result is not None
    ]
    return figures_of(statuses)


@dataclass(frozen=True)
class ShownResults:
    """What the results page shows: the published rows, their block codes, and how many of
    the partner's candidates have no published result yet."""

    rows: list[ResultRow]
    codes: list[str]
    waiting: int


def shown_results(partner: Partner) -> ShownResults:
    rows = published_results(partner)
    published = [row for row in rows if row.result is not None]
    first = next((row.result for row in published if row.result is not None), None)
    codes = [unit.unit for unit in first.blocks] if first is not None else []
    return ShownResults(published, codes, len(rows) - len(published))


def results_frame(shown: ShownResults) -> pl.DataFrame:
    """The results table as the page shows it: numero, name, each block's decision, the
    certification's, in the reader's language."""
    header = ["numero", "candidat", *shown.codes, "certification"]
    lines = []
    for row in shown.rows:
        result = row.result
        assert result is not None  # shown rows are the published ones
        blocks = {unit.unit: unit.status_label for unit in result.blocks}
        certification = result.certification.status_label if result.certification else ""
        lines.append(
            [
                row.candidate.numero,
                row.candidate.display_name,
                *(blocks.get(code, "") for code in shown.codes),
                certification,
            ]
        )
    return pl.DataFrame(lines, schema={name: pl.String for name in header}, orient="row")
