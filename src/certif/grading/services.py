"""Every write to score sheets: saving scores, with their history, then the candidate's decision.

Each verb validates what it receives with its form (``certif.grading.forms``: the grid, the
agreed sheet, a reopening) and checks its policy (``certif.grading.policies``), whatever the
door. Concurrency: a sheet carries a ``revision``; a writer states the revision it read, and a
save made after someone else's is refused (``certif.core.concurrency``: ``Stale``) instead of
silently overwriting their work. The row is locked for the length of the write.

The grading pages rest on the functions below ``save_scores``: an assignment opens its
evaluator's sheet (single marking, or first and second with double marking), the
evaluator saves drafts then submits, a gestionnaire may reopen, and with double marking
the values agreed after comparing both sheets go into the agreed sheet, the one that counts.
Maxima, thresholds and what a complete sheet is come from the session's référentiel version.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from certif.accounts.models import ConflictOfInterest
from certif.core import audit
from certif.core.audit import Actor, account_of
from certif.core.concurrency import check
from certif.core.errors import Forbidden, Invalid, Refused
from certif.core.policies import require
from certif.core.service_writes import save_fields
from certif.core.validation import bound, validated
from certif.domain import values
from certif.domain.referential.schema import Block as BlockSpec
from certif.domain.referential.schema import Criterion as CriterionSpec
from certif.domain.referential.schema import CriterionKind
from certif.domain.values import Value
from certif.grading import actions, signals
from certif.grading.forms import AgreedForm, GridForm, ReopenForm
from certif.grading.models import (
    COUNTING,
    GradedUnit,
    Marking,
    Score,
    ScoreChange,
    ScoreSheet,
    SheetStatus,
)
from certif.grading.policies import (
    is_assigned,
    is_free_of_links,
    may_reconcile,
    may_reopen,
    may_write_sheet,
)
from certif.grading.queries import block_spec, both_submitted, marking_for, preview, sheet_values
from certif.grading.wording import rejection
from certif.referential.models import Block, Criterion
from certif.sessions.models import Assignment, ExamSession


class GradingError(Refused):
    """A write refused; the message says why, in French."""


def _check_revision(sheet: ScoreSheet, expected: int | str | None) -> None:
    check(
        expected,
        sheet.revision,
        f"Cette feuille a été modifiée entre-temps (révision {sheet.revision}, vous aviez la "
        f"révision {expected}) : rechargez-la pour voir les changements avant d'enregistrer.",
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
            raise GradingError(rejection(error)) from error
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

    Raises ``Stale`` when ``expected_revision`` is stale, ``SheetLocked`` on a submitted
    sheet (unless ``allow_submitted``, for a gestionnaire's correction with a reason), and
    ``GradingError`` for a value the criterion does not admit.
    """
    with transaction.atomic():
        sheet = ScoreSheet.objects.select_for_update().get(pk=sheet_id)
        _check_revision(sheet, expected_revision)
        if sheet.is_locked and not allow_submitted:
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
        sheet.bump_revision()
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


CONFLICT_REFUSED = (
    "Un lien d'intérêt est déclaré entre vous et ce candidat : vous ne pouvez pas l'évaluer. "
    "Prévenez un gestionnaire pour qu'il confie cette grille à quelqu'un d'autre."
)


class ConflictRefused(Forbidden, GradingError):
    def __init__(self, message: str = CONFLICT_REFUSED) -> None:
        super().__init__(message)


