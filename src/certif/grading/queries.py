"""Reading sheets and grading progress: a candidate's sheets, a session's units (enrolled,
assigned, graded), each enrolment with its evaluators and the state of its sheet."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from certif.accounts.people import person
from certif.candidates.models import Candidate
from certif.core.errors import Refused
from certif.domain import values
from certif.domain.referential.schema import Block as BlockSpec
from certif.domain.referential.schema import Criterion as CriterionSpec
from certif.domain.referential.schema import CriterionKind
from certif.domain.rules.engine import Sheet, SheetPreview
from certif.domain.units import UnitRef, enrolment_units, labelled
from certif.domain.values import Value
from certif.grading.models import COUNTING, GradedUnit, Marking, Score, ScoreSheet, SheetStatus
from certif.referential.models import Block, Criterion, ReferentialVersion
from certif.referential.services import engine_for
from certif.sessions.models import Assignment, Enrolment, ExamSession
from certif.sessions.queries import enrolments_of, outer_unit


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
            value = values.display_stored(
                criterion.kind, score.value if score is not None else None
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
        unit = sheet.block.unit_label(sheet.part)
        views.append(SheetView(sheet, unit, lines))
    return views


@dataclass(frozen=True)
class UnitProgress:
    unit: UnitRef
    label: str
    enrolled: int
    first_marker: int
    second_marker: int
    sheets: int
    submitted: int

    @property
    def value(self) -> str:
        return self.unit.key

    @property
    def unassigned(self) -> int:
        return max(self.enrolled - self.first_marker, 0)


def unit_progress(session: ExamSession) -> list[UnitProgress]:
    """Per unit of the session's référentiel: enrolled, assigned (markers 1 and 2), sheets.

    Rows are grouped by block id, not code: no join over a session's 100,000 enrolments.
    """
    referential = session.referential_version.referential
    codes = dict(
        Block.objects.filter(version=session.referential_version_id).values_list("pk", "code")
    )

    def per_unit(rows: Iterable[Mapping[str, Any]], key: str = "n") -> dict[UnitRef, int]:
        return {UnitRef(codes.get(row["block_id"], ""), row["part"]): row[key] for row in rows}

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
        for unit, label in labelled(referential, enrolment_units(referential))
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
    enrolment_id: int


def enrolment_rows(
    session: ExamSession, candidates: Sequence[Candidate], unit: UnitRef | None = None
) -> list[EnrolmentRow]:
    """The units of these candidates in the session (or only ``unit``), each with its
    evaluators and the state of its sheet."""
    ids = [c.pk for c in candidates]
    by_id = {c.pk: c for c in candidates}
    referential = session.referential_version.referential
    order = {known: position for position, known in enumerate(enrolment_units(referential))}
    markers: dict[tuple[int, UnitRef], dict[int, str]] = {}
    for a in Assignment.objects.filter(session=session, candidate_id__in=ids).select_related(
        "block", "evaluator"
    ):
        markers.setdefault((a.candidate_id, UnitRef(a.block.code, a.part)), {})[a.marker] = person(
            a.evaluator
        )
    sheets: dict[tuple[int, UnitRef], str] = {}
    for sheet in ScoreSheet.objects.filter(session=session, candidate_id__in=ids).select_related(
        "block"
    ):
        key = (sheet.candidate_id, UnitRef(sheet.block.code, sheet.part))
        if sheet.marking in COUNTING or key not in sheets:
            sheets[key] = sheet.get_status_display()
    enrolled = Enrolment.objects.filter(session=session, candidate_id__in=ids)
    if unit is not None:
        enrolled = enrolled.filter(block__code=unit.block, part=unit.part)
    enrolments = sorted(
        enrolled.values_list("candidate_id", "block__code", "part", "pk"),
        key=lambda row: (by_id[row[0]].numero, order.get(UnitRef(row[1], row[2]), len(order))),
    )
    return [
        EnrolmentRow(
            by_id[pk],
            UnitRef(block, part).label(referential),
            markers.get((pk, UnitRef(block, part)), {}).get(1, ""),
            markers.get((pk, UnitRef(block, part)), {}).get(2, ""),
            sheets.get((pk, UnitRef(block, part)), ""),
            enrolment_id,
        )
        for pk, block, part, enrolment_id in enrolments
    ]


def find_sheet(assignment: Assignment) -> ScoreSheet | None:
    """The sheet an assignment leads to, without creating anything (for a read-only view)."""
    sheets = ScoreSheet.objects.filter(**GradedUnit.of(assignment).lookup())
    own = sheets.filter(evaluator_id=assignment.evaluator_id).exclude(marking=Marking.AGREED)
    found = own.first()
    if found is not None:
        return found
    try:
        marking = marking_for(assignment)
    except Refused:
        return None
    return sheets.filter(marking=marking).first()


def unit_sheets(unit: GradedUnit) -> dict[str, ScoreSheet]:
    return {s.marking: s for s in ScoreSheet.objects.filter(**unit.lookup())}


def unit_evaluator_ids(unit: GradedUnit) -> set[int]:
    return set(Assignment.objects.filter(**unit.lookup()).values_list("evaluator_id", flat=True))


@dataclass(frozen=True)
class SheetContents:
    """A sheet's values and comments, by criterion code."""

    values: dict[str, Value] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)


