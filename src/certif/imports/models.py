"""Imported files: who brought which file, when, and what it wrote."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from certif.core.fields import ActorField


class ImportBatch(models.Model):
    """One imported file: who, when, what; the origin of the scores it created."""

    kind = models.CharField(_("nature"), max_length=32)
    file_name = models.CharField(_("fichier"), max_length=255)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    imported_by = ActorField()
    imported_at = models.DateTimeField(_("importé le"), auto_now_add=True)
    rows = models.PositiveIntegerField(_("lignes"), default=0)
    created = models.PositiveIntegerField(_("créés"), default=0)
    updated = models.PositiveIntegerField(_("modifiés"), default=0)
    unchanged = models.PositiveIntegerField(_("inchangés"), default=0)
    # An import undone (``certif.imports.reverting``): when, by whom, why.
    reverted_at = models.DateTimeField(_("annulé le"), null=True, blank=True)
    reverted_by = ActorField()
    revert_reason = models.TextField(_("motif de l'annulation"), blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} ({self.imported_at:%Y-%m-%d %H:%M})"


class ImportedCandidate(models.Model):
    """What one scores import wrote for one candidate in one session: the journal's entry for
    that import, on the candidate's page and the session's. Written in bulk with the import, and
    kept when the import is reverted, so that the journal still tells what happened."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="candidates")
    candidate = models.ForeignKey(
        "candidates.Candidate", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    session = models.ForeignKey(
        "exam_sessions.ExamSession", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The session's code, kept when a session the import created goes with its revert.
    session_code = models.CharField(_("session"), max_length=64)
    scores_created = models.PositiveIntegerField(_("notes créées"), default=0)
    scores_replaced = models.PositiveIntegerField(_("notes remplacées"), default=0)
    sheets_created = models.PositiveIntegerField(_("feuilles créées"), default=0)
    enrolments_created = models.PositiveIntegerField(_("inscriptions créées"), default=0)

    class Meta:
        verbose_name = _("candidat d'un import")
        verbose_name_plural = _("candidats d'un import")
        indexes = [models.Index(fields=["candidate", "batch"], name="imported_candidate")]

    def __str__(self) -> str:
        return f"import {self.batch_id} — {self.candidate_id} — {self.session_code}"
