"""The certification rules engine: from score sheets to decisions, exactly.

Every rule comes from the référentiel file (thresholds, totals, normalisation,
how a block follows from its parts, what the certification requires); this
module only knows the *kinds* of rules a file may state.

A sheet is one evaluation of one unit (a block, or a part of a block with
parts) in one session. A sheet is complete when every criterion of its block
has a value; an incomplete sheet never counts as zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType

from certif.domain.referential.schema import (
    Block,
    CriterionKind,
    PassFailScoring,
    PointsScoring,
    Referential,
)
from certif.domain.rules.results import (
    BlockResult,
    CandidateResult,
    Failure,
    Status,
    UnitResult,
)

Value = Decimal | bool | int


class SheetError(ValueError):
    """A sheet that does not fit the référentiel (unknown block, part or criterion)."""


@dataclass(frozen=True, slots=True)
class Sheet:
    """The values recorded for one unit in one session; absent criteria are not yet graded."""

    session: str
    block: str
    values: Mapping[str, Value]
    part: str | None = None
    session_date: date | None = None


@dataclass(frozen=True, slots=True)
class _Outcome:
    """One sheet judged against its unit's rule."""

    session: str
    session_date: date | None
    complete: bool
    missing: tuple[str, ...]
    score: Fraction | None
    passed: bool
    expired: bool
    failures: tuple[Failure, ...]

    @property
    def counts_as_validated(self) -> bool:
        return self.complete and self.passed and not self.expired


def _canonical_order(sheet: Sheet) -> tuple[date, str, tuple[tuple[str, str], ...]]:
    """Session order, then the values: ties between sheets never depend on the input order."""
    values = tuple(sorted((code, repr(value)) for code, value in sheet.values.items()))
    return (sheet.session_date or date.min, sheet.session, values)


@dataclass(frozen=True, slots=True)
class SheetPreview:
    """A sheet in progress: ``running`` is the score of the values given so far (for points);
    ``passed`` is known only once the sheet is complete."""

    complete: bool
    missing: tuple[str, ...]
    running: Fraction | None
    out_of: Fraction | None
    threshold: Fraction | None
    passed: bool | None
    failures: tuple[Failure, ...]

    @property
    def status(self) -> Status:
        if not self.complete:
            return Status.INCOMPLETE
        return Status.VALIDATED if self.passed else Status.NOT_VALIDATED


# Units whose grading in the session being deliberated is unfinished: (block, part or None) →
# that session's code.
Unfinished = Mapping[tuple[str, str | None], str]
NOTHING_UNFINISHED: Unfinished = MappingProxyType({})


