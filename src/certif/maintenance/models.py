"""A record of each backup and restore, so that the journal has something to point at."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from certif.core.models import DatedRecord


class OperationKind(models.TextChoices):
    BACKUP = "backup", _("sauvegarde")
    RESTORE = "restore", _("restauration")


class Operation(DatedRecord):
    kind = models.CharField(_("nature"), max_length=16, choices=OperationKind.choices)
    file_name = models.CharField(_("fichier"), max_length=255)
    # The manifest's own SHA-256: it names the backup whatever its file is called now.
    manifest_sha256 = models.CharField(_("empreinte SHA-256 du manifeste"), max_length=64)
    engine = models.CharField(_("moteur"), max_length=16)
    with_key = models.BooleanField(_("avec la clé de chiffrement"), default=False)
    tables = models.PositiveIntegerField(_("tables"))
    rows = models.PositiveBigIntegerField(_("lignes"))
    documents = models.PositiveIntegerField(_("documents"))

    class Meta(DatedRecord.Meta):
        verbose_name = _("sauvegarde ou restauration")
        verbose_name_plural = _("sauvegardes et restaurations")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name}"