def sheets_contents(sheet_ids: Sequence[int]) -> dict[int, SheetContents]:
    """The values and comments of many sheets in one query (a page of them, or one)."""
    found = {pk: SheetContents() for pk in sheet_ids}
    rows = Score.objects.filter(sheet_id__in=list(sheet_ids)).values_list(
        "sheet_id", "criterion__code", "criterion__kind", "value", "comment"
    )
    for sheet_id, code, kind, stored, comment in rows:
        found[sheet_id].values[code] = values.decode(kind, stored)
        if comment:
            found[sheet_id].comments[code] = comment
    return found


def sheet_values(sheet: ScoreSheet) -> dict[str, Value]:
    return sheets_contents([sheet.pk])[sheet.pk].values


def sheet_comments(sheet: ScoreSheet) -> dict[str, str]:
    return sheets_contents([sheet.pk])[sheet.pk].comments


def block_spec(session: ExamSession, block_code: str) -> BlockSpec:
    """The block as the session's référentiel version states it (criteria, maxima, rules)."""
    return engine_for(session.referential_version).referential.block(block_code)


def preview(
    session: ExamSession, block_code: str, part: str, given: Mapping[str, Value]
) -> SheetPreview:
    """What the session's rules make of these values so far: running total, status, missing."""
    engine = engine_for(session.referential_version)
    return engine.preview(Sheet(session.code, block_code, dict(given), part=part or None))


def gap_threshold() -> Decimal:
    """Points apart above which two markings of a criterion are flagged (settings)."""
    text = str(getattr(settings, "DOUBLE_MARKING_GAP", "1")).strip().replace(",", ".")
    try:
        threshold = Decimal(text)
    except InvalidOperation as error:
        raise ImproperlyConfigured(
            f"DOUBLE_MARKING_GAP « {text} » n'est pas un nombre de points"
        ) from error
    if not threshold.is_finite() or threshold < 0:
        raise ImproperlyConfigured(f"DOUBLE_MARKING_GAP « {text} » doit être positif ou nul")
    return threshold


@dataclass(frozen=True)
class CriterionGap:
    """One criterion as the two markers recorded it."""

    criterion: CriterionSpec
    first: Value | None
    second: Value | None
    # Points apart, for a criterion scored in points.
    gap: Decimal | None
    flagged: bool

    @property
    def agree(self) -> bool:
        return self.first is not None and _same(self.first, self.second)


def _same(a: Value | None, b: Value | None) -> bool:
    # bool is an int: oui must not equal 1 point.
    return type(a) is type(b) and a == b


def compare_values(
    criteria: Sequence[CriterionSpec],
    first: Mapping[str, Value],
    second: Mapping[str, Value],
    threshold: Decimal,
) -> list[CriterionGap]:
    """Criterion by criterion: the gap in points, flagged above ``threshold``; any other
    disagreement (oui/non, a count, a missing value) is flagged, the threshold being in points."""
    rows = []
    for criterion in criteria:
        a, b = first.get(criterion.code), second.get(criterion.code)
        gap: Decimal | None = None
        if criterion.kind == CriterionKind.POINTS and a is not None and b is not None:
            gap = abs(Decimal(a) - Decimal(b))
            flagged = gap > threshold
        else:
            flagged = a is None or not _same(a, b)
        rows.append(CriterionGap(criterion, a, b, gap, flagged))
    return rows


