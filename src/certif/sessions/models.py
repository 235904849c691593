"""Evaluation sessions and the enrolment of candidates in them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from certif.candidates.models import Candidate
from certif.core.fields import RowIdField
from certif.referential.models import Block, ReferentialVersion


class ExamSession(models.Model):
    code = models.CharField(
        _("code"), max_length=32, unique=True, help_text=_("Par exemple 2026-06")
    )
    title = models.CharField(_("intitulé"), max_length=255, blank=True)
    start_date = models.DateField(_("début"), null=True, blank=True)
    end_date = models.DateField(_("fin"), null=True, blank=True)
    place = models.CharField(_("lieu"), max_length=255, blank=True)
    referential_version = models.ForeignKey(
        ReferentialVersion,
        verbose_name=_("version du référentiel"),
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-start_date", "-code"]

    def __str__(self) -> str:
        return self.code


class Enrolment(models.Model):
    """A candidate enrolled in a session for one block (and one part of a block with parts)."""

    id = RowIdField(primary_key=True)

    # The unique (candidate, session, block, part) serves lookups by candidate.
    candidate = models.ForeignKey(
        Candidate,
        verbose_name=_("candidat"),
        on_delete=models.CASCADE,
        related_name="enrolments",
        db_index=False,
    )
    session = models.ForeignKey(
        ExamSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="enrolments"
    )
    block = models.ForeignKey(
        Block, verbose_name=_("bloc"), on_delete=models.PROTECT, related_name="+"
    )
    part = models.CharField(_("partie"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("inscrit le"), auto_now_add=True)

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "session", "block", "part"], name="enrolment_unit"
            )
        ]

    def __str__(self) -> str:
        unit = f"{self.block.code} {self.part}".strip()
        return f"{self.candidate.numero} — {self.session.code} — {unit}"
