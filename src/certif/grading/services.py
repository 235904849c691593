"""Every write to score sheets: saving scores, with their history, then the candidate's decision.

Concurrency: a sheet carries a ``revision``. A writer states the revision it read;
if someone saved in between, the save is refused (``StaleSheet``) instead of
silently overwriting their work. The row is locked for the length of the write.

The grading pages rest on the functions below ``save_scores``: an assignment opens its
evaluator's sheet (single marking, or first and second with double marking), the
evaluator saves drafts then submits, a gestionnaire may reopen, and with double marking
the values agreed after comparing both sheets go into the agreed sheet, the one that counts.
Maxima, thresholds and what a complete sheet is come from the session's référentiel version.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from certif.accounts.models import ConflictOfInterest
from certif.core import audit
from certif.core.audit import Actor, account_of
from certif.core.roles import Role, has_role
from certif.domain import values
from certif.domain.referential.schema import Block as BlockSpec
from certif.domain.referential.schema import Criterion as CriterionSpec
from certif.domain.referential.schema import CriterionKind
from certif.domain.rules.engine import Sheet, SheetPreview
from certif.domain.values import Value
from certif.grading import signals
from certif.grading.models import COUNTING, Marking, Score, ScoreChange, ScoreSheet, SheetStatus
from certif.referential.models import Criterion, ReferentialVersion
from certif.referential.services import engine_for
from certif.sessions.models import Assignment, ExamSession


class GradingError(Exception):
    """A write refused; the message says why, in French."""


class StaleSheet(GradingError):
    def __init__(self, sheet: ScoreSheet, expected: int) -> None:
        self.current_revision = sheet.revision
        super().__init__(
            f"Cette feuille a été modifiée entre-temps (révision {sheet.revision}, vous aviez la "
            f"révision {expected}) : rechargez-la pour voir les changements avant d'enregistrer."
        )


class SheetLocked(GradingError):
    def __init__(self) -> None:
        super().__init__(
            "Cette feuille est soumise et verrouillée : seul un gestionnaire peut la rouvrir."
        )


@dataclass(frozen=True)
class SaveOutcome:
    sheet: ScoreSheet
    changed: int


def _check_value(criterion: Criterion, value: Value) -> int:
    kind = CriterionKind(criterion.kind)
    if kind == CriterionKind.POINTS:
        if isinstance(value, bool):
            raise GradingError(f"{criterion.code} : attendu des points")
        try:
            values.check_points(_criterion_spec(criterion), Decimal(value))
        except values.ValueRejected as error:
            raise GradingError(str(error)) from error
    elif kind == CriterionKind.YES_NO and not isinstance(value, bool):
        raise GradingError(f"{criterion.code} : attendu « oui » ou « non »")
    elif kind == CriterionKind.INTEGER and (
        isinstance(value, bool) or int(value) != value or not 0 <= value < 10**9
    ):
        raise GradingError(
            f"{criterion.code} : attendu un nombre entier positif (9 chiffres au plus)"
        )
    return values.encode(kind, value)


def _criterion_spec(criterion: Criterion) -> CriterionSpec:
    return CriterionSpec(
        code=criterion.code,
        text=criterion.text,
        kind=CriterionKind(criterion.kind),
        max_points=criterion.max_points,
    )


def save_scores(
    sheet_id: int,
    new_values: Mapping[str, Value | None],
    *,
    actor: Actor = None,
    expected_revision: int | None = None,
    comments: Mapping[str, str] | None = None,
    source: str = "web",
    reason: str = "",
    allow_submitted: bool = False,
) -> SaveOutcome:
    """Record values (None clears one) and comments on a sheet, keep the history, recompute.

    Raises ``StaleSheet`` when ``expected_revision`` is stale, ``SheetLocked`` on a submitted
    sheet (unless ``allow_submitted``, for a gestionnaire's correction with a reason), and
    ``GradingError`` for a value the criterion does not admit.
    """
    with transaction.atomic():
        sheet = ScoreSheet.objects.select_for_update().get(pk=sheet_id)
        if expected_revision is not None and sheet.revision != expected_revision:
            raise StaleSheet(sheet, expected_revision)
        if sheet.status == SheetStatus.SUBMITTED and not allow_submitted:
            raise SheetLocked()
        criteria = {c.code: c for c in Criterion.objects.filter(block_id=sheet.block_id)}
        unknown = sorted(set(new_values) - set(criteria))
        if unknown:
            raise GradingError(f"critère(s) inconnu(s) du bloc : {', '.join(unknown)}")
        existing = {
            s.criterion.code: s
            for s in Score.objects.filter(sheet=sheet).select_related("criterion")
        }
        user = account_of(actor)
        changes: list[ScoreChange] = []
        for code, value in new_values.items():
            criterion = criteria[code]
            stored = _check_value(criterion, value) if value is not None else None
            score = existing.get(code)
            before = score.value if score is not None else None
            comment = (comments or {}).get(code)
            if stored == before and (comment is None or score is None or comment == score.comment):
                continue
            if stored is None:
                if score is not None:
                    score.delete()
            elif score is None:
                Score.objects.create(
                    sheet=sheet, criterion=criterion, value=stored, comment=comment or ""
                )
            else:
                score.value = stored
                score.comment = comment if comment is not None else score.comment
                score.save(update_fields=["value", "comment"])
            if stored != before:
                changes.append(
                    ScoreChange(
                        sheet=sheet,
                        criterion=criterion,
                        before=before,
                        after=stored,
                        changed_by=user,
                        source=source,
                        reason=reason,
                    )
                )
        for code, comment in (comments or {}).items():
            score = existing.get(code)
            if code not in new_values and score is not None and score.comment != comment:
                score.comment = comment
                score.save(update_fields=["comment"])
        ScoreChange.objects.bulk_create(changes)
        sheet.revision += 1
        sheet.updated_at = timezone.now()
        sheet.save(update_fields=["revision", "updated_at"])
        if changes:
            signals.values_changed.send(ScoreSheet, candidate_ids=[sheet.candidate_id])
    return SaveOutcome(sheet, len(changes))


def change_score(
    sheet_id: int, criterion: str, value: Value | None, *, actor: Actor = None, reason: str = ""
) -> SaveOutcome:
    """A gestionnaire's correction of one score, on any sheet, with its reason kept."""
    return save_scores(
        sheet_id,
        {criterion: value},
        actor=actor,
        reason=reason,
        source="correction",
        allow_submitted=True,
    )


# -- Units, assignments and the sheet of each evaluator ----------------------------------------


@dataclass(frozen=True)
class Unit:
    """What one evaluation covers: a candidate's block, or part of a block, in one session."""

    session_id: int
    candidate_id: int
    block_id: int
    part: str = ""

    @classmethod
    def of(cls, row: Assignment | ScoreSheet) -> Unit:
        return cls(row.session_id, row.candidate_id, row.block_id, row.part)

    def lookup(self) -> dict[str, Any]:
        return {
            "session_id": self.session_id,
            "candidate_id": self.candidate_id,
            "block_id": self.block_id,
            "part": self.part,
        }


class ConflictRefused(GradingError):
    def __init__(self) -> None:
        super().__init__(
            "Un lien d'intérêt est déclaré entre vous et ce candidat : vous ne pouvez pas "
            "l'évaluer. Prévenez un gestionnaire pour qu'il confie cette grille à quelqu'un "
            "d'autre."
        )


class IncompleteSheet(GradingError):
    def __init__(self, missing: Sequence[str]) -> None:
        self.missing = tuple(missing)
        super().__init__(
            "La feuille est incomplète et ne peut pas être soumise : critère(s) sans valeur : "
            f"{', '.join(missing)}."
        )


def marking_for(assignment: Assignment) -> Marking:
    """Single marking when the unit has one evaluator; first or second with two."""
    markers = Assignment.objects.filter(**Unit.of(assignment).lookup()).count()
    if markers <= 1:
        return Marking.SINGLE
    if assignment.marker == 1:
        return Marking.FIRST
    if assignment.marker == 2:
        return Marking.SECOND
    raise GradingError(
        f"correcteur n° {assignment.marker} inattendu : une double correction a les "
        "correcteurs 1 et 2"
    )


def _slot_is_free(sheets: Mapping[str, ScoreSheet], marking: Marking) -> bool:
    if marking == Marking.SINGLE:
        # A unit has one counting sheet: a single marking cannot sit beside an agreed one.
        return not any(m in sheets for m in COUNTING)
    return marking not in sheets


def _remark(sheet: ScoreSheet, marking: Marking, actor: Actor) -> ScoreSheet:
    """Give an existing sheet another marking, when the unit's assignments changed."""
    before = sheet.marking
    counted_before = before in COUNTING
    sheet.marking = marking
    sheet.save(update_fields=["marking", "updated_at"])
    audit.record(
        "grading.sheet.remarked", sheet, actor=actor, before={"marking": before},
        after={"marking": marking.value},
    )  # fmt: skip
    if counted_before != (marking in COUNTING) and sheet.scores.exists():
        signals.values_changed.send(ScoreSheet, candidate_ids=[sheet.candidate_id])
    return sheet


def _existing_sheet(
    sheets: Mapping[str, ScoreSheet], marking: Marking, assignment: Assignment, actor: Actor
) -> ScoreSheet | None:
    """The sheet this assignment continues, if any, re-marked when the assignments changed.

    An evaluator keeps their own sheet when a second marker is added or removed (their single
    marking becomes the first, or the reverse); an imported sheet without an evaluator, or one
    left by an evaluator no longer assigned, goes to the marker who takes that place.
    """
    own = next(
        (
            s
            for s in sheets.values()
            if s.evaluator_id == assignment.evaluator_id and s.marking != Marking.AGREED
        ),
        None,
    )
    if own is not None:
        if own.marking != marking and _slot_is_free(
            {m: s for m, s in sheets.items() if s is not own}, marking
        ):
            return _remark(own, marking, actor)
        return own
    if marking in sheets:
        return sheets[marking]
    single = sheets.get(Marking.SINGLE)
    if single is not None and marking == Marking.FIRST:
        assigned = set(
            Assignment.objects.filter(**Unit.of(assignment).lookup()).values_list(
                "evaluator_id", flat=True
            )
        )
        if single.evaluator_id not in assigned:
            return _remark(single, marking, actor)
    return None


def _create_sheet(unit: Unit, marking: Marking, evaluator_id: int) -> ScoreSheet:
    """A new sheet; when a concurrent first opening (a double click) created it just before,
    that one is returned rather than an error."""
    try:
        with transaction.atomic():
            return ScoreSheet.objects.create(
                **unit.lookup(), evaluator_id=evaluator_id, marking=marking
            )
    except IntegrityError:
        return ScoreSheet.objects.get(**unit.lookup(), marking=marking)


def open_sheet(assignment: Assignment, actor: Actor = None) -> ScoreSheet:
    """The assigned evaluator's sheet for the unit, created on first opening."""
    if ConflictOfInterest.objects.filter(
        user_id=assignment.evaluator_id, candidate_id=assignment.candidate_id
    ).exists():
        raise ConflictRefused()
    unit = Unit.of(assignment)
    marking = marking_for(assignment)
    with transaction.atomic():
        sheets = {
            s.marking: s for s in ScoreSheet.objects.select_for_update().filter(**unit.lookup())
        }
        sheet = _existing_sheet(sheets, marking, assignment, actor)
        if sheet is None:
            if not _slot_is_free(sheets, marking):
                raise GradingError(
                    "Cette unité a déjà une correction concertée : une correction unique ne peut "
                    "plus y être ajoutée. Un gestionnaire peut rouvrir la correction concertée."
                )
            sheet = _create_sheet(unit, marking, assignment.evaluator_id)
            audit.record(
                "grading.sheet.opened",
                sheet,
                actor=actor,
                after={"marking": marking.value, "evaluator": assignment.evaluator_id},
            )
        elif sheet.evaluator_id != assignment.evaluator_id and (
            sheet.evaluator_id is None or sheet.status == SheetStatus.DRAFT
        ):
            # The assignment says who grades: a draft follows a reassignment.
            before = sheet.evaluator_id
            sheet.evaluator_id = assignment.evaluator_id
            sheet.save(update_fields=["evaluator", "updated_at"])
            audit.record(
                "grading.sheet.evaluator", sheet, actor=actor, before={"evaluator": before},
                after={"evaluator": assignment.evaluator_id},
            )  # fmt: skip
    return sheet


def find_sheet(assignment: Assignment) -> ScoreSheet | None:
    """The sheet an assignment leads to, without creating anything (for a read-only view)."""
    sheets = ScoreSheet.objects.filter(**Unit.of(assignment).lookup())
    own = sheets.filter(evaluator_id=assignment.evaluator_id).exclude(marking=Marking.AGREED)
    found = own.first()
    if found is not None:
        return found
    try:
        marking = marking_for(assignment)
    except GradingError:
        return None
    return sheets.filter(marking=marking).first()


def unit_sheets(unit: Unit) -> dict[str, ScoreSheet]:
    return {s.marking: s for s in ScoreSheet.objects.filter(**unit.lookup())}


def unit_evaluator_ids(unit: Unit) -> set[int]:
    return set(Assignment.objects.filter(**unit.lookup()).values_list("evaluator_id", flat=True))


# -- Reading values and judging them with the session's rules ----------------------------------


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


def _printed_codes(spec: BlockSpec, codes: Sequence[str]) -> list[str]:
    printed = {c.code: c.code_as_printed for c in spec.criteria}
    return [printed.get(code, code) for code in codes]


def _displayed(spec: BlockSpec, given: Mapping[str, Value]) -> dict[str, str]:
    kinds = {c.code: c.kind for c in spec.criteria}
    return {code: values.display(kinds[code], value) for code, value in given.items()}


def _lock(sheet_id: int, expected_revision: int | None) -> ScoreSheet:
    sheet = ScoreSheet.objects.select_for_update().get(pk=sheet_id)
    if expected_revision is not None and sheet.revision != expected_revision:
        raise StaleSheet(sheet, expected_revision)
    return sheet


def _mark_submitted(sheet: ScoreSheet) -> None:
    sheet.status = SheetStatus.SUBMITTED
    sheet.submitted_at = timezone.now()
    sheet.revision += 1
    sheet.save(update_fields=["status", "submitted_at", "revision", "updated_at"])


# -- Writing an evaluator's sheet --------------------------------------------------------------


def save_sheet(
    sheet_id: int,
    new_values: Mapping[str, Value | None],
    *,
    actor: Actor = None,
    expected_revision: int | None = None,
    comments: Mapping[str, str] | None = None,
) -> SaveOutcome:
    """An evaluator's draft: ``save_scores`` from the grid, with a journal entry."""
    with transaction.atomic():
        outcome = save_scores(
            sheet_id,
            new_values,
            actor=actor,
            expected_revision=expected_revision,
            comments=comments,
            source="web",
        )
        audit.record(
            "grading.sheet.saved",
            outcome.sheet,
            actor=actor,
            after={"revision": outcome.sheet.revision, "changed": outcome.changed},
        )
    return outcome


def submit_sheet(
    sheet_id: int,
    actor: Actor = None,
    expected_revision: int | None = None,
    *,
    new_values: Mapping[str, Value | None] | None = None,
    comments: Mapping[str, str] | None = None,
) -> ScoreSheet:
    """Submit a complete sheet, after saving the values typed with it; the sheet is then locked.

    Refused (and nothing saved) when a criterion has no value: ``IncompleteSheet`` lists them.
    """
    with transaction.atomic():
        if new_values is not None:
            saved = save_scores(
                sheet_id,
                new_values,
                actor=actor,
                expected_revision=expected_revision,
                comments=comments,
                source="web",
            )
            expected_revision = saved.sheet.revision
        sheet = _lock(sheet_id, expected_revision)
        if sheet.status == SheetStatus.SUBMITTED:
            raise SheetLocked()
        given = sheet_values(sheet)
        spec = block_spec(sheet.session, sheet.block.code)
        missing = preview(sheet.session, spec.code, sheet.part, given).missing
        if missing:
            raise IncompleteSheet(_printed_codes(spec, missing))
        _mark_submitted(sheet)
        audit.record(
            "grading.sheet.submitted",
            sheet,
            actor=actor,
            after={"marking": sheet.marking, "values": _displayed(spec, given)},
        )
    return sheet


def reopen_sheet(sheet_id: int, actor: Actor, reason: str) -> ScoreSheet:
    """A gestionnaire reopens a submitted sheet so that it can be edited again; the reason is kept."""
    reason = reason.strip()
    if not reason:
        raise GradingError("Indiquez le motif de la réouverture : il est gardé au journal.")
    if isinstance(actor, AbstractBaseUser) and not has_role(actor, Role.STAFF):
        raise GradingError("Seul un gestionnaire peut rouvrir une feuille soumise.")
    with transaction.atomic():
        sheet = _lock(sheet_id, None)
        if sheet.status != SheetStatus.SUBMITTED:
            raise GradingError("Cette feuille n'est pas soumise : elle est déjà modifiable.")
        submitted_at = sheet.submitted_at
        sheet.status = SheetStatus.DRAFT
        sheet.submitted_at = None
        sheet.revision += 1
        sheet.save(update_fields=["status", "submitted_at", "revision", "updated_at"])
        audit.record(
            "grading.sheet.reopened",
            sheet,
            actor=actor,
            before={
                "status": SheetStatus.SUBMITTED.value,
                "submitted_at": submitted_at.isoformat() if submitted_at else None,
            },
            after={"status": SheetStatus.DRAFT.value},
            reason=reason,
        )
    return sheet


# -- Double marking: comparing two sheets and recording the agreed one -------------------------


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

    unit: Unit
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


def compare(unit: Unit) -> Comparison | None:
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


def may_reconcile(user: Any, unit: Unit) -> bool:
    """A gestionnaire, or one of the unit's two markers."""
    if has_role(user, Role.STAFF):
        return True
    return has_role(user, Role.EVALUATOR) and user.pk in unit_evaluator_ids(unit)


def record_agreed_sheet(
    unit: Unit,
    new_values: Mapping[str, Value | None],
    *,
    actor: Actor = None,
    expected_revision: int | None = None,
    reason: str = "",
) -> ScoreSheet:
    """Record the values the two markers agreed on, in the agreed sheet (the one that counts),
    submitted at once; every value keeps its history and the candidate's decision follows.

    ``expected_revision`` is the agreed sheet's revision as read, 0 when it did not exist yet.
    """
    if isinstance(actor, AbstractBaseUser) and not may_reconcile(actor, unit):
        raise GradingError(
            "Seuls un gestionnaire et les deux correcteurs de cette unité peuvent arrêter la "
            "correction concertée."
        )
    with transaction.atomic():
        sheets = {
            s.marking: s for s in ScoreSheet.objects.select_for_update().filter(**unit.lookup())
        }
        if not both_submitted(sheets):
            raise GradingError(
                "Les deux corrections doivent être soumises avant d'arrêter la correction "
                "concertée."
            )
        if Marking.SINGLE in sheets:
            raise GradingError(
                "Une correction unique existe déjà pour cette unité et compte seule : elle doit "
                "être retirée avant une correction concertée."
            )
        first = sheets[Marking.FIRST]
        spec = block_spec(first.session, first.block.code)
        missing = [c.code for c in spec.criteria if new_values.get(c.code) is None]
        if missing:
            raise IncompleteSheet(_printed_codes(spec, missing))
        agreed = sheets.get(Marking.AGREED)
        if agreed is None:
            if expected_revision:
                raise GradingError("La correction concertée a été retirée entre-temps : rechargez.")
            agreed = ScoreSheet.objects.create(**unit.lookup(), marking=Marking.AGREED)
            before: dict[str, str] | None = None
        else:
            if expected_revision is not None and agreed.revision != expected_revision:
                raise StaleSheet(agreed, expected_revision)
            if agreed.status == SheetStatus.SUBMITTED:
                raise SheetLocked()
            before = _displayed(spec, sheet_values(agreed))
        outcome = save_scores(
            agreed.pk,
            new_values,
            actor=actor,
            expected_revision=agreed.revision,
            source="rapprochement",
            reason=reason.strip(),
        )
        agreed = outcome.sheet
        if not outcome.changed:
            # Unchanged values on a reopened agreed sheet: the decision must still be current.
            signals.values_changed.send(ScoreSheet, candidate_ids=[unit.candidate_id])
        _mark_submitted(agreed)
        audit.record(
            "grading.sheet.agreed",
            agreed,
            actor=actor,
            before=before,
            after=_displayed(spec, {k: v for k, v in new_values.items() if v is not None}),
            reason=reason.strip(),
        )
    return agreed


@dataclass(frozen=True)
class PendingReconciliation:
    unit: Unit
    first: ScoreSheet
    second: ScoreSheet
    spec: BlockSpec
    largest_gap: Decimal | None
    flagged: int


def pending_first_sheets(session_id: int | None = None) -> QuerySet[ScoreSheet]:
    """First markings whose second is submitted too, and whose agreed sheet is not (yet)."""
    unit = {name: OuterRef(name) for name in ("candidate_id", "session_id", "block_id", "part")}
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
        Unit.of(s): s
        for s in ScoreSheet.objects.filter(
            marking=Marking.SECOND,
            candidate_id__in={f.candidate_id for f in firsts},
            session_id__in={f.session_id for f in firsts},
            block_id__in={f.block_id for f in firsts},
        )
    }
    pairs = [(f, seconds[Unit.of(f)]) for f in firsts if Unit.of(f) in seconds]
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
                Unit.of(first), first, second, spec, largest_gap(gaps), sum(g.flagged for g in gaps)
            )
        )
    return described


# -- The evaluator's list ----------------------------------------------------------------------


def assignments_of(evaluator: Any) -> QuerySet[Assignment]:
    """An evaluator's assignments, each with the state of their sheet (None: not opened) and
    the number of markers of the unit (2 for a double marking)."""
    their_sheet = ScoreSheet.objects.filter(
        candidate_id=OuterRef("candidate_id"),
        session_id=OuterRef("session_id"),
        block_id=OuterRef("block_id"),
        part=OuterRef("part"),
        evaluator_id=OuterRef("evaluator_id"),
    ).exclude(marking=Marking.AGREED)
    markers = (
        Assignment.objects.filter(
            candidate_id=OuterRef("candidate_id"),
            session_id=OuterRef("session_id"),
            block_id=OuterRef("block_id"),
            part=OuterRef("part"),
        )
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
        .order_by("session__code", "candidate__numero", "block__position", "part", "marker")
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