@dataclass(frozen=True)
class Comparison:
    """A double-marked unit whose two sheets are submitted, side by side."""

    unit: GradedUnit
    first: ScoreSheet
    second: ScoreSheet
    agreed: ScoreSheet | None
    spec: BlockSpec
    rows: list[CriterionGap]
    first_preview: SheetPreview
    second_preview: SheetPreview
    threshold: Decimal

    @property
    def flagged(self) -> list[CriterionGap]:
        return [row for row in self.rows if row.flagged]

    @property
    def largest_gap(self) -> Decimal | None:
        return largest_gap(self.rows)


def largest_gap(rows: Sequence[CriterionGap]) -> Decimal | None:
    gaps = [row.gap for row in rows if row.gap is not None]
    return max(gaps) if gaps else None


def both_submitted(sheets: Mapping[str, ScoreSheet]) -> bool:
    return all(
        marking in sheets and sheets[marking].status == SheetStatus.SUBMITTED
        for marking in (Marking.FIRST, Marking.SECOND)
    )


def compare(unit: GradedUnit) -> Comparison | None:
    """Both markings of a unit side by side, once both are submitted (never before: each
    evaluator marks without seeing the other's values)."""
    sheets = unit_sheets(unit)
    if not both_submitted(sheets):
        return None
    first, second = sheets[Marking.FIRST], sheets[Marking.SECOND]
    session = first.session
    spec = block_spec(session, first.block.code)
    first_values, second_values = sheet_values(first), sheet_values(second)
    threshold = gap_threshold()
    return Comparison(
        unit=unit,
        first=first,
        second=second,
        agreed=sheets.get(Marking.AGREED),
        spec=spec,
        rows=compare_values(spec.criteria, first_values, second_values, threshold),
        first_preview=preview(session, spec.code, unit.part, first_values),
        second_preview=preview(session, spec.code, unit.part, second_values),
        threshold=threshold,
    )


@dataclass(frozen=True)
class PendingReconciliation:
    unit: GradedUnit
    first: ScoreSheet
    second: ScoreSheet
    spec: BlockSpec
    largest_gap: Decimal | None
    flagged: int


def pending_first_sheets(session_id: int | None = None) -> QuerySet[ScoreSheet]:
    """First markings whose second is submitted too, and whose agreed sheet is not (yet)."""
    unit = outer_unit()
    submitted = ScoreSheet.objects.filter(**unit, status=SheetStatus.SUBMITTED)
    pending = (
        ScoreSheet.objects.filter(marking=Marking.FIRST, status=SheetStatus.SUBMITTED)
        .filter(Exists(submitted.filter(marking=Marking.SECOND)))
        .exclude(Exists(submitted.filter(marking=Marking.AGREED)))
        .exclude(Exists(ScoreSheet.objects.filter(**unit, marking=Marking.SINGLE)))
    )
    if session_id is not None:
        pending = pending.filter(session_id=session_id)
    return pending.select_related("candidate", "session", "block").order_by(
        "session__code", "candidate__numero", "block__position", "part"
    )


def describe_pending(firsts: Sequence[ScoreSheet]) -> list[PendingReconciliation]:
    """The gaps of each pending unit, with a constant number of queries for the lot."""
    if not firsts:
        return []
    seconds = {
        GradedUnit.of(s): s
        for s in ScoreSheet.objects.filter(
            marking=Marking.SECOND,
            candidate_id__in={f.candidate_id for f in firsts},
            session_id__in={f.session_id for f in firsts},
            block_id__in={f.block_id for f in firsts},
        )
    }
    pairs = [(f, seconds[GradedUnit.of(f)]) for f in firsts if GradedUnit.of(f) in seconds]
    stored: dict[int, dict[str, Value]] = {}
    rows = Score.objects.filter(sheet_id__in=[s.pk for pair in pairs for s in pair]).values_list(
        "sheet_id", "criterion__code", "criterion__kind", "value"
    )
    for sheet_id, code, kind, value in rows:
        stored.setdefault(sheet_id, {})[code] = values.decode(kind, value)
    versions = {
        v.pk: v
        for v in ReferentialVersion.objects.only("pk", "sha256").filter(
            pk__in={f.session.referential_version_id for f in firsts}
        )
    }
    threshold = gap_threshold()
    described = []
    for first, second in pairs:
        referential = engine_for(versions[first.session.referential_version_id]).referential
        spec = referential.block(first.block.code)
        gaps = compare_values(
            spec.criteria, stored.get(first.pk, {}), stored.get(second.pk, {}), threshold
        )
        described.append(
            PendingReconciliation(
                GradedUnit.of(first),
                first,
                second,
                spec,
                largest_gap(gaps),
                sum(g.flagged for g in gaps),
            )
        )
    return described


