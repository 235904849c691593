"""Results statistics of a scope: per unit, counts by status and the pass rate; certified;
score distributions with the threshold; borderline counts; per criterion, the mean share of
its maximum.

Everything is counted set-based: the stored summaries of the whole population are decoded and
grouped by polars (kept decoded, read again only where they changed:
``certif.stats.population``), the juries' decisions laid over them by a join, the criteria
summed by the database (kept by slices of sheets: ``certif.stats.sums``). Nothing walks the candidates one by one. The exact
figures (rates, bins, borderline) come from ``certif.domain.statistics`` applied to counts.

Which status counts: the **official standing** (``certif.deliberations.standing``) — the last
closed jury decision where a jury decided the unit (a unit some jury validated stays
validated), otherwise the rules' stored proposal. Each unit says how many of its statuses
are a jury's (``jury``). The parts of B3 and the scores are always the rules' (a jury decides
the block, not its parts).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

import polars as pl
from django.db.models import Count, Max, QuerySet, Sum

from certif.deliberations.models import CERTIFICATION, Decision, State
from certif.deliberations.standing import TAKEN
from certif.domain.referential.schema import CriterionKind, PointsScoring, Referential
from certif.domain.rules.results import Status
from certif.domain.statistics.distribution import Score as Score_
from certif.domain.statistics.distribution import ScoreBin, score_bins_from_counts
from certif.domain.statistics.rates import count_borderline, rate, rate_to_string
from certif.domain.units import UnitRef, decided_units
from certif.grading.models import COUNTING, Score, SheetStatus
from certif.referential.models import Criterion, ReferentialVersion
from certif.results.models import CandidateResult
from certif.sessions.models import ExamSession
from certif.stats.freshness import kept
from certif.stats.population import population
from certif.stats.scope import Scope
from certif.stats.sums import Stamp, totals_by_session

STATUSES = tuple(status.value for status in Status)
HUNDREDTHS = 100


@dataclass(frozen=True)
class Distribution:
    """A scored unit's scores: bins, threshold, maximum and the borderline count."""

    threshold: Decimal
    maximum: Decimal
    bins: list[ScoreBin]
    borderline: int

    @property
    def scored(self) -> int:
        return sum(each.count for each in self.bins)

    @property
    def borderline_rate(self) -> Fraction | None:
        return rate(self.borderline, self.scored)


@dataclass(frozen=True)
class UnitFigures:
    unit: UnitRef
    label: str
    counts: Mapping[str, int]
    jury: int = 0
    distribution: Distribution | None = None

    @property
    def assessed(self) -> int:
        return self.counts[Status.VALIDATED.value] + self.counts[Status.NOT_VALIDATED.value]

    @property
    def pass_rate(self) -> Fraction | None:
        """Validated among those assessed (validated or not validated)."""
        return rate(self.counts[Status.VALIDATED.value], self.assessed)

    def summary(self) -> dict[str, Any]:
        found: dict[str, Any] = dict(self.counts)
        found["pass_rate"] = rate_to_string(self.pass_rate)
        return found


@dataclass(frozen=True)
class CriterionFigures:
    code: str
    block: str
    kind: str
    maximum: Decimal | None
    sheets: int
    mean_share: Fraction | None


@dataclass(frozen=True)
class ResultsFigures:
    scope: Scope
    referential: Referential | None
    candidates: int
    certified: int
    certified_by_jury: int
    units: list[UnitFigures] = field(default_factory=list)
    criteria: list[CriterionFigures] = field(default_factory=list)

    @property
    def certified_rate(self) -> Fraction | None:
        return rate(self.certified, self.candidates)

    def unit(self, key: str) -> UnitFigures:
        return next(figures for figures in self.units if figures.unit.key == key)


