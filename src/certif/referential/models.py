"""The référentiel in the database: read-only, one row set per loaded version.

The typed document (``ReferentialVersion.document``) is the source of truth for
the rules engine; the tables below make blocks, competencies and criteria
browsable and referable (scores point at ``Criterion`` rows).
"""

from __future__ import annotations

from functools import cached_property, lru_cache
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from certif.domain.referential.schema import Referential


class ReferentialVersion(models.Model):
    code = models.CharField(_("code"), max_length=32)
    number = models.PositiveIntegerField(_("numéro de version"))
    label = models.CharField(_("version déclarée"), max_length=64)
    title = models.CharField(_("intitulé"), max_length=255)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    source_name = models.CharField(_("fichier source"), max_length=255)
    source_text = models.TextField(_("texte source"))
    document = models.JSONField(_("document"))
    loaded_at = models.DateTimeField(_("chargée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("version de référentiel")
        verbose_name_plural = _("versions de référentiel")
        ordering = ["code", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["code", "number"], name="referential_version_number"),
            models.UniqueConstraint(fields=["code", "sha256"], name="referential_version_content"),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.number} ({self.label})"

    @cached_property
    def referential(self) -> Referential:
        return Referential.model_validate(self.document)


class Block(models.Model):
    version = models.ForeignKey(ReferentialVersion, on_delete=models.CASCADE, related_name="blocks")
    code = models.CharField(_("code"), max_length=32)
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(_("nature"), max_length=16)
    number = models.PositiveSmallIntegerField(_("numéro"), null=True, blank=True)
    title = models.TextField(_("intitulé"))
    scoring_method = models.CharField(_("mode de notation"), max_length=16)
    out_of = models.DecimalField(_("noté sur"), max_digits=6, decimal_places=2, null=True)
    threshold = models.DecimalField(_("seuil"), max_digits=6, decimal_places=2, null=True)
    normalisation = models.CharField(_("normalisation"), max_length=16, blank=True)
    rule_text = models.TextField(_("règle"), blank=True)

    class Meta:
        verbose_name = _("bloc")
        verbose_name_plural = _("blocs")
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="block_code")]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    def unit_label(self, part: str = "") -> str:
        """The unit this block (and part) make, as people read it: « B1 », « B3 — PME »."""
        if not part:
            return self.code
        return f"{self.code} — {_part_labels(self.pk).get(part, part)}"


@lru_cache(maxsize=4096)
def _part_labels(block_id: int) -> dict[str, str]:
    """A block's parts and their labels: a loaded version never changes, so they are read once."""
    return dict(Part.objects.filter(block_id=block_id).values_list("code", "label"))


class Part(models.Model):
    block = models.ForeignKey(Block, on_delete=models.CASCADE, related_name="parts")
    code = models.CharField(_("code"), max_length=32)
    label = models.CharField(_("libellé"), max_length=255)
    position = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("partie")
        verbose_name_plural = _("parties")
        ordering = ["block", "position"]
        constraints = [models.UniqueConstraint(fields=["block", "code"], name="part_code")]

    def __str__(self) -> str:
        return f"{self.block.code} {self.label}"


class Competency(models.Model):
    block = models.ForeignKey(Block, on_delete=models.CASCADE, related_name="competencies")
    code = models.CharField(_("code"), max_length=32)
    activity = models.CharField(_("activité"), max_length=32, blank=True)
    text = models.TextField(_("libellé"))
    position = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("compétence")
        verbose_name_plural = _("compétences")
        ordering = ["block", "position"]
        constraints = [models.UniqueConstraint(fields=["block", "code"], name="competency_code")]

    def __str__(self) -> str:
        return self.code


class Modality(models.Model):
    block = models.ForeignKey(Block, on_delete=models.CASCADE, related_name="modalities")
    code = models.CharField(_("code"), max_length=32, blank=True)
    mode = models.CharField(_("mode"), max_length=64)
    mode_text = models.TextField(_("mode d'évaluation"))
    details: models.JSONField[Any, Any] = models.JSONField(_("détails"))
    position = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("modalité d'évaluation")
        verbose_name_plural = _("modalités d'évaluation")
        ordering = ["block", "position"]

    def __str__(self) -> str:
        return self.code or f"{self.block.code} — {self.mode}"


class Criterion(models.Model):
    block = models.ForeignKey(Block, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("code"), max_length=32)
    printed_code = models.CharField(_("code imprimé"), max_length=32)
    kind = models.CharField(_("nature"), max_length=16)
    text = models.TextField(_("libellé"))
    details: models.JSONField[Any, Any] = models.JSONField(_("précisions"), default=list)
    max_points = models.DecimalField(_("points maximum"), max_digits=6, decimal_places=2, null=True)
    modality = models.CharField(_("modalité"), max_length=32, blank=True)
    competencies = models.ManyToManyField(Competency, related_name="criteria", blank=True)
    position = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("critère")
        verbose_name_plural = _("critères")
        ordering = ["block", "position"]
        constraints = [models.UniqueConstraint(fields=["block", "code"], name="criterion_code")]

    def __str__(self) -> str:
        return self.code


class Erratum(models.Model):
    version = models.ForeignKey(ReferentialVersion, on_delete=models.CASCADE, related_name="errata")
    code = models.CharField(_("code"), max_length=32)
    subject = models.TextField(_("objet"))
    printed = models.TextField(_("texte imprimé"), blank=True)
    decision = models.TextField(_("décision"))
    reason = models.TextField(_("motif"))
    position = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("erratum")
        verbose_name_plural = _("errata")
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return f"{self.code} — {self.subject}"
