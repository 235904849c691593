from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _decide(sender: Any, candidate_ids: list[int], **kwargs: Any) -> None:
    from certif.results.services import recompute

    recompute(candidate_ids)


class ResultsConfig(AppConfig):
    name = "certif.results"
    label = "results"
    verbose_name = _("Résultats")

    def ready(self) -> None:
        # The decisions follow the sheets and the candidates they are made of, in the
        # transaction that changed them (see the signals' modules).
        from certif.candidates import signals as candidates
        from certif.grading import signals as grading

        grading.values_changed.connect(_decide, dispatch_uid="results.decide.values")
        candidates.created.connect(_decide, dispatch_uid="results.decide.created")