def _version_of(scope: Scope) -> ReferentialVersion | None:
    used = scope.limit(CandidateResult.objects.all()).values("referential_version")
    return (
        ReferentialVersion.objects.filter(pk__in=used).order_by("-pk").first()
        or ReferentialVersion.objects.order_by("-pk").first()
    )


def referential_of(scope: Scope) -> Referential | None:
    """The référentiel the figures are read with: the latest version the population's results
    were decided on (the latest loaded when nobody has a result yet)."""
    version = _version_of(scope)
    return version.referential if version is not None else None


def _summaries(scope: Scope, version: ReferentialVersion) -> pl.DataFrame:
    """One row per candidate of the population: id, certified, each unit's status and score.
    Everyone's decoded results are kept (``certif.stats.population``); a scope keeps its
    candidates' rows."""
    frame = population(version.pk, version.referential).drop("stamp")
    if scope.is_everyone:
        return frame
    ids = list(scope.candidates().values_list("pk", flat=True))
    return frame.filter(pl.col("candidate_id").is_in(ids))


def _closed_decisions() -> QuerySet[Decision]:
    return Decision.objects.filter(
        deliberation__status=State.CLOSED, resolution__in=TAKEN
    ).order_by()


def _jury_words() -> pl.DataFrame:
    """Per (candidate, unit) a closed jury decided: its standing (validated when some
    session's jury validated it, else not validated), as ``standing_act`` reads it. Kept
    under the closed deliberations' decisions (count and last of each): a closed
    deliberation's acts no longer move, and a new closing or an amendment moves the stamp.
    Everyone's: joined over a scope's candidates, only theirs count."""
    stamp = (
        _closed_decisions()
        .values_list("deliberation_id")
        .annotate(count=Count("id"), last=Max("id"))
        .order_by("deliberation_id")
    )
    return kept("jury-words", repr(list(stamp)), _read_jury_words)


def _read_jury_words() -> pl.DataFrame:
    rows = _closed_decisions().values_list(
        "candidate_id", "unit", "deliberation__session_id", "deliberation__number", "status"
    )
    frame = pl.DataFrame(
        list(rows),
        schema={
            "candidate_id": pl.Int64,
            "unit": pl.Utf8,
            "session_id": pl.Int64,
            "number": pl.Int64,
            "jury_status": pl.Utf8,
        },
        orient="row",
    )
    # Within a session the latest act speaks; across sessions, a validation is for life.
    per_session = frame.sort("number").group_by("candidate_id", "unit", "session_id").last()
    return per_session.group_by("candidate_id", "unit").agg(
        pl.when((pl.col("jury_status") == Status.VALIDATED.value).any())
        .then(pl.lit(Status.VALIDATED.value))
        .otherwise(pl.lit(Status.NOT_VALIDATED.value))
        .alias("jury_status")
    )


def _with_jury(frame: pl.DataFrame, words: pl.DataFrame, units: Sequence[str]) -> pl.DataFrame:
    """The summaries with each jury-decided block and the certification replaced by the
    jury's word, and a ``jury:<unit>`` flag saying so."""
    wide = words.pivot(on="unit", index="candidate_id", values="jury_status")
    renamed = {code: f"jury:{code}" for code in wide.columns if code != "candidate_id"}
    joined = frame.join(wide.rename(renamed), on="candidate_id", how="left")
    updates = []
    for code in [*units, CERTIFICATION]:
        column = f"jury:{code}"
        if column not in joined.columns:
            joined = joined.with_columns(pl.lit(None, dtype=pl.Utf8).alias(column))
        if code == CERTIFICATION:
            updates.append(
                pl.when(pl.col(column).is_not_null())
                .then(pl.col(column) == Status.VALIDATED.value)
                .otherwise(pl.col("certified"))
                .alias("certified")
            )
        else:
            updates.append(pl.coalesce(column, f"status:{code}").alias(f"status:{code}"))
    return joined.with_columns(updates)


