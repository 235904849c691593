"""The deliberation table as the page shows it: candidates × units, built in plain loops.

A page of the table costs one query for its decisions (candidates joined); filters are
subqueries on the same table, so that 2,000 candidates cost no more queries than 2.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import polars as pl
from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from certif.candidates.models import Candidate
from certif.candidates.queries import name_or_numero
from certif.core.progress import Reporter, Silent
from certif.deliberations.models import (
    CERTIFICATION,
    SETTLED,
    WITHOUT_DECISION_LABELS,
    Decision,
    Deliberation,
    Resolution,
    UnitStatus,
)
from certif.deliberations.reading import certification_label
from certif.referential.models import Block

ALL = "tous"
FILTERS: dict[str, Promise] = {
    ALL: _("Tous les candidats"),
    "limites": _("Notes limites (à un point du seuil ou moins)"),
    "incomplets": _("Dossiers incomplets"),
    "sans-decision": _("Unités sans décision (non présentées, en attente de notes)"),
    "acquis": _("Unités acquises lors d'une session antérieure"),
    "modifies": _("Décisions modifiées par le jury"),
    "a-decider": _("Décisions restant à prendre"),
}
_CONDITIONS: dict[str, Q] = {
    "limites": Q(borderline=True),
    "incomplets": Q(proposed_status=UnitStatus.INCOMPLETE),
    "modifies": Q(resolution=Resolution.OVERRIDDEN),
    "a-decider": Q(resolution=Resolution.PENDING),
    "sans-decision": Q(resolution=Resolution.WITHOUT_DECISION),
    "acquis": Q(resolution=Resolution.ACQUIRED),
}
PAGE_SIZE = 50


@dataclass(frozen=True)
class Column:
    code: str
    title: str

    @property
    def is_certification(self) -> bool:
        return self.code == CERTIFICATION


@dataclass
class Cell:
    unit: str
    proposal: str
    proposal_label: str
    score: str
    borderline: bool
    explanation: str
    resolution: str
    status: str
    status_label: str
    justification: str
    previous_label: str

    @property
    def decided(self) -> bool:
        """Decided by this jury (confirmed or overridden)."""
        return self.resolution in (Resolution.CONFIRMED, Resolution.OVERRIDDEN)

    @property
    def overridden(self) -> bool:
        return self.resolution == Resolution.OVERRIDDEN

    @property
    def acquired(self) -> bool:
        return self.resolution == Resolution.ACQUIRED

    @property
    def without_decision(self) -> bool:
        return self.resolution == Resolution.WITHOUT_DECISION

    @property
    def without_label(self) -> str:
        return str(WITHOUT_DECISION_LABELS.get(self.proposal, gettext("rien à décider")))

    @property
    def decidable(self) -> bool:
        """A block this jury may decide (or decide again): not the certification, which
        follows its blocks, nor a settled unit."""
        return self.unit != CERTIFICATION and self.resolution not in SETTLED


@dataclass
class Row:
    candidate: Candidate
    cells: list[Cell] = field(default_factory=list)

    @property
    def pending(self) -> int:
        return sum(1 for cell in self.cells if cell.resolution == Resolution.PENDING)

    @property
    def decidable(self) -> list[Cell]:
        return [cell for cell in self.cells if cell.decidable]


def columns(deliberation: Deliberation) -> list[Column]:
    """The blocks of the session's référentiel, in its order, then the certification."""
    blocks = Block.objects.filter(version_id=deliberation.session.referential_version_id).order_by(
        "position"
    )
    return [
        *(Column(code, title) for code, title in blocks.values_list("code", "title")),
        Column(CERTIFICATION, gettext("Certification")),
    ]


def candidate_ids(
    deliberation: Deliberation, filter_key: str = ALL, search: str = ""
) -> QuerySet[Decision, int]:
    """The candidates the page lists, in numero order (a query, evaluated by the paginator)."""
    listed = Decision.objects.filter(deliberation=deliberation, unit=CERTIFICATION)
    condition = _CONDITIONS.get(filter_key)
    if condition is not None:
        matching = Decision.objects.filter(condition, deliberation=deliberation)
        listed = listed.filter(candidate_id__in=matching.values("candidate_id"))
    listed = listed.filter(name_or_numero(search, through="candidate__"))
    return listed.order_by("candidate__numero").values_list("candidate_id", flat=True)


def _labels() -> tuple[dict[str, str], dict[str, str]]:
    """Status names, translated once per page rather than once per cell."""
    blocks = {choice.value: str(choice.label) for choice in UnitStatus}
    certification = {value: certification_label(value) for value in UnitStatus.values}
    return blocks, certification


