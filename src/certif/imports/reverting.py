"""Reverting a scores import while nothing depends on it.

What an import wrote is read back from its batch: the scores it created carry it
(``Score.batch``), the scores it replaced have their history (``ScoreChange`` rows with the
batch, their value before), and the sheets, enrolments and sessions it created are stamped with
it. The revert puts each replaced score back to its value before, removes the created ones, then
the sheets, enrolments and sessions it created once they hold nothing else, and recomputes the
candidates' decisions — in one transaction, journalled with the reason.

It is refused, with the reasons, once something depends on the import: a score changed since
(by hand or by a later import), a sheet submitted since, a deliberation of a session it wrote
to, a document issued since for one of its candidates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.deletion import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from certif.core import audit
from certif.core.audit import Actor, account_of
from certif.core.bulk import fetch_frame, insert_frame, stored_datetime
from certif.core.errors import Refused
from certif.core.policies import require
from certif.core.service_writes import save_fields
from certif.core.validation import validated
from certif.deliberations.models import Deliberation
from certif.documents.models import IssuedDocument
from certif.grading.models import COUNTING, Score, ScoreChange, ScoreSheet
from certif.imports import actions
from certif.imports.forms import RevertForm
from certif.imports.models import ImportBatch, ImportedCandidate
from certif.imports.policies import REVERT_REFUSED, may_revert_imports
from certif.results.services import recompute
from certif.sessions.models import Assignment, Enrolment, ExamSession

# The origin of the history rows a revert writes (``ScoreChange.source``).
REVERT_SOURCE = "revert"


class RevertRefused(Refused):
    """The import cannot be reverted: something depends on it (the reasons, in French)."""


@dataclass(frozen=True)
class RevertOutcome:
    scores_restored: int = 0
    scores_removed: int = 0
    sheets_removed: int = 0
    enrolments_removed: int = 0
    sessions_removed: list[str] = field(default_factory=list)
    candidates: int = 0

    def lines(self) -> list[str]:
        lines = [
            gettext(
                "%(restored)d note(s) remise(s) à leur valeur d'avant, %(removed)d retirée(s) ; "
                "%(sheets)d feuille(s) et %(enrolments)d inscription(s) retirée(s)"
            )
            % {
                "restored": self.scores_restored,
                "removed": self.scores_removed,
                "sheets": self.sheets_removed,
                "enrolments": self.enrolments_removed,
            }
        ]
        lines += [
            gettext("Session supprimée : %(code)s") % {"code": code}
            for code in self.sessions_removed
        ]
        return lines


def written_sheets(batch: ImportBatch) -> QuerySet[ScoreSheet]:
    """The counting sheets the import wrote to: created by it, or holding a score it wrote."""
    return ScoreSheet.objects.filter(
        Exists(
            ImportedCandidate.objects.filter(
                batch=batch,
                candidate_id=OuterRef("candidate_id"),
                session_id=OuterRef("session_id"),
            )
        ),
        Q(batch=batch)
        | Exists(Score.objects.filter(sheet=OuterRef("pk"), batch=batch))
        | Exists(ScoreChange.objects.filter(sheet=OuterRef("pk"), batch=batch)),
        marking__in=COUNTING,
    )


def revert_blockers(batch: ImportBatch) -> list[str]:
    """Why the import cannot be reverted (French), empty when nothing depends on it."""
    if batch.kind != "scores":
        return [gettext("seul un import de notes peut être annulé")]
    if batch.reverted_at is not None:
        return [gettext("cet import est déjà annulé")]
    since = batch.imported_at
    sheets = written_sheets(batch)
    reasons: list[str] = []
    changed = (
        ScoreChange.objects.filter(sheet__in=sheets, changed_at__gt=since)
        .exclude(batch=batch)
        .count()
        + Score.objects.filter(sheet__in=sheets, batch__gt=batch.pk).count()
    )
    if changed:
        reasons.append(
            ngettext(
                "%(count)d note a été modifiée depuis (saisie, correction ou import ultérieur)",
                "%(count)d notes ont été modifiées depuis (saisie, correction ou import ultérieur)",
                changed,
            )
            % {"count": changed}
        )
    submitted = sheets.filter(submitted_at__gt=since).count()
    if submitted:
        reasons.append(
            ngettext(
                "%(count)d feuille a été soumise depuis",
                "%(count)d feuilles ont été soumises depuis",
                submitted,
            )
            % {"count": submitted}
        )
    touched = ImportedCandidate.objects.filter(batch=batch)
    deliberated = (
        Deliberation.objects.filter(session_id__in=touched.values("session_id"))
        .order_by("session__code")
        .values_list("session__code", flat=True)
        .distinct()
    )
    reasons += [
        gettext("la session %(code)s a une délibération du jury") % {"code": code}
        for code in deliberated
    ]
    issued = IssuedDocument.objects.filter(
        Exists(
            touched.filter(candidate_id=OuterRef("candidate_id"), session_id=OuterRef("session_id"))
        ),
        issued_at__gt=since,
    ).count()
    if issued:
        reasons.append(
            ngettext(
                "%(count)d document officiel a été délivré depuis",
                "%(count)d documents officiels ont été délivrés depuis",
                issued,
            )
            % {"count": issued}
        )
    return reasons


def revert_import(
    batch: ImportBatch, data: Mapping[str, Any], actor: Actor = None
) -> RevertOutcome:
    """Undo the scores import ``batch`` (``data``: its ``motif``), or refuse with the reasons."""
    require(actor, may_revert_imports, message=REVERT_REFUSED)
    reason = validated(RevertForm, data)["motif"]
    with transaction.atomic():
        current = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        blockers = revert_blockers(current)
        if blockers:
            raise RevertRefused(
                gettext("L'import n° %(id)d ne peut pas être annulé : %(reasons)s.")
                % {"id": current.pk, "reasons": " ; ".join(blockers)}
            )
        user_id = getattr(account_of(actor), "pk", None)
        sheet_ids = list(written_sheets(current).values_list("pk", flat=True))
        restored = _restore_replaced(current, user_id, reason)
        removed = _remove_created(current, sheet_ids, user_id, reason)
        ScoreSheet.objects.filter(pk__in=sheet_ids).bump_revision()
        outcome = RevertOutcome(
            scores_restored=restored,
            scores_removed=removed,
            sheets_removed=_remove_empty_sheets(current),
            enrolments_removed=_remove_empty_enrolments(current),
            sessions_removed=_remove_empty_sessions(current),
            candidates=recompute(
                ImportedCandidate.objects.filter(batch=current).values_list(
                    "candidate_id", flat=True
                )
            ),
        )
        save_fields(
            current,
            reverted_at=timezone.now(),
            reverted_by=account_of(actor),
            revert_reason=reason,
        )
        audit.record(
            actions.IMPORT_REVERTED,
            current,
            actor=actor,
            after={
                "file": current.file_name, "restored": outcome.scores_restored,
                "removed": outcome.scores_removed, "sheets": outcome.sheets_removed,
                "enrolments": outcome.enrolments_removed, "sessions": outcome.sessions_removed,
            },
            reason=reason,
        )  # fmt: skip
    return outcome


_CHANGE_ID = {"change_id": pl.Int64}
_CHANGE = {
    "sheet_id": pl.Int64,
    "criterion_id": pl.Int64,
    "before": pl.Int64,
    "after": pl.Int64,
}


def _history(frame: pl.DataFrame, user_id: int | None, batch_id: int, reason: str) -> None:
    """The revert's rows in the scores' history (``before`` → ``after``), with its reason."""
    insert_frame(
        ScoreChange._meta.db_table,
        frame.select(
            "sheet_id",
            "criterion_id",
            "before",
            "after",
            pl.lit(user_id, dtype=pl.Int64).alias("changed_by_id"),
            pl.lit(stored_datetime(timezone.now())).alias("changed_at"),
            pl.lit(REVERT_SOURCE).alias("source"),
            pl.lit(batch_id, dtype=pl.Int64).alias("batch_id"),
            pl.lit(reason).alias("reason"),
        ),
    )


def _restore_replaced(batch: ImportBatch, user_id: int | None, reason: str) -> int:
    """Each score the import replaced gets its value before back, and the batch that brought
    that value: the one of its previous change, else (created with its sheet) the sheet's.
    Set-wise: the import's changes and those before them are read once each."""
    changes = ScoreChange._meta.db_table
    replaced = fetch_frame(
        f"SELECT ch.id, ch.sheet_id, ch.criterion_id, ch.before, ch.after, sh.batch_id "
        f"FROM {changes} ch JOIN {ScoreSheet._meta.db_table} sh ON sh.id = ch.sheet_id "
        "WHERE ch.batch_id = %s AND ch.source = 'import'",
        [batch.pk],
        {**_CHANGE_ID, **_CHANGE, "sheet_batch": pl.Int64},
    )
    if replaced.is_empty():
        return 0
    earlier = fetch_frame(
        f"SELECT e.id, e.sheet_id, e.criterion_id, e.batch_id FROM {changes} e "
        f"JOIN {changes} ch ON ch.sheet_id = e.sheet_id AND ch.criterion_id = e.criterion_id "
        "WHERE ch.batch_id = %s AND ch.source = 'import' AND e.id < ch.id AND e.source <> %s",
        [batch.pk, REVERT_SOURCE],
        {
            "earlier_id": pl.Int64,
            "sheet_id": pl.Int64,
            "criterion_id": pl.Int64,
            "origin": pl.Int64,
        },
    )
    latest = (
        earlier.sort("earlier_id")
        .group_by("sheet_id", "criterion_id")
        .agg(pl.col("origin").last(), pl.lit(True).alias("changed_before"))
    )
    restored = replaced.join(latest, on=["sheet_id", "criterion_id"], how="left").with_columns(
        pl.when(pl.col("changed_before").fill_null(False))
        .then(pl.col("origin"))
        .otherwise(pl.col("sheet_batch"))
        .alias("origin")
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {connection.ops.quote_name(Score._meta.db_table)} SET value = %s, batch_id = %s "
            "WHERE sheet_id = %s AND criterion_id = %s",
            list(restored.select("before", "origin", "sheet_id", "criterion_id").iter_rows()),
        )
    _history(
        restored.select(
            "sheet_id",
            "criterion_id",
            pl.col("after").alias("before"),
            pl.col("before").alias("after"),
        ),
        user_id,
        batch.pk,
        reason,
    )
    return restored.height