def _status_counts(frame: pl.DataFrame, key: str) -> dict[str, int]:
    column = pl.col(f"status:{key}").fill_null(Status.NOT_ASSESSED.value)
    grouped = frame.group_by(column.alias("status")).len()
    found = dict.fromkeys(STATUSES, 0)
    for status, count in grouped.iter_rows():
        found[status] = found.get(status, 0) + count
    return found


def _distribution(frame: pl.DataFrame, key: str, scoring: PointsScoring) -> Distribution:
    column = f"score:{key}"
    grouped = frame.filter(pl.col(column).is_not_null()).group_by(column).len()
    counts: dict[Score_, int] = {
        Fraction(score, HUNDREDTHS): count for score, count in grouped.iter_rows()
    }
    return Distribution(
        threshold=scoring.threshold,
        maximum=scoring.out_of,
        bins=score_bins_from_counts(counts, maximum=scoring.out_of),
        borderline=count_borderline(counts, scoring.threshold),
    )


def _unit_figures(frame: pl.DataFrame, referential: Referential) -> list[UnitFigures]:
    found = []
    for unit in decided_units(referential):
        block = referential.block(unit.block)
        scoring = block.scoring
        scored = isinstance(scoring, PointsScoring) and (unit.part or not block.parts)
        jury = f"jury:{unit.key}"
        found.append(
            UnitFigures(
                unit=unit,
                label=unit.label(referential),
                counts=_status_counts(frame, unit.key),
                jury=int(frame[jury].is_not_null().sum()) if jury in frame.columns else 0,
                distribution=(
                    _distribution(frame, unit.key, scoring)
                    if scored and isinstance(scoring, PointsScoring)
                    else None
                ),
            )
        )
    return found


def _criterion_share(
    kind: str, maximum: Decimal | None, total: int, sheets: int
) -> Fraction | None:
    """The mean share of the maximum: stored values are hundredths of a point, or 1/0."""
    if sheets == 0:
        return None
    if kind == CriterionKind.YES_NO:
        return Fraction(total, sheets)
    if kind == CriterionKind.POINTS and maximum:
        return Fraction(total, sheets * HUNDREDTHS) / Fraction(maximum)
    return None


CriterionSums = dict[tuple[str, str, str], tuple[int, int]]
"""(session code, block code, criterion code) → (sum of the stored values, sheets)."""


def _counting_scores() -> QuerySet[Score]:
    return Score.objects.filter(
        sheet__marking__in=COUNTING, sheet__status=SheetStatus.SUBMITTED
    ).order_by()


def _totals_by_session(stamps: Mapping[int, Stamp] | None = None) -> CriterionSums:
    """Every session's criteria totals over the counting, submitted sheets. Summing millions
    of scores is the costliest step of the statistics: the totals are kept by slices of
    sheets (``certif.stats.sums``), a slice summed again once one of its sheets changed."""
    sessions = dict(ExamSession.objects.values_list("pk", "code"))
    criteria = {
        pk: (block, code)
        for pk, block, code in Criterion.objects.values_list("pk", "block__code", "code")
    }
    return {
        (sessions[session], *criteria[criterion]): value
        for (session, criterion), value in totals_by_session(stamps).items()
    }


def criterion_sums(scope: Scope, stamps: Mapping[int, Stamp] | None = None) -> CriterionSums:
    """The criteria totals of the scope, per session. A scope of sessions reads the kept
    totals of its sessions (``stamps``: the slices' stamps, when read already); a scope that
    filters candidates sums their own sheets."""
    if scope.filters_candidates:
        rows = (
            _counting_scores()
            .filter(sheet__in=scope.sheets())
            .values_list("sheet__session__code", "criterion__block__code", "criterion__code")
            .annotate(total=Sum("value"), sheets=Count("id"))
        )
        return {(session, block, code): (total or 0, n) for session, block, code, total, n in rows}
    sessions = set(scope.sessions().values_list("code", flat=True))
    totals = _totals_by_session(stamps)
    return {key: value for key, value in totals.items() if key[0] in sessions}