class _CompiledBlock:
    """A block's rule with everything precomputed, so that judging a sheet is cheap."""

    def __init__(self, block: Block, validity_years: int | None) -> None:
        self.block = block
        self.code = block.code
        self.name = block.unit_name
        self.criteria: tuple[str, ...] = tuple(criterion.code for criterion in block.criteria)
        self.criterion_set = frozenset(self.criteria)
        self.kinds = {criterion.code: criterion.kind for criterion in block.criteria}
        self.part_labels = {part.code: part.label for part in block.parts}
        self.validity_years = validity_years
        scoring = block.scoring
        self.points: PointsScoring | None = scoring if isinstance(scoring, PointsScoring) else None
        self.pass_fail: PassFailScoring | None = (
            scoring if isinstance(scoring, PassFailScoring) else None
        )
        if self.points is not None:
            maxima = sum(
                (
                    Fraction(c.max_points or 0)
                    for c in block.criteria
                    if c.kind == CriterionKind.POINTS
                ),
                Fraction(0),
            )
            self.out_of = Fraction(self.points.out_of)
            self.threshold = Fraction(self.points.threshold)
            proportional = self.points.normalisation == "proportional" and maxima > 0
            self.scale = self.out_of / maxima if proportional else Fraction(1)

    # -- one sheet ---------------------------------------------------------------------------

    def judge(self, sheet: Sheet, as_of: date | None) -> _Outcome:
        if not self.criterion_set.issuperset(sheet.values):
            unknown = sorted(set(sheet.values) - self.criterion_set)
            raise SheetError(f"{self.code} : critère(s) inconnu(s) {', '.join(unknown)}")
        if len(sheet.values) == len(self.criteria):
            missing: tuple[str, ...] = ()
        else:
            missing = tuple(code for code in self.criteria if code not in sheet.values)
        complete = not missing
        expired = self.validity_years is not None and self._expired(sheet.session_date, as_of)
        if self.points is not None:
            score = self._score(sheet.values) if complete else None
            passed = score is not None and score >= self.threshold
            return _Outcome(
                sheet.session, sheet.session_date, complete, missing, score, passed, expired, ()
            )
        failures = self._failures(sheet.values) if complete else ()
        return _Outcome(
            sheet.session,
            sheet.session_date,
            complete,
            missing,
            None,
            complete and not failures,
            expired,
            failures,
        )

    def _score(self, values: Mapping[str, Value]) -> Fraction:
        # Points have at most two decimals: their Decimal sum is exact, and much cheaper
        # than a sum of Fractions; the one Fraction is for the normalisation.
        raw = sum((values[code] for code in self.criteria), Decimal(0))
        score = Fraction(*Decimal(raw).as_integer_ratio())
        return score * self.scale if self.scale != 1 else score

    def _failures(self, values: Mapping[str, Value]) -> tuple[Failure, ...]:
        assert self.pass_fail is not None
        failures: list[Failure] = []
        for condition in self.pass_fail.conditions:
            value = values[condition.criterion]
            if condition.at_least is not None and not (
                not isinstance(value, bool) and value >= condition.at_least
            ):
                failures.append(
                    Failure(
                        condition.criterion, _value_text(value), f"at_least:{condition.at_least}"
                    )
                )
            if condition.equals is not None and value is not condition.equals:
                failures.append(
                    Failure(
                        condition.criterion,
                        _value_text(value),
                        f"equals:{'true' if condition.equals else 'false'}",
                    )
                )
        return tuple(failures)

    def _expired(self, session_date: date | None, as_of: date | None) -> bool:
        if self.validity_years is None or session_date is None or as_of is None:
            return False
        try:
            end = session_date.replace(year=session_date.year + self.validity_years)
        except ValueError:  # 29 February
            end = session_date.replace(year=session_date.year + self.validity_years, day=28)
        return as_of >= end

    # -- one unit ----------------------------------------------------------------------------

    def decide_unit(
        self, name: str, sheets: Sequence[Sheet], as_of: date | None, is_part: bool
    ) -> UnitResult:
        scored = self.points is not None
        out_of = self.out_of if scored else None
        threshold = self.threshold if scored else None
        pass_fail = not scored
        if not sheets:
            return UnitResult(
                name, Status.NOT_ASSESSED, is_part, pass_fail, None, None, out_of, threshold
            )
        ordered = sorted(sheets, key=_canonical_order) if len(sheets) > 1 else sheets
        outcomes = [self.judge(sheet, as_of) for sheet in ordered]
        complete = [outcome for outcome in outcomes if outcome.complete]
        if not complete:
            closest = min(outcomes, key=lambda outcome: len(outcome.missing))
            return UnitResult(
                name,
                Status.INCOMPLETE,
                is_part,
                pass_fail,
                None,
                closest.session,
                out_of,
                threshold,
                closest.missing,
            )
        validating = [outcome for outcome in complete if outcome.counts_as_validated]
        retained = _best(validating or complete)
        return UnitResult(
            name,
            Status.VALIDATED if validating else Status.NOT_VALIDATED,
            is_part,
            pass_fail,
            retained.score,
            retained.session,
            out_of,
            threshold,
            (),
            retained.failures,
            not validating and any(outcome.passed for outcome in complete),
        )

    # -- the block ---------------------------------------------------------------------------

    def decide(
        self,
        sheets: Sequence[Sheet],
        as_of: date | None,
        unfinished: Unfinished = NOTHING_UNFINISHED,
    ) -> BlockResult:
        if not self.part_labels:
            for sheet in sheets:
                if sheet.part is not None:
                    raise SheetError(f"{self.code} n'a pas de parties (partie « {sheet.part} »)")
            unit = self.decide_unit(self.name, sheets, as_of, is_part=False)
            unit = _waiting(unit, unfinished.get((self.code, None)))
            return BlockResult(self.code, self.name, unit.status, unit=unit)
        by_part: dict[str, list[Sheet]] = {code: [] for code in self.part_labels}
        for sheet in sheets:
            if sheet.part not in by_part:
                raise SheetError(f"{self.code} : partie inconnue « {sheet.part} »")
            by_part[sheet.part].append(sheet)
        parts = {
            code: _waiting(
                self.decide_unit(self.part_labels[code], by_part[code], as_of, is_part=True),
                unfinished.get((self.code, code)),
            )
            for code in self.part_labels
        }
        return BlockResult(
            self.code, self.name, self._status_from_parts(parts, by_part, as_of), parts=parts
        )

    def _status_from_parts(
        self,
        parts: Mapping[str, UnitResult],
        by_part: Mapping[str, list[Sheet]],
        as_of: date | None,
    ) -> Status:
        """Validated when every part is; not validated when a part is not; incomplete when no
        part is not validated and one is incomplete; not assessed when no part was assessed;
        otherwise (some parts validated, the others not assessed yet) not validated, the
        explanation naming what remains."""
        statuses = [part.status for part in parts.values()]
        if all(status is Status.NOT_ASSESSED for status in statuses):
            return Status.NOT_ASSESSED
        if Status.NOT_VALIDATED in statuses:
            return Status.NOT_VALIDATED
        if Status.INCOMPLETE in statuses:
            return Status.INCOMPLETE
        assert self.points is not None
        if self.points.capitalise_parts:
            all_validated = all(status is Status.VALIDATED for status in statuses)
        else:
            all_validated = self._all_parts_validated_in_one_session(by_part, as_of)
        return Status.VALIDATED if all_validated else Status.NOT_VALIDATED

    def _all_parts_validated_in_one_session(
        self, by_part: Mapping[str, list[Sheet]], as_of: date | None
    ) -> bool:
        sessions_per_part = [
            {s.session for s in sheets if self.judge(s, as_of).counts_as_validated}
            for sheets in by_part.values()
        ]
        return bool(set.intersection(*sessions_per_part)) if sessions_per_part else False


