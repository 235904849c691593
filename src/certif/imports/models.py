"""Imported files: who brought which file, when, and what it wrote."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    """One imported file: who, when, what; the origin of the scores it created."""

    kind = models.CharField(_("nature"), max_length=32)
    file_name = models.CharField(_("fichier"), max_length=255)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(_("importé le"), auto_now_add=True)
    rows = models.PositiveIntegerField(_("lignes"), default=0)
    created = models.PositiveIntegerField(_("créés"), default=0)
    updated = models.PositiveIntegerField(_("modifiés"), default=0)
    unchanged = models.PositiveIntegerField(_("inchangés"), default=0)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} ({self.imported_at:%Y-%m-%d %H:%M})"