class IncompleteSheet(Invalid, GradingError):
    """A sheet submitted with criteria still without a value: refused, each one named."""

    # The values are valid; what they are is not enough yet: the sheet's state refuses it.
    status = 409

    def __init__(self, missing: Sequence[str]) -> None:
        self.missing = tuple(missing)
        super().__init__(
            {f"values.{code}": ["critère sans valeur"] for code in missing},
            "La feuille est incomplète et ne peut pas être soumise : critère(s) sans valeur : "
            f"{', '.join(missing)}.",
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
    sheet.save(update_fields=["marking"])
    # A new revision, as after every write: a grid opened under the former marking is stale,
    # and whoever keeps figures under the sheets' revisions (statistics) sees the change.
    sheet.bump_revision()
    audit.record(
        actions.SHEET_REMARKED, sheet, actor=actor, before={"marking": before},
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
            Assignment.objects.filter(**GradedUnit.of(assignment).lookup()).values_list(
                "evaluator_id", flat=True
            )
        )
        if single.evaluator_id not in assigned:
            return _remark(single, marking, actor)
    return None


def _create_sheet(unit: GradedUnit, marking: Marking, evaluator_id: int) -> ScoreSheet:
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
    require(
        actor,
        is_assigned,
        assignment,
        message="Cette unité est confiée à un autre évaluateur.",
    )
    if ConflictOfInterest.objects.filter(
        user_id=assignment.evaluator_id, candidate_id=assignment.candidate_id
    ).exists():
        raise ConflictRefused()
    unit = GradedUnit.of(assignment)
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
                actions.SHEET_OPENED,
                sheet,
                actor=actor,
                after={"marking": marking.value, "evaluator": assignment.evaluator.get_username()},
            )
        elif sheet.evaluator_id != assignment.evaluator_id and (
            sheet.evaluator_id is None or sheet.status == SheetStatus.DRAFT
        ):
            # The assignment says who grades: a draft follows a reassignment.
            before = sheet.evaluator.get_username() if sheet.evaluator is not None else None
            sheet.evaluator_id = assignment.evaluator_id
            sheet.save(update_fields=["evaluator", "updated_at"])
            audit.record(
                actions.SHEET_EVALUATOR, sheet, actor=actor, before={"evaluator": before},
                after={"evaluator": assignment.evaluator.get_username()},
            )  # fmt: skip
    return sheet


# -- Reading values and judging them with the session's rules ----------------------------------


def _printed_codes(spec: BlockSpec, codes: Sequence[str]) -> list[str]:
    printed = {c.code: c.code_as_printed for c in spec.criteria}
    return [printed.get(code, code) for code in codes]


def _displayed(spec: BlockSpec, given: Mapping[str, Value]) -> dict[str, str]:
    kinds = {c.code: c.kind for c in spec.criteria}
    return {code: values.display(kinds[code], value) for code, value in given.items()}


def _lock(sheet_id: int, expected_revision: int | str | None) -> ScoreSheet:
    sheet = ScoreSheet.objects.select_for_update().get(pk=sheet_id)
    _check_revision(sheet, expected_revision)
    return sheet


def _mark_submitted(sheet: ScoreSheet) -> None:
    save_fields(sheet, status=SheetStatus.SUBMITTED, submitted_at=timezone.now())
    sheet.bump_revision()


# -- Writing an evaluator's sheet --------------------------------------------------------------


WRITE_REFUSED = (
    "Seul l'évaluateur à qui la feuille est confiée la remplit ; un gestionnaire la rouvre ou "
    "corrige les notes par un import."
)


def _grid(sheet: ScoreSheet, data: Mapping[str, Any]) -> GridForm:
    """The grid as received, checked against the sheet's block (``Invalid`` otherwise)."""
    return bound(GridForm(block_spec(sheet.session, sheet.block.code).criteria, data))


def _save_grid(sheet: ScoreSheet, grid: GridForm, actor: Actor) -> SaveOutcome:
    """Save the grid's values and comments on the sheet, at the revision its writer read."""
    return save_scores(
        sheet.pk,
        grid.entered_values(),
        actor=actor,
        expected_revision=grid.cleaned_data["revision"],
        comments=grid.entered_comments(),
        source="web",
    )


def _writable(sheet_id: int, actor: Actor) -> ScoreSheet:
    sheet = ScoreSheet.objects.select_related("session__referential_version", "block").get(
        pk=sheet_id
    )
    require(actor, is_free_of_links, sheet, message=CONFLICT_REFUSED, error=ConflictRefused)
    require(actor, may_write_sheet, sheet, message=WRITE_REFUSED)
    return sheet


def save_sheet(sheet_id: int, data: Mapping[str, Any], *, actor: Actor = None) -> SaveOutcome:
    """An evaluator's draft: every criterion of their grid as received (``GridForm``: « 2,5 »,
    « oui », nothing to clear, and the revision they read), with a journal entry."""
    sheet = _writable(sheet_id, actor)
    grid = _grid(sheet, data)
    with transaction.atomic():
        outcome = _save_grid(sheet, grid, actor)
        audit.record(
            actions.SHEET_SAVED,
            outcome.sheet,
            actor=actor,
            after={"revision": outcome.sheet.revision, "changed": outcome.changed},
        )
    return outcome