def _waiting(unit: UnitResult, session: str | None) -> UnitResult:
    """A unit whose grading in ``session`` is unfinished waits for it: incomplete, unless its
    sheets already validate it (a validated unit stays validated whatever a retake gives)."""
    if session is None or unit.validated:
        return unit
    return replace(unit, status=Status.INCOMPLETE, unfinished=session)


def _best(outcomes: Sequence[_Outcome]) -> _Outcome:
    """The highest score (or fewest failed conditions); on a tie, the first in canonical order."""
    best = outcomes[0]
    for outcome in outcomes[1:]:
        if _rank(outcome) > _rank(best):
            best = outcome
    return best


def _rank(outcome: _Outcome) -> tuple[Fraction, int]:
    return (outcome.score if outcome.score is not None else Fraction(-1), -len(outcome.failures))


def _value_text(value: Value) -> str:
    if isinstance(value, bool):
        return "oui" if value else "non"
    return str(value)


class RulesEngine:
    """Compiled once per référentiel version; ``evaluate`` is then cheap per candidate."""

    def __init__(self, referential: Referential) -> None:
        self.referential = referential
        self.label = f"{referential.code} {referential.version}"
        validity = referential.certification.validity_years
        self._blocks = {block.code: _CompiledBlock(block, validity) for block in referential.blocks}
        self._required = tuple(referential.certification.requires)

    def preview(self, sheet: Sheet) -> SheetPreview:
        """One sheet judged alone, as its evaluator types: the running total of the values
        given so far, the score /out_of and what it would decide once complete."""
        compiled = self._blocks[sheet.block]
        outcome = compiled.judge(sheet, as_of=None)
        running: Fraction | None = None
        if compiled.points is not None:
            given = [sheet.values[code] for code in compiled.criteria if code in sheet.values]
            raw = sum(given, Decimal(0))
            running = Fraction(*Decimal(raw).as_integer_ratio()) * compiled.scale
        return SheetPreview(
            complete=outcome.complete,
            missing=outcome.missing,
            running=running,
            out_of=compiled.out_of if compiled.points is not None else None,
            threshold=compiled.threshold if compiled.points is not None else None,
            passed=outcome.passed if outcome.complete else None,
            failures=outcome.failures,
        )

    def fits(self, sheet: Sheet) -> bool:
        """Whether a sheet (possibly from a session on another version) fits these rules."""
        compiled = self._blocks.get(sheet.block)
        if compiled is None:
            return False
        if compiled.part_labels and sheet.part not in compiled.part_labels:
            return False
        if not compiled.part_labels and sheet.part:
            return False
        return compiled.criterion_set.issuperset(sheet.values)

    def evaluate(
        self,
        sheets: Iterable[Sheet],
        as_of: date | None = None,
        unfinished: Unfinished = NOTHING_UNFINISHED,
    ) -> CandidateResult:
        """Decide every block and the certification for one candidate's sheets, in any order.

        ``as_of`` is the date at which a validity period is judged; without it, no
        validation expires. ``unfinished`` names the units whose grading in the session being
        deliberated is not finished: they are incomplete unless already validated.
        """
        by_block: dict[str, list[Sheet]] = {code: [] for code in self._blocks}
        for sheet in sheets:
            if sheet.block not in by_block:
                raise SheetError(f"bloc inconnu « {sheet.block} »")
            by_block[sheet.block].append(sheet)
        blocks = {
            code: compiled.decide(by_block[code], as_of, unfinished)
            for code, compiled in self._blocks.items()
        }
        certified = all(blocks[code].validated for code in self._required)
        return CandidateResult(self.label, blocks, certified, self._required)
