"""Evaluators: sheets graded, severity on double-marked units, inter-rater reliability.

A double-marked unit is a candidate's block (or part) in a session marked by two evaluators
on their own sheets (``Marking.FIRST`` and ``SECOND``, submitted). A sheet's score is its
points over the block's maximum, on the block's scale (out of 20: B3's 23 raw points are
brought to 20 as its normalisation does), so every block weighs alike. The database sums
each sheet's points in one grouped query; the exact figures are
``certif.domain.statistics.reliability``'s: severity, Krippendorff's alpha (interval metric
on the scores, nominal on the oui/non criteria) and its bootstrap interval.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import reduce
from operator import or_

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Count, F, Q, QuerySet, Sum

from certif.domain.referential.schema import CriterionKind, PointsScoring, Referential
from certif.domain.statistics.reliability import (
    Mark,
    Metric,
    Reliability,
    bootstrap_alpha_interval,
    evaluator_severity,
    reliability,
    reliability_matrix,
)
from certif.grading.models import Marking, Score, ScoreSheet, SheetStatus
from certif.sessions.models import ExamSession
from certif.stats import sums
from certif.stats.freshness import kept
from certif.stats.scope import Scope
from certif.stats.sums import Stamp

DOUBLE = (Marking.FIRST.value, Marking.SECOND.value)
HUNDREDTHS = 100
DRAWS = 1000
SEED = 2026


@dataclass(frozen=True)
class EvaluatorFigures:
    username: str
    name: str
    sheets: int
    double_marked: int = 0
    mean_deviation: Fraction | None = None


@dataclass(frozen=True)
class Agreement:
    """alpha of one kind of mark, its interval and how many units it rests on."""

    metric: Metric
    found: Reliability
    interval: tuple[Fraction, Fraction] | None

    @property
    def units(self) -> int:
        return self.found.pairable_units


@dataclass(frozen=True)
class EvaluatorsFigures:
    evaluators: list[EvaluatorFigures] = field(default_factory=list)
    points: Agreement | None = None
    yes_no: Agreement | None = None


def _names() -> dict[int, tuple[str, str]]:
    users = get_user_model().objects.filter(sheets__isnull=False).distinct()
    return {
        user.pk: (user.get_username(), user.get_full_name() or user.get_username())
        for user in users
    }


def _scales(referential: Referential) -> dict[str, Fraction]:
    """Per points block, what one raw hundredth of a point is worth on the block's scale."""
    found = {}
    for block in referential.blocks:
        if not isinstance(block.scoring, PointsScoring):
            continue
        maximum = sum(
            (c.max_points or 0 for c in block.criteria if c.kind == CriterionKind.POINTS), 0
        )
        if maximum:
            found[block.code] = Fraction(block.scoring.out_of) / Fraction(maximum) / HUNDREDTHS
    return found


def _unit_key(candidate: int, session: int, block: str, part: str) -> str:
    return f"{candidate}/{session}/{block}/{part}"


def _double_marked(scope: Scope, kind: CriterionKind) -> list[tuple[str, int, str, int]]:
    """(unit, evaluator, block, summed value) of each double-marking sheet: for points, the
    sheet's points; for oui/non, one row per criterion (its unit names the criterion)."""
    # Few sheets are double-marked: they lead, their scores found by the sheet's index.
    sheets = scope.sheets().filter(
        marking__in=DOUBLE, status=SheetStatus.SUBMITTED, evaluator__isnull=False
    )
    scores = Score.objects.filter(sheet__in=sheets.values("pk"), criterion__kind=kind.value)
    scores = scores.order_by()
    by = [
        "sheet__candidate_id",
        "sheet__session_id",
        "sheet__block__code",
        "sheet__part",
        "sheet__evaluator_id",
    ]
    if kind == CriterionKind.YES_NO:
        by.append("criterion__code")
    rows = scores.values_list(*by).annotate(total=Sum("value"))
    found = []
    for candidate, session, block, part, evaluator, *rest in rows:
        *criterion, total = rest
        unit = _unit_key(candidate, session, block, part) + "".join(f"/{c}" for c in criterion)
        found.append((unit, evaluator, block, total))
    return found