def submit_sheet(
    sheet_id: int,
    data: Mapping[str, Any] | None = None,
    *,
    actor: Actor = None,
    expected_revision: int | str | None = None,
) -> ScoreSheet:
    """Submit a complete sheet — after saving the grid sent with it (``data``), or as it is
    stored at ``expected_revision`` — and lock it.

    Refused (and nothing saved) when a criterion has no value: ``IncompleteSheet`` lists them.
    """
    sheet = _writable(sheet_id, actor)
    grid = _grid(sheet, data) if data is not None else None
    with transaction.atomic():
        if grid is not None:
            expected_revision = _save_grid(sheet, grid, actor).sheet.revision
        sheet = _lock(sheet_id, expected_revision)
        if sheet.is_locked:
            raise SheetLocked()
        given = sheet_values(sheet)
        spec = block_spec(sheet.session, sheet.block.code)
        missing = preview(sheet.session, spec.code, sheet.part, given).missing
        if missing:
            raise IncompleteSheet(_printed_codes(spec, missing))
        _mark_submitted(sheet)
        audit.record(
            actions.SHEET_SUBMITTED,
            sheet,
            actor=actor,
            after={"marking": sheet.marking, "values": _displayed(spec, given)},
        )
    return sheet


def reopen_sheet(sheet_id: int, actor: Actor, reason: str) -> ScoreSheet:
    """A gestionnaire reopens a submitted sheet so that it can be edited again; the reason is kept."""
    require(actor, may_reopen, message="Seul un gestionnaire peut rouvrir une feuille soumise.")
    reason = validated(ReopenForm, {"reason": reason})["reason"].strip()
    with transaction.atomic():
        sheet = _lock(sheet_id, None)
        if not sheet.is_locked:
            raise GradingError("Cette feuille n'est pas soumise : elle est déjà modifiable.")
        submitted_at = sheet.submitted_at
        save_fields(sheet, status=SheetStatus.DRAFT, submitted_at=None)
        sheet.bump_revision()
        audit.record(
            actions.SHEET_REOPENED,
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


RECONCILE_REFUSED = (
    "Seuls un gestionnaire et les deux correcteurs de cette unité comparent ses corrections et "
    "arrêtent la correction concertée."
)
AGREED_CHANGED = (
    "La correction concertée a changé entre-temps (révision {current}, vous aviez {stated}) : "
    "relisez la comparaison avant de l'enregistrer."
)


def record_agreed_sheet(
    unit: GradedUnit, data: Mapping[str, Any], *, actor: Actor = None
) -> ScoreSheet:
    """Record the values the two markers agreed on (``AgreedForm``: every criterion, the
    agreed sheet's revision as read — 0 before it exists — and the observations), in the agreed
    sheet (the one that counts), submitted at once; every value keeps its history and the
    candidate's decision follows."""
    require(actor, is_free_of_links, unit, message=CONFLICT_REFUSED, error=ConflictRefused)
    require(actor, may_reconcile, unit, message=RECONCILE_REFUSED)
    session = ExamSession.objects.select_related("referential_version").get(pk=unit.session_id)
    spec = block_spec(session, Block.objects.get(pk=unit.block_id).code)
    form = bound(AgreedForm(spec.criteria, data))
    new_values, reason = form.entered_values(), form.cleaned_data["reason"].strip()
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
        missing = [c.code for c in spec.criteria if new_values.get(c.code) is None]
        if missing:
            raise IncompleteSheet(_printed_codes(spec, missing))
        agreed = sheets.get(Marking.AGREED)
        stated = form.cleaned_data["revision"]
        current = agreed.revision if agreed is not None else 0
        check(stated, current, AGREED_CHANGED.format(current=current, stated=stated))
        if agreed is None:
            agreed = ScoreSheet.objects.create(**unit.lookup(), marking=Marking.AGREED)
            before: dict[str, str] | None = None
        else:
            if agreed.is_locked:
                raise SheetLocked()
            before = _displayed(spec, sheet_values(agreed))
        outcome = save_scores(
            agreed.pk,
            new_values,
            actor=actor,
            expected_revision=agreed.revision,
            source="rapprochement",
            reason=reason,
        )
        agreed = outcome.sheet
        if not outcome.changed:
            # Unchanged values on a reopened agreed sheet: the decision must still be current.
            signals.values_changed.send(ScoreSheet, candidate_ids=[unit.candidate_id])
        _mark_submitted(agreed)
        audit.record(
            actions.SHEET_AGREED,
            agreed,
            actor=actor,
            before=before,
            after=_displayed(spec, {k: v for k, v in new_values.items() if v is not None}),
            reason=reason,
        )
    return agreed


# -- The evaluator's list ----------------------------------------------------------------------
