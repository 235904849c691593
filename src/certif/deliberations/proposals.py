"""The engine's proposals, as a deliberation copies them when it opens.

Everything is read from the stored decision (``CandidateResult.decision``): statuses, scores
and the thresholds the engine applied, which come from the référentiel. Nothing here knows a
threshold or a number of points.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from certif.domain.numbers import format_quantity, format_score
from certif.domain.rules.results import BlockResult, CandidateResult, Status, UnitResult

# A score this close to its threshold (either side, on the block's own scale) is worth the
# jury's attention: a convention of the jury's work, not a rule of the référentiel.
BORDERLINE_MARGIN = Fraction(1)


@dataclass(frozen=True)
class Proposal:
    status: str
    score: str
    explanation: str
    snapshot: dict[str, Any]
    borderline: bool


def is_borderline(unit: UnitResult) -> bool:
    """A retained score within ``BORDERLINE_MARGIN`` of the threshold the engine applied."""
    if unit.score is None or unit.threshold is None:
        return False
    return abs(unit.score - unit.threshold) <= BORDERLINE_MARGIN


def _score_text(unit: UnitResult) -> str:
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
        return " · ".join(
            f"{code} {_score_text(part) or '—'}" for code, part in block.parts.items()
        )
    return _score_text(block.unit) if block.unit is not None else ""


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
    """A block of the session's référentiel that the candidate's stored decision lacks (their
    decision follows another version): nothing assessed, nothing to propose but that."""
    return BlockResult(code=code, name=name, status=Status.NOT_ASSESSED)


def certification_proposal(decision: CandidateResult) -> Proposal:
    # The whole decision is kept: the certification's explanation names every required block.
    return Proposal(
        status=(Status.VALIDATED if decision.certified else Status.NOT_VALIDATED).value,
        score="",
        explanation=decision.explanation("fr"),
        snapshot=decision.to_dict(),
        borderline=False,
    )


def explain_snapshot(unit: str, snapshot: Mapping[str, Any], certification: str, lang: str) -> str:
    """The proposal's explanation in ``lang``, rendered again from the copy kept at opening."""
    if not snapshot:
        return ""
    if unit == certification:
        return CandidateResult.from_dict(snapshot).explanation(lang)
    return BlockResult.from_dict(snapshot).explanation(lang)
