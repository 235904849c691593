"""Links between people that forbid some assignments: an evaluator who trained a candidate
cannot grade them, a jury member who trained them cannot deliberate on them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
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


class ApiToken(models.Model):
    """A personal API token: a program acts as the person who created it, no more.

    Only a hash of the secret is stored (the secret is shown once, at creation); the prefix,
    in clear, finds the token without comparing every hash and names it in lists and the
    journal."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("nom"), max_length=100)
    prefix = models.CharField(_("préfixe"), max_length=16, unique=True)
    secret_hash = models.CharField(_("empreinte SHA-256 du secret"), max_length=64)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"))
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix} — {self.name}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return not self.is_revoked and not self.is_expired
