"""Every write to score sheets: saving scores, with their history, then the candidate's decision.

Concurrency: a sheet carries a ``revision``. A writer states the revision it read;
if someone saved in between, the save is refused (``StaleSheet``) instead of
silently overwriting their work. The row is locked for the length of the write.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from certif.core.audit import Actor
from certif.domain import values
from certif.domain.referential.schema import Criterion as CriterionSpec
from certif.domain.referential.schema import CriterionKind
from certif.domain.values import Value
from certif.grading.models import Score, ScoreChange, ScoreSheet, SheetStatus
from certif.referential.models import Criterion
from certif.results.services import recompute


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


def _user(actor: Actor) -> Any:
    return actor if getattr(actor, "pk", None) is not None else None


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
        isinstance(value, bool) or int(value) != value or value < 0
    ):
        raise GradingError(f"{criterion.code} : attendu un nombre entier positif")
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
        user = _user(actor)
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
            recompute([sheet.candidate_id])
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
