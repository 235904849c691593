"""What a deliberation is asked to decide, as its session knew it.

The proposal of session S's deliberation comes from the sheets S could know: the submitted
sheets that count of the sessions that began on or before S's first day, never a later one,
judged by S's référentiel version (``certif.results.services.decisions_as_known_by``). On top:

- a unit the candidate sits in S whose S sheet is not submitted yet waits, « incomplet »
  (grading unfinished), unless its earlier sheets already validate it;
- a unit a closed act of an earlier session validated is **acquired for life**: it is not
  decided again, and cites the act that granted it;
- a unit not assessed, or incomplete, gets no decision (« non présenté », « en attente de
  notes »): a jury decides « validé » or « non validé » only;
- the certification follows the blocks: it is derived from their decisions, whenever one
  changes.

Every threshold and number of points comes from the référentiel, through the engine's results.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.db.models import Exists, Q
from django.utils.formats import date_format

from certif.deliberations.standing import Act
from certif.domain.numbers import format_quantity, format_score
from certif.domain.rules.engine import Unfinished
from certif.domain.rules.results import BlockResult, CandidateResult, Status, UnitResult
from certif.grading.models import COUNTING, ScoreSheet, SheetStatus
from certif.sessions.models import Enrolment, ExamSession
from certif.sessions.queries import outer_unit

# A score this close to its threshold (either side, on the block's own scale) is worth the
# jury's attention: a convention of the jury's work, not a rule of the référentiel.
BORDERLINE_MARGIN = Fraction(1)

VALIDATED = Status.VALIDATED.value
NOT_VALIDATED = Status.NOT_VALIDATED.value
UNDECIDABLE = (Status.NOT_ASSESSED.value, Status.INCOMPLETE.value)


@dataclass(frozen=True)
class Proposal:
    status: str
    score: str
    explanation: str
    snapshot: dict[str, Any]
    borderline: bool


# The certification's line before it follows its blocks (``services._follow``).
NO_PROPOSAL = Proposal(NOT_VALIDATED, "", "", {}, False)


def is_borderline(unit: UnitResult) -> bool:
    """A retained score within ``BORDERLINE_MARGIN`` of the threshold the engine applied."""
    if unit.score is None or unit.threshold is None:
        return False
    return abs(unit.score - unit.threshold) <= BORDERLINE_MARGIN


def score_text(unit: UnitResult) -> str:
    """« 14,50/20 », « 14,50 » without a scale; nothing for a pass/fail unit or no score."""
    if unit.pass_fail or unit.score is None:
        return ""
    if unit.out_of is None:
        return format_score(unit.score)
    return f"{format_score(unit.score)}/{format_quantity(unit.out_of)}"


def block_score_text(block: BlockResult) -> str:
    """« 14,50/20 », or per part « particulier 12,00/20 · pme — » for a block with parts."""
    if block.parts:
        if all(part.score is None for part in block.parts.values()):
            return ""
        return " · ".join(f"{code} {score_text(part) or '—'}" for code, part in block.parts.items())
    return score_text(block.unit) if block.unit is not None else ""


def block_borderline(block: BlockResult) -> bool:
    units = list(block.parts.values()) if block.parts else [block.unit] if block.unit else []
    return any(is_borderline(unit) for unit in units)


def block_proposal(block: BlockResult) -> Proposal:
    return Proposal(
        status=block.status.value,
        score=block_score_text(block),
        explanation=block.explanation("fr"),
        snapshot=block.to_dict(),
        borderline=block_borderline(block),
    )


def absent_block(code: str, name: str) -> BlockResult:
    """A block of the session's référentiel the candidate's decision lacks: not assessed."""
    return BlockResult(code=code, name=name, status=Status.NOT_ASSESSED)


# -- the certification follows the blocks ----------------------------------------------------


def certification_of(
    statuses: Mapping[str, str], names: Mapping[str, str], required: Sequence[str], label: str
) -> tuple[str, CandidateResult]:
    """The certification the blocks' decisions (``statuses``, by code) give: validated when
    every required unit is, else not validated; its explanation names the units."""
    blocks = {
        code: BlockResult(code=code, name=names.get(code, code), status=Status(status))
        for code, status in statuses.items()
    }
    certified = all(code in blocks and blocks[code].validated for code in required)
    decided = CandidateResult(
        referential=label, blocks=blocks, certified=certified, required=tuple(required)
    )
    return (VALIDATED if certified else NOT_VALIDATED), decided


def certification_proposal(
    statuses: Mapping[str, str], names: Mapping[str, str], required: Sequence[str], label: str
) -> Proposal:
    status, decided = certification_of(statuses, names, required, label)
    return Proposal(
        status=status,
        score="",
        explanation=decided.explanation("fr"),
        snapshot=decided.to_dict(),
        borderline=False,
    )


def explain_snapshot(unit: str, snapshot: Mapping[str, Any], certification: str, lang: str) -> str:
    """The proposal's explanation in ``lang``, rendered again from the copy kept."""
    if not snapshot:
        return ""
    if unit == certification:
        return CandidateResult.from_dict(snapshot).explanation(lang)
    return BlockResult.from_dict(snapshot).explanation(lang)


# -- what the session's grading leaves unfinished --------------------------------------------


def _submitted_in(session: ExamSession) -> Q:
    """An enrolment whose unit has a submitted sheet that counts, in the session."""
    submitted = ScoreSheet.objects.filter(
        session=session,
        **outer_unit(with_session=False),
        marking__in=COUNTING,
        status=SheetStatus.SUBMITTED,
    )
    return Q(Exists(submitted))


def unfinished_units(session: ExamSession, candidate_ids: Iterable[int]) -> dict[int, Unfinished]:
    """Per candidate, the units they sit in the session whose sheet that counts is not
    submitted (or not opened): the deliberation proposes them « incomplet »."""
    found: dict[int, dict[tuple[str, str | None], str]] = defaultdict(dict)
    waiting = (
        Enrolment.objects.filter(session=session, candidate_id__in=list(candidate_ids))
        .exclude(_submitted_in(session))
        .values_list("candidate_id", "block__code", "part")
    )
    for candidate_id, block, part in waiting:
        found[candidate_id][(block, part or None)] = session.code
    return dict(found)


def grading_left(session: ExamSession) -> list[str]:
    """The units of the session still without a submitted sheet that counts, each as
    « C000007 — B3 — PME », in numero order: what opening the deliberation now would leave
    « en attente de notes »."""
    waiting = (
        Enrolment.objects.filter(session=session)
        .exclude(_submitted_in(session))
        .select_related("candidate", "block")
        .order_by("candidate__numero", "block__position", "part")
    )
    return [f"{e.candidate.numero} — {e.block.unit_label(e.part)}" for e in waiting]


# -- acquired for life -------------------------------------------------------------------------


def granting_text(decision: Any) -> str:
    """« validé par le jury du 26 juin 2026 (session 2026-06, délibération n° 1) »."""
    act = decision.deliberation
    return (
        f"validé par le jury du {date_format(act.date, 'j F Y')} (session "
        f"{act.session.code}, délibération n° {act.number})"
    )


def acquired_proposal(code: str, name: str, act: Act) -> Proposal:
    """A unit an earlier jury validated: acquired for life, citing that jury."""
    return Proposal(
        status=VALIDATED,
        score="",
        explanation=f"{name or code} acquis : validé par le {act.text()}",
        snapshot={"code": code, "name": name, "status": VALIDATED, "acquired": act.summary()},
        borderline=False,
    )
