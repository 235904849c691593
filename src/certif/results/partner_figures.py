"""Per-partner figures: how many candidates a partner prepared, their pass rate in each block
and their certification rate, from the stored decisions (the rules engine's, as the candidates'
list shows them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from certif.domain.rules.results import Status
from certif.results.models import CandidateResult

EVALUATED = {Status.VALIDATED.value, Status.NOT_VALIDATED.value}


@dataclass(frozen=True)
class BlockFigure:
    block: str
    evaluated: int
    validated: int

    @property
    def rate(self) -> int | None:
        """Validated among the evaluated, as a whole percentage; None when nobody was."""
        return round(100 * self.validated / self.evaluated) if self.evaluated else None


@dataclass(frozen=True)
class PartnerFigures:
    candidates: int
    certified: int
    blocks: list[BlockFigure] = field(default_factory=list)

    @property
    def certification_rate(self) -> int | None:
        return round(100 * self.certified / self.candidates) if self.candidates else None


def figures_of(statuses: list[tuple[bool, dict[str, str]]]) -> PartnerFigures:
    """Figures from (certified, status of each block) per candidate."""
    evaluated: dict[str, int] = {}
    validated: dict[str, int] = {}
    for _certified, unit_statuses in statuses:
        for code, status in unit_statuses.items():
            if status in EVALUATED:
                evaluated[code] = evaluated.get(code, 0) + 1
                validated[code] = validated.get(code, 0) + (status == Status.VALIDATED.value)
    blocks = [BlockFigure(code, evaluated[code], validated[code]) for code in sorted(evaluated)]
    certified = sum(1 for done, _blocks in statuses if done)
    return PartnerFigures(len(statuses), certified, blocks)


def partner_figures(partner: Any) -> PartnerFigures:
    """The figures of the candidates linked to ``partner``, from the stored decisions (for
    the certifier's staff: the partner reads its published results only)."""
    summaries = CandidateResult.objects.filter(candidate__partner=partner).values_list(
        "summary", flat=True
    )
    statuses = [
        (
            bool(summary.get("certified")),
            {code: block.get("status", "") for code, block in summary.get("blocks", {}).items()},
        )
        for summary in summaries
    ]
    found = figures_of(statuses)
    count = partner.candidates.count()
    return PartnerFigures(max(count, found.candidates), found.certified, found.blocks)
