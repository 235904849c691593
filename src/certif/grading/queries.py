"""Reading sheets and grading progress: a candidate's sheets, a session's units (enrolled,
assigned, graded), each enrolment with its evaluators and the state of its sheet."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q

from certif.accounts.people import person
from certif.candidates.models import Candidate
from certif.domain import values
from certif.grading.models import COUNTING, Score, ScoreSheet, SheetStatus
from certif.referential.models import Block, Criterion
from certif.sessions.models import Assignment, Enrolment, ExamSession
from certif.sessions.services import Unit, enrolment_units, unit_label, unit_value


@dataclass(frozen=True)
class ScoreLine:
    code: str
    text: str
    value: str
    maximum: str
    comment: str


@dataclass(frozen=True)
class SheetView:
    sheet: ScoreSheet
    unit: str
    lines: list[ScoreLine]


def sheets_of(candidate: Candidate) -> list[SheetView]:
    """Every sheet of the candidate, every session, with each criterion of its block."""
    sheets = list(
        ScoreSheet.objects.filter(candidate=candidate)
        .select_related("session", "block", "evaluator")
        .prefetch_related(
            Prefetch(
                "scores", queryset=Score.objects.only("sheet", "criterion", "value", "comment")
            )
        )
        .order_by("session__start_date", "session__code", "block__position", "part", "marking")
    )
    criteria: dict[int, list[Criterion]] = defaultdict(list)
    for criterion in Criterion.objects.filter(block_id__in={s.block_id for s in sheets}):
        criteria[criterion.block_id].append(criterion)
    views = []
    for sheet in sheets:
        scores = {score.criterion_id: score for score in sheet.scores.all()}
        lines = []
        for criterion in criteria[sheet.block_id]:
            score = scores.get(criterion.pk)
            value = (
                values.display(criterion.kind, values.decode(criterion.kind, score.value))
                if score is not None
                else ""
            )
            maximum = (
                values.display(criterion.kind, criterion.max_points)
                if criterion.max_points is not None
                else ""
            )
            lines.append(
                ScoreLine(
                    criterion.code,
                    criterion.text,
                    value,
                    maximum,
                    score.comment if score is not None else "",
                )
            )
        unit = f"{sheet.block.code} {sheet.part}".strip()
        views.append(SheetView(sheet, unit, lines))
    return views


@dataclass(frozen=True)
class UnitProgress:
    unit: Unit
    label: str
    enrolled: int
    first_marker: int
    second_marker: int
    sheets: int
    submitted: int

    @property
    def value(self) -> str:
        return unit_value(self.unit)

    @property
    def unassigned(self) -> int:
        return max(self.enrolled - self.first_marker, 0)


def unit_progress(session: ExamSession) -> list[UnitProgress]:
    """Per unit of the session's référentiel: enrolled, assigned (markers 1 and 2), sheets.

    Rows are grouped by block id, not code: no join over a session's 100,000 enrolments.
    """
    codes = dict(
        Block.objects.filter(version=session.referential_version_id).values_list("pk", "code")
    )

    def per_unit(rows: Iterable[Mapping[str, Any]], key: str = "n") -> dict[Unit, int]:
        return {(codes.get(row["block_id"], ""), row["part"]): row[key] for row in rows}

    enrolled = per_unit(
        Enrolment.objects.filter(session=session)
        .values("block_id", "part")
        .annotate(n=Count("id"))
        .order_by()
    )
    assignments = list(
        Assignment.objects.filter(session=session)
        .values("block_id", "part")
        .annotate(first=Count("id", filter=Q(marker=1)), second=Count("id", filter=Q(marker=2)))
        .order_by()
    )
    first, second = per_unit(assignments, "first"), per_unit(assignments, "second")
    sheet_rows = list(
        ScoreSheet.objects.filter(session=session)
        .values("block_id", "part")
        .annotate(n=Count("id"), submitted=Count("id", filter=Q(status=SheetStatus.SUBMITTED)))
        .order_by()
    )
    sheets, submitted = per_unit(sheet_rows), per_unit(sheet_rows, "submitted")
    return [
        UnitProgress(
            unit,
            label,
            enrolled.get(unit, 0),
            first.get(unit, 0),
            second.get(unit, 0),
            sheets.get(unit, 0),
            submitted.get(unit, 0),
        )
        for unit, label in enrolment_units(session.referential_version.referential)
    ]


@dataclass(frozen=True)
class SessionCounts:
    candidates: int
    enrolments: int
    sheets: int
    submitted: int
    assigned: int

    @property
    def unassigned(self) -> int:
        return max(self.enrolments - self.assigned, 0)


def session_counts(session: ExamSession, progress: Sequence[UnitProgress]) -> SessionCounts:
    """The session's totals: its units' progress summed, and its distinct candidates."""
    candidates = Enrolment.objects.filter(session=session).values("candidate_id").distinct()
    return SessionCounts(
        candidates=candidates.count(),
        enrolments=sum(unit.enrolled for unit in progress),
        sheets=sum(unit.sheets for unit in progress),
        submitted=sum(unit.submitted for unit in progress),
        assigned=sum(unit.first_marker for unit in progress),
    )


@dataclass(frozen=True)
class EnrolmentRow:
    candidate: Candidate
    unit: str
    first: str
    second: str
    sheet: str


def enrolment_rows(
    session: ExamSession, candidates: Sequence[Candidate], unit: Unit | None = None
) -> list[EnrolmentRow]:
    """The units of these candidates in the session (or only ``unit``), each with its
    evaluators and the state of its sheet."""
    ids = [c.pk for c in candidates]
    by_id = {c.pk: c for c in candidates}
    units = enrolment_units(session.referential_version.referential)
    order = {known: position for position, (known, _label) in enumerate(units)}
    markers: dict[tuple[int, Unit], dict[int, str]] = {}
    for a in Assignment.objects.filter(session=session, candidate_id__in=ids).select_related(
        "block", "evaluator"
    ):
        markers.setdefault((a.candidate_id, (a.block.code, a.part)), {})[a.marker] = person(
            a.evaluator
        )
    sheets: dict[tuple[int, Unit], str] = {}
    for sheet in ScoreSheet.objects.filter(session=session, candidate_id__in=ids).select_related(
        "block"
    ):
        key = (sheet.candidate_id, (sheet.block.code, sheet.part))
        if sheet.marking in COUNTING or key not in sheets:
            sheets[key] = sheet.get_status_display()
    enrolled = Enrolment.objects.filter(session=session, candidate_id__in=ids)
    if unit is not None:
        enrolled = enrolled.filter(block__code=unit[0], part=unit[1])
    enrolments = sorted(
        enrolled.values_list("candidate_id", "block__code", "part"),
        key=lambda row: (by_id[row[0]].numero, order.get((row[1], row[2]), len(order))),
    )
    return [
        EnrolmentRow(
            by_id[pk],
            unit_label((block, part)),
            markers.get((pk, (block, part)), {}).get(1, ""),
            markers.get((pk, (block, part)), {}).get(2, ""),
            sheets.get((pk, (block, part)), ""),
        )
        for pk, block, part in enrolments
    ]
