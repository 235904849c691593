from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasebankConfig(AppConfig):
    name = "certif.casebank"
    verbose_name = _("Banque de cas")

    def ready(self) -> None:
        from certif.casebank import (
            actions,  # noqa: F401  (registers the audit actions)
            removals,
        )
        from certif.sessions import signals

        signals.removal_blockers.connect(
            removals.drawn_cases_started, dispatch_uid="casebank.blockers"
        )
        signals.removing.connect(removals.remove_draws, dispatch_uid="casebank.removing")