def _remove_created(
    batch: ImportBatch, sheet_ids: list[int], user_id: int | None, reason: str
) -> int:
    """Remove the scores the import created (its batch, less the ones it replaced); on a sheet
    it did not create, which stays, the history says so."""
    replaced = ScoreChange.objects.filter(
        batch=batch,
        source="import",
        sheet_id=OuterRef("sheet_id"),
        criterion_id=OuterRef("criterion_id"),
    )
    created = Score.objects.filter(sheet_id__in=sheet_ids, batch=batch).exclude(Exists(replaced))
    staying = list(
        created.exclude(sheet__batch=batch).values_list("sheet_id", "criterion_id", "value")
    )
    _history(
        pl.DataFrame(
            [(sheet, criterion, value, None) for sheet, criterion, value in staying],
            schema=_CHANGE,
            orient="row",
        ),
        user_id,
        batch.pk,
        reason,
    )
    removed, _by_model = created.delete()
    return removed


def _remove_empty_sheets(batch: ImportBatch) -> int:
    """The sheets the import created that now hold no score (their history goes with them)."""
    empty = ScoreSheet.objects.filter(batch=batch).exclude(
        Exists(Score.objects.filter(sheet=OuterRef("pk")))
    )
    count = empty.count()
    empty.delete()  # with their history
    return count


def _remove_empty_enrolments(batch: ImportBatch) -> int:
    """The enrolments the import created whose unit now has no sheet and no evaluator."""
    unit = {
        "session_id": OuterRef("session_id"),
        "candidate_id": OuterRef("candidate_id"),
        "block_id": OuterRef("block_id"),
        "part": OuterRef("part"),
    }
    empty = Enrolment.objects.filter(batch=batch).exclude(
        Exists(ScoreSheet.objects.filter(**unit)) | Exists(Assignment.objects.filter(**unit))
    )
    count, _by_model = empty.delete()
    return count


def _remove_empty_sessions(batch: ImportBatch) -> list[str]:
    """The sessions the import created that now hold nothing (no enrolment, sheet, assignment,
    deliberation or document: what protects a session keeps it)."""
    removed: list[str] = []
    for session in ExamSession.objects.filter(batch=batch).order_by("code"):
        if session.enrolments.exists() or session.sheets.exists() or session.assignments.exists():
            continue
        try:
            with transaction.atomic():
                session.delete()
        except ProtectedError:
            continue
        removed.append(session.code)
    return removed