def next_to_grade(evaluator: Any, after: Assignment) -> Assignment | None:
    """The evaluator's next sheet to grade after ``after`` in their list's order (the first
    one when ``after`` is the last), None when nothing is left."""
    # The keys of the list's order only (one light row each), the next one found in Python.
    left = [
        (key, pk)
        for pk, *key in to_grade(assignments_of(evaluator)).values_list("pk", *LIST_ORDER)
        if pk != after.pk
    ]
    if not left:
        return None
    current = [
        after.session.code, after.candidate.numero, after.block.position,
        after.part, after.marker,
    ]  # fmt: skip
    chosen = next((pk for key, pk in left if key > current), left[0][1])
    return Assignment.objects.select_related("candidate", "block").get(pk=chosen)


# The order of an evaluator's list (and of « the next sheet »).
LIST_ORDER = ("session__code", "candidate__numero", "block__position", "part", "marker")


def assignments_of(evaluator: Any) -> QuerySet[Assignment]:
    """An evaluator's assignments, each with the state of their sheet (None: not opened, or
    opened and left empty) and
    the number of markers of the unit (2 for a double marking)."""
    # A sheet opened and never filled is still to do: progress counts what was written.
    their_sheet = (
        ScoreSheet.objects.filter(**outer_unit(), evaluator_id=OuterRef("evaluator_id"))
        .exclude(marking=Marking.AGREED)
        .filter(
            Q(status=SheetStatus.SUBMITTED) | Exists(Score.objects.filter(sheet=OuterRef("pk")))
        )
    )
    markers = (
        Assignment.objects.filter(**outer_unit())
        .order_by()
        .values("candidate_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        Assignment.objects.filter(evaluator=evaluator)
        .annotate(
            sheet_status=Subquery(their_sheet.values("status")[:1]),
            markers=Subquery(markers[:1]),
        )
        .select_related("session", "candidate", "block")
        .order_by(*LIST_ORDER)
    )


STATES = {
    "todo": Q(sheet_status__isnull=True),
    "draft": Q(sheet_status=SheetStatus.DRAFT.value),
    "submitted": Q(sheet_status=SheetStatus.SUBMITTED.value),
}


def in_state(assignments: QuerySet[Assignment], *states: str) -> QuerySet[Assignment]:
    """Those of ``assignments_of`` whose sheet is in one of the states (todo: not opened)."""
    wanted = Q()
    for state in states:
        wanted |= STATES[state]
    return assignments.filter(wanted)


def to_grade(assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """Those whose sheet is not submitted yet."""
    return in_state(assignments, "todo", "draft")


def sheet_state(assignment: Assignment) -> str | None:
    """The state of the evaluator's sheet, as annotated by ``assignments_of``."""
    state: str | None = vars(assignment).get("sheet_status")
    return state


def markers_of(assignment: Assignment) -> int:
    """How many markers grade the assignment's unit, as annotated by ``assignments_of``."""
    return int(vars(assignment).get("markers") or 1)


def marking_for(assignment: Assignment) -> Marking:
    """Single marking when the unit has one evaluator; first or second with two."""
    markers = Assignment.objects.filter(**GradedUnit.of(assignment).lookup()).count()
    if markers <= 1:
        return Marking.SINGLE
    if assignment.marker == 1:
        return Marking.FIRST
    if assignment.marker == 2:
        return Marking.SECOND
    raise Refused(
        f"correcteur n° {assignment.marker} inattendu : une double correction a les "
        "correcteurs 1 et 2"
    )


@dataclass(frozen=True)
class GradingProgress:
    """A candidate's grading in one session: the units enrolled, sheets submitted of all."""

    session: ExamSession
    units: list[str]
    submitted: int
    sheets: int


def grading_progress(candidate: Candidate) -> list[GradingProgress]:
    counts = {
        row["session_id"]: row
        for row in ScoreSheet.objects.filter(candidate=candidate)
        .values("session_id")
        .annotate(total=Count("id"), submitted=Count("id", filter=Q(status=SheetStatus.SUBMITTED)))
    }
    found = []
    for entry in enrolments_of(candidate):
        row = counts.get(entry.session.pk, {})
        found.append(
            GradingProgress(
                entry.session, entry.units, row.get("submitted", 0), row.get("total", 0)
            )
        )
    return found
