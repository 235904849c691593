"""Score sheets, their scores and the history of every change.

A score's ``value`` is stored as an integer whose meaning follows its criterion's
kind (see ``certif.domain.values.encode``): hundredths of a point, 1/0 for oui/non,
or the number itself. Integers keep 5 million rows small and exact on SQLite and
PostgreSQL alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certif.candidates.models import Candidate
from certif.core.fields import ActorField, OptionalLink, RowIdField
from certif.domain import values
from certif.referential.models import Block, Criterion
from certif.sessions.models import Assignment, ExamSession


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("brouillon")
    SUBMITTED = "submitted", _("soumise")


class Marking(models.TextChoices):
    """Which marking a sheet records. With double marking, two evaluators each fill their own
    sheet (first, second) and the reconciled values go in the agreed sheet, the one that counts."""

    SINGLE = "single", _("correction unique")
    FIRST = "first", _("première correction")
    SECOND = "second", _("seconde correction")
    AGREED = "agreed", _("correction concertée")


# The sheets the rules engine reads: one per candidate, session and unit.
COUNTING = (Marking.SINGLE.value, Marking.AGREED.value)


class ScoreSheetQuerySet(models.QuerySet["ScoreSheet"]):
    def bump_revision(self) -> int:
        """Every sheet here gets a new revision (one statement, for an importer's thousands)."""
        return self.update(revision=models.F("revision") + 1, updated_at=timezone.now())


class ScoreSheet(models.Model):
    id = RowIdField(primary_key=True)
    # Lookups by candidate use the unique ``sheet_unit``, by session ``sheet_session_unit``:
    # an index of their own would be upkeep for nothing (and built again by every big import).
    candidate = models.ForeignKey(
        Candidate,
        verbose_name=_("candidat"),
        on_delete=models.CASCADE,
        related_name="sheets",
        db_index=False,
    )
    session = models.ForeignKey(
        ExamSession,
        verbose_name=_("session"),
        on_delete=models.PROTECT,
        related_name="sheets",
        db_index=False,
    )
    block = models.ForeignKey(
        Block, verbose_name=_("bloc"), on_delete=models.PROTECT, related_name="+"
    )
    part = models.CharField(_("partie"), max_length=32, blank=True)
    evaluator = OptionalLink(settings.AUTH_USER_MODEL, _("évaluateur"), related_name="sheets")
    status = models.CharField(
        _("état"), max_length=16, choices=SheetStatus.choices, default=SheetStatus.DRAFT
    )
    marking = models.CharField(
        _("correction"), max_length=16, choices=Marking.choices, default=Marking.SINGLE
    )
    revision = models.PositiveIntegerField(
        _("révision"), default=1, help_text=_("Incrémentée à chaque enregistrement")
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    submitted_at = models.DateTimeField(_("soumise le"), null=True, blank=True)
    # The import that created the sheet, if one did: its revert removes the sheet.
    batch = OptionalLink("imports.ImportBatch", on_delete=models.SET_NULL)

    objects = ScoreSheetQuerySet.as_manager()

    class Meta:
        verbose_name = _("feuille d'évaluation")
        verbose_name_plural = _("feuilles d'évaluation")
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "session", "block", "part", "marking"], name="sheet_unit"
            ),
            models.UniqueConstraint(
                fields=["candidate", "session", "block", "part"],
                condition=models.Q(marking__in=COUNTING),
                name="one_counting_sheet_per_unit",
            ),
        ]
        indexes = [models.Index(fields=["session", "block", "part"], name="sheet_session_unit")]

    def __str__(self) -> str:
        unit = self.block.unit_label(self.part)
        return f"{self.candidate.numero} — {self.session.code} — {unit}"

    @property
    def is_locked(self) -> bool:
        """A submitted sheet is locked: only a gestionnaire's reopening makes it editable."""
        return self.status == SheetStatus.SUBMITTED

    def bump_revision(self) -> None:
        """A new revision, after a write: what someone read before it is now stale."""
        ScoreSheet.objects.filter(pk=self.pk).bump_revision()
        self.refresh_from_db(fields=["revision", "updated_at"])


class Score(models.Model):
    id = RowIdField(primary_key=True)
    # Millions of rows: the unique (sheet, criterion) is the only index.
    sheet = models.ForeignKey(
        ScoreSheet, on_delete=models.CASCADE, related_name="scores", db_index=False
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    value = models.IntegerField(_("valeur (forme stockée)"))
    comment = models.TextField(_("commentaire"), blank=True)
    batch = OptionalLink("imports.ImportBatch", related_name="scores", db_index=False)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="score_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code} = {self.display_value}"

    @property
    def decoded(self) -> values.Value:
        return values.decode(self.criterion.kind, self.value)

    @property
    def display_value(self) -> str:
        return values.display(self.criterion.kind, self.decoded)


class ScoreChange(models.Model):
    """The history of a score: who changed it, when, from what to what, and why."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="changes")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    before = models.IntegerField(_("avant"), null=True, blank=True)
    after = models.IntegerField(_("après"), null=True, blank=True)
    changed_by = ActorField()
    changed_at = models.DateTimeField(_("modifiée le"), auto_now_add=True)
    source = models.CharField(_("origine"), max_length=32)
    batch = OptionalLink("imports.ImportBatch")
    reason = models.TextField(_("motif"), blank=True)

    class Meta:
        verbose_name = _("modification de note")
        verbose_name_plural = _("historique des notes")
        ordering = ["-changed_at", "-id"]
        # The journal pages through changes newest first.
        indexes = [models.Index(fields=["changed_at", "id"], name="score_change_time")]

    def __str__(self) -> str:
        return f"{self.criterion.code} {self.before} → {self.after}"


@dataclass(frozen=True)
class GradedUnit:
    """What one evaluation covers: a candidate's block, or part of a block, in one session (its
    sheets: one marking, or two and the agreed one)."""

    session_id: int
    candidate_id: int
    block_id: int
    part: str = ""

    @classmethod
    def of(cls, row: Assignment | ScoreSheet) -> GradedUnit:
        return cls(row.session_id, row.candidate_id, row.block_id, row.part)

    def lookup(self) -> dict[str, Any]:
        return {
            "session_id": self.session_id,
            "candidate_id": self.candidate_id,
            "block_id": self.block_id,
            "part": self.part,
        }