def _previous_label(decision: Decision, labels: Mapping[str, str]) -> str:
    previous = decision.previous
    if previous is None:
        return ""
    return gettext("délibération n° %(number)s : %(status)s") % {
        "number": previous.deliberation.number,
        "status": labels.get(previous.status, previous.status),
    }


def rows(deliberation: Deliberation, ids: Iterable[int]) -> list[Row]:
    """The rows of these candidates: one query."""
    decisions = (
        Decision.objects.filter(deliberation=deliberation, candidate_id__in=list(ids))
        .select_related("candidate", "previous__deliberation")
        .defer(
            "snapshot",
            "previous__snapshot",
            "previous__explanation",
            "candidate__accommodations",
        )
        .order_by("candidate__numero", "position")
    )
    block_labels, certification_labels = _labels()
    found: list[Row] = []
    current: Row | None = None
    for decision in decisions:
        if current is None or current.candidate.pk != decision.candidate_id:
            current = Row(decision.candidate)
            found.append(current)
        labels = certification_labels if decision.unit == CERTIFICATION else block_labels
        current.cells.append(
            Cell(
                unit=decision.unit,
                proposal=decision.proposed_status,
                proposal_label=labels[decision.proposed_status],
                score=decision.proposed_score,
                borderline=decision.borderline,
                explanation=decision.explanation,
                resolution=decision.resolution,
                status=decision.status,
                status_label=labels.get(decision.status, ""),
                justification=decision.justification,
                previous_label=_previous_label(decision, labels),
            )
        )
    return found


def row(deliberation: Deliberation, candidate: Candidate) -> Row | None:
    found = rows(deliberation, [candidate.pk])
    return found[0] if found else None


def labels() -> dict[str, str]:
    """The texts of a table row, translated once per page rather than once per cell."""
    return {
        "explanations": gettext("Explications"),
        "proposal": gettext("Proposition :"),
        "borderline": gettext("note limite"),
        "jury": gettext("Jury :"),
        "modified": gettext("(modifiée)"),
        "justification": gettext("Justification"),
        "confirmed": gettext("Jury : proposition confirmée"),
        "undecided": gettext("à décider"),
        "acquired": gettext("Acquis"),
        "without": gettext("Sans décision :"),
        "previous": gettext("Décision antérieure :"),
        "confirm": gettext("Confirmer les propositions"),
        "override": gettext("Modifier une décision"),
        "unit": gettext("Objet"),
        "decision": gettext("Décision du jury"),
        "justification_required": gettext("Justification (obligatoire)"),
        "save": gettext("Enregistrer la décision"),
    }


# -- the table as a file ---------------------------------------------------------------------

# Candidates read per query while the table is written out.
TABLE_BATCH = 2000


def table_frame(
    deliberation: Deliberation,
    filter_key: str = ALL,
    search: str = "",
    reporter: Reporter | None = None,
) -> pl.DataFrame:
    """The deliberation's table as the page filters it, one row per candidate: for each unit,
    the rules' proposal and score, the jury's word, how it was reached and its justification."""
    reporter = reporter or Silent()
    units = columns(deliberation)
    names = [gettext("Numéro"), gettext("Candidat")]
    for column in units:
        names += [
            f"{column.code} — {gettext('proposition')}",
            f"{column.code} — {gettext('note')}",
            f"{column.code} — {gettext('décision')}",
            f"{column.code} — {gettext('résolution')}",
            f"{column.code} — {gettext('justification')}",
        ]
    ids = list(candidate_ids(deliberation, filter_key, search))
    reporter.phase(gettext("Lecture de la délibération"), len(ids))
    found: list[tuple[str, ...]] = []
    for start in range(0, len(ids), TABLE_BATCH):
        for line in rows(deliberation, ids[start : start + TABLE_BATCH]):
            found.append(_table_row(line, units))
        reporter.advance(min(TABLE_BATCH, len(ids) - start))
    return pl.DataFrame(found, schema=[(name, pl.String) for name in names], orient="row")


def _table_row(line: Row, units: list[Column]) -> tuple[str, ...]:
    cells = {cell.unit: cell for cell in line.cells}
    values: list[str] = [line.candidate.numero, line.candidate.display_name]
    for column in units:
        cell = cells.get(column.code)
        if cell is None:
            values += ["", "", "", "", ""]
            continue
        resolution = str(Resolution(cell.resolution).label) if cell.resolution else ""
        values += [
            cell.proposal_label,
            cell.score,
            cell.status_label,
            resolution,
            cell.justification,
        ]
    return tuple(values)
