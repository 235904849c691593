"""A record of each purge run for real, so that the journal has something to point at."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from certif.core.models import DatedRecord


class Purge(DatedRecord):
    # What was deleted or anonymised, kind by kind (« nir »: 12…), and the periods applied.
    counts: models.JSONField[Any, Any] = models.JSONField(_("nombres"))
    retention: models.JSONField[Any, Any] = models.JSONField(_("durées de conservation"))

    class Meta(DatedRecord.Meta):
        verbose_name = _("purge des données personnelles")
        verbose_name_plural = _("purges des données personnelles")

    def __str__(self) -> str:
        return f"Purge du {self.at:%Y-%m-%d %H:%M}"


class Anonymisation(DatedRecord):
    """A candidate whose identity was removed: the row stays (statistics, the bare
    verification of their documents), this says it is no longer a person's."""

    candidate = models.OneToOneField(
        "candidates.Candidate",
        verbose_name=_("candidat"),
        on_delete=models.PROTECT,
        related_name="anonymisation",
    )
    reason = models.TextField(_("motif"))

    class Meta(DatedRecord.Meta):
        verbose_name = _("anonymisation")
        verbose_name_plural = _("anonymisations")

    def __str__(self) -> str:
        return f"Anonymisation du candidat {self.candidate_id}"