def criterion_figures(
    scope: Scope, referential: Referential, sums: CriterionSums | None = None
) -> list[CriterionFigures]:
    """Per criterion with a maximum (points, or oui/non), the mean share of it over the
    counting, submitted sheets of the scope."""
    totals: dict[tuple[str, str], tuple[int, int]] = {}
    found_sums = criterion_sums(scope) if sums is None else sums
    for (_session, block_code, code), (total, sheets) in found_sums.items():
        before = totals.get((block_code, code), (0, 0))
        totals[(block_code, code)] = (before[0] + total, before[1] + sheets)
    found = []
    for block in referential.blocks:
        for criterion in block.criteria:
            if criterion.kind == CriterionKind.INTEGER:
                continue  # a count (pages) has no maximum to share
            total, sheets = totals.get((block.code, criterion.code), (0, 0))
            found.append(
                CriterionFigures(
                    code=criterion.code,
                    block=block.code,
                    kind=criterion.kind.value,
                    maximum=criterion.max_points,
                    sheets=sheets,
                    mean_share=_criterion_share(
                        criterion.kind, criterion.max_points, total, sheets
                    ),
                )
            )
    return found


@dataclass(frozen=True)
class CriteriaBySession:
    """The heat map's data: criteria (rows) by session (columns), the mean share of each."""

    sessions: list[str]
    criteria: list[str]
    shares: list[list[Fraction | None]]


def criteria_by_session(
    scope: Scope, referential: Referential, *, last: int = 6, sums: CriterionSums | None = None
) -> CriteriaBySession:
    """The mean share of each criterion's maximum per session of the scope (its ``last``
    sessions with scores, oldest first)."""
    sums = criterion_sums(scope) if sums is None else sums
    graded = {session for session, _block, _code in sums}
    ordered = scope.sessions().order_by("-start_date", "-code").values_list("code", flat=True)
    sessions = [code for code in ordered if code in graded][:last][::-1]
    criteria = [
        (block.code, c)
        for block in referential.blocks
        for c in block.criteria
        if c.kind != CriterionKind.INTEGER
    ]
    shares = [
        [
            _criterion_share(c.kind, c.max_points, *sums.get((session, block, c.code), (0, 0)))
            for session in sessions
        ]
        for block, c in criteria
    ]
    return CriteriaBySession(sessions, [c.code for _block, c in criteria], shares)


def results_figures(scope: Scope, sums: CriterionSums | None = None) -> ResultsFigures:
    """The results statistics of the scope, every count from the whole population at once
    (``sums``: the scope's criteria totals, when the caller has them already)."""
    version = _version_of(scope)
    if version is None:
        return ResultsFigures(scope, None, 0, 0, 0)
    referential = version.referential
    frame = _summaries(scope, version)
    words = _jury_words()
    blocks = [unit.key for unit in decided_units(referential) if not unit.part]
    frame = _with_jury(frame, words, blocks)
    certified_by_jury = int(
        frame.filter(pl.col(f"jury:{CERTIFICATION}") == Status.VALIDATED.value).height
    )
    return ResultsFigures(
        scope=scope,
        referential=referential,
        candidates=frame.height,
        certified=int(frame["certified"].sum()),
        certified_by_jury=certified_by_jury,
        units=_unit_figures(frame, referential),
        criteria=criterion_figures(scope, referential, sums),
    )


def candidate_standings(scope: Scope) -> pl.DataFrame:
    """One row per candidate of the scope with its official statuses and certification
    (``status:<unit>``, ``certified``): for tables that count by another column."""
    version = _version_of(scope)
    if version is None:
        return pl.DataFrame({"candidate_id": [], "certified": []})
    blocks = [unit.key for unit in decided_units(version.referential) if not unit.part]
    return _with_jury(_summaries(scope, version), _jury_words(), blocks)