def _agreement(marks: list[Mark], metric: Metric, draws: int) -> Agreement | None:
    if not marks:
        return None
    matrix = reliability_matrix(marks).values
    found = reliability(matrix, metric)
    interval = (
        bootstrap_alpha_interval(matrix, metric, draws=draws, seed=SEED)
        if found.alpha is not None
        else None
    )
    return Agreement(metric, found, interval)


Row = tuple[str, int, str, int]
"""(unit, evaluator, block, summed value) of a double-marking sheet (or sheet and criterion)."""


@dataclass(frozen=True)
class Marks:
    """What the evaluators' figures are computed from: sheets graded per evaluator, and the
    double-marking sheets' points and oui/non answers."""

    graded: dict[int, int]
    points: list[Row]
    yes_no: list[Row]


def _scope_marks(scope: Scope) -> Marks:
    graded = dict(
        scope.sheets()
        .filter(status=SheetStatus.SUBMITTED, evaluator__isnull=False)
        .order_by()
        .values_list("evaluator_id")
        .annotate(count=Count("id"))
    )
    return Marks(
        graded,
        _double_marked(scope, CriterionKind.POINTS),
        _double_marked(scope, CriterionKind.YES_NO),
    )


def evaluators_figures(
    scope: Scope, referential: Referential | None, *, draws: int = DRAWS
) -> EvaluatorsFigures:
    """Every evaluator who submitted a sheet in the scope, with their severity on the units
    they double-marked; alpha on the sheets' scores and on the oui/non criteria."""
    if referential is None:
        return EvaluatorsFigures()
    return figures_of(_scope_marks(scope), referential, draws)


def figures_of(marks: Marks, referential: Referential, draws: int = DRAWS) -> EvaluatorsFigures:
    scales = _scales(referential)
    names = _names()
    points = [
        Mark(unit, names[evaluator][0], Fraction(total) * scales[block])
        for unit, evaluator, block, total in marks.points
        if block in scales
    ]
    yes_no = [
        Mark(unit, names[evaluator][0], total) for unit, evaluator, _block, total in marks.yes_no
    ]
    severity = {found.evaluator: found for found in evaluator_severity(points)}
    evaluators = []
    for evaluator, sheets in sorted(marks.graded.items(), key=lambda item: names[item[0]][1]):
        username, name = names[evaluator]
        found = severity.get(username)
        evaluators.append(
            EvaluatorFigures(
                username=username,
                name=name,
                sheets=sheets,
                double_marked=found.sheets if found else 0,
                mean_deviation=found.mean_deviation if found else None,
            )
        )
    return EvaluatorsFigures(
        evaluators=evaluators,
        points=_agreement(points, Metric.INTERVAL, draws),
        yes_no=_agreement(yes_no, Metric.NOMINAL, draws),
    )


# -- kept by slices of sheets -----------------------------------------------------------------

SliceMarks = tuple[dict[tuple[int, int], int], list[tuple[int, Row]], list[tuple[int, Row]]]
"""A slice's (session, evaluator) → sheets graded, and its double-marking rows by session."""

SLICES_KEY = "certif.stats:evaluator-slices:1"


def _marks_of_slices(slices: Sequence[int]) -> dict[int, SliceMarks]:
    """The slices' marks, read by ranges of sheet ids in three grouped queries."""
    found: dict[int, SliceMarks] = {number: ({}, [], []) for number in slices}
    ranges = sums.ranges(slices)
    if not ranges:
        return found
    within = reduce(or_, (Q(id__gte=low, id__lt=high) for low, high in ranges))
    sheets = ScoreSheet.objects.filter(within)
    graded = (
        sheets.filter(status=SheetStatus.SUBMITTED, evaluator__isnull=False)
        .order_by()
        .annotate(slice=F("id") / sums.SLICE)
        .values_list("slice", "session_id", "evaluator_id")
        .annotate(count=Count("id"))
    )
    for number, session, evaluator, count in graded:
        found[number][0][(session, evaluator)] = count
    double = sheets.filter(
        marking__in=DOUBLE, status=SheetStatus.SUBMITTED, evaluator__isnull=False
    )
    for number, session, row in _double_rows(double, CriterionKind.POINTS):
        found[number][1].append((session, row))
    for number, session, row in _double_rows(double, CriterionKind.YES_NO):
        found[number][2].append((session, row))
    return found


