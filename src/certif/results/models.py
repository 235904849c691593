"""The rules engine's decisions, stored per candidate and kept current.

``data`` is the engine's structured result (``CandidateResult.to_dict``): explanations
are rendered from it in the reader's language without recomputing anything.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from certif.candidates.models import Candidate
from certif.domain.rules.results import CandidateResult as Decision
from certif.referential.models import ReferentialVersion


class CandidateResult(models.Model):
    candidate = models.OneToOneField(
        Candidate,
        verbose_name=_("candidat"),
        on_delete=models.CASCADE,
        related_name="result",
        primary_key=True,
    )
    referential_version = models.ForeignKey(
        ReferentialVersion,
        verbose_name=_("version du référentiel"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    certified = models.BooleanField(_("certifié"), default=False)
    # The public form (statuses, scores with two decimals), stored apart (and before the full decision in the row) so that reading a
    # whole population's results never parses the full decisions.
    summary: models.JSONField[Any, Any] = models.JSONField(_("résumé"))
    data: models.JSONField[Any, Any] = models.JSONField(_("décision"))
    computed_at = models.DateTimeField(_("calculé le"), auto_now=True)

    class Meta:
        verbose_name = _("résultat")
        verbose_name_plural = _("résultats")

    def __str__(self) -> str:
        return f"{self.candidate_id} — {'certifié' if self.certified else 'non certifié'}"

    @property
    def decision(self) -> Decision:
        return Decision.from_dict(self.data)
