"""Links between people that forbid some assignments: an evaluator who trained a candidate
cannot grade them, a jury member who trained them cannot deliberate on them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from certif.candidates.models import Candidate


class ConflictKind(models.TextChoices):
    TRAINER = "trainer", _("formateur ou formatrice du candidat")
    EMPLOYER = "employer", _("employeur ou tuteur du candidat")
    RELATIVE = "relative", _("lien personnel avec le candidat")
    OTHER = "other", _("autre lien")


class ConflictOfInterest(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personne"),
        on_delete=models.CASCADE,
        related_name="conflicts",
    )
    candidate = models.ForeignKey(
        Candidate, verbose_name=_("candidat"), on_delete=models.CASCADE, related_name="conflicts"
    )
    kind = models.CharField(_("nature du lien"), max_length=16, choices=ConflictKind.choices)
    note = models.CharField(_("précision"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("déclaré le"), auto_now_add=True)

    class Meta:
        verbose_name = _("lien d'intérêt")
        verbose_name_plural = _("liens d'intérêt")
        constraints = [models.UniqueConstraint(fields=["user", "candidate"], name="conflict_pair")]

    def __str__(self) -> str:
        return f"{self.user} — {self.candidate.numero} ({self.get_kind_display()})"