def _double_rows(sheets: QuerySet[ScoreSheet], kind: CriterionKind) -> list[tuple[int, int, Row]]:
    scores = Score.objects.filter(sheet__in=sheets.values("pk"), criterion__kind=kind.value)
    by = ["sheet__candidate_id", "sheet__session_id", "sheet__block__code", "sheet__part"]
    by.append("sheet__evaluator_id")
    if kind == CriterionKind.YES_NO:
        by.append("criterion__code")
    rows = (
        scores.order_by()
        .annotate(slice=F("sheet_id") / sums.SLICE)
        .values_list("slice", *by)
        .annotate(total=Sum("value"))
    )
    found = []
    for number, candidate, session, block, part, evaluator, *rest in rows:
        *criterion, total = rest
        unit = _unit_key(candidate, session, block, part) + "".join(f"/{c}" for c in criterion)
        found.append((number, session, (unit, evaluator, block, total)))
    return found


def sliced_marks(stamps: Mapping[int, Stamp]) -> dict[int, SliceMarks]:
    """Every slice's marks, the kept ones reused where the slice's stamp is the same."""
    kept_slices: dict[int, tuple[Stamp, SliceMarks]] = cache.get(SLICES_KEY) or {}
    stale = [n for n, stamp in stamps.items() if kept_slices.get(n, (None,))[0] != stamp]
    read = _marks_of_slices(stale)
    slices = {
        n: (stamp, read[n] if n in read else kept_slices[n][1]) for n, stamp in stamps.items()
    }
    if stale or len(slices) != len(kept_slices):
        cache.set(SLICES_KEY, slices, timeout=sums.KEEP_SECONDS)
    return {n: marks for n, (_stamp, marks) in slices.items()}


def _marks_in(slices: Mapping[int, SliceMarks], sessions: set[int]) -> Marks:
    graded: dict[int, int] = {}
    points: list[Row] = []
    yes_no: list[Row] = []
    for counts, point_rows, yes_no_rows in slices.values():
        for (session, evaluator), count in counts.items():
            if session in sessions:
                graded[evaluator] = graded.get(evaluator, 0) + count
        points += [row for session, row in point_rows if session in sessions]
        yes_no += [row for session, row in yes_no_rows if session in sessions]
    return Marks(graded, points, yes_no)


def _people_and_sessions() -> str:
    """What the figures read beside the sheets: the evaluators' names, the sessions' codes
    and dates (a year's scope)."""
    users = get_user_model().objects.order_by("pk")
    names = list(users.values_list("pk", "username", "first_name", "last_name"))
    sessions = list(ExamSession.objects.order_by("pk").values_list("pk", "code", "start_date"))
    return hashlib.sha256(repr((names, sessions)).encode()).hexdigest()


def kept_evaluators_figures(
    scope: Scope,
    referential: Referential | None,
    stamps: Mapping[int, Stamp],
    draws: int | None = None,
) -> EvaluatorsFigures:
    """``evaluators_figures``, kept under the sheets' slices' stamps (``certif.stats.sums``),
    the names and the sessions: a jury's closing or a result written again leaves them as
    they were. A scope that filters candidates computes them each time (who is in it may
    change without a sheet moving)."""
    extra = {} if draws is None else {"draws": draws}
    if referential is None or scope.filters_candidates:
        return evaluators_figures(scope, referential, **extra)
    stamp = repr((sorted(stamps.items()), referential.version, _people_and_sessions()))

    def compute() -> EvaluatorsFigures:
        sessions = set(scope.sessions().values_list("pk", flat=True))
        return figures_of(_marks_in(sliced_marks(stamps), sessions), referential, **extra)

    return kept(
        f"evaluators|{scope!r}|{draws}", hashlib.sha256(stamp.encode()).hexdigest(), compute
    )
