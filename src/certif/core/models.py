"""The audit journal: every write made by a service leaves one record here."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from certif.core.fields import ActorField


class DatedRecord(models.Model):
    """A record of something done once (a purge, a backup…), dated when it was made, that the
    journal's events point at; lists show the newest first."""

    at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-at", "-id"]


class AuditEvent(models.Model):
    at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    actor = ActorField(_("auteur"))
    actor_label = models.CharField(_("auteur (libellé)"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("type d'objet"), max_length=64)
    object_id = models.CharField(_("identifiant"), max_length=64)
    object_label = models.CharField(_("objet"), max_length=255, blank=True)
    before: models.JSONField[Any, Any] = models.JSONField(_("avant"), null=True, blank=True)
    after: models.JSONField[Any, Any] = models.JSONField(_("après"), null=True, blank=True)
    reason = models.TextField(_("motif"), blank=True)

    class Meta:
        verbose_name = _("entrée du journal")
        verbose_name_plural = _("journal")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_label or self.object_id}"
