from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasebankConfig(AppConfig):
    name = "certif.casebank"
    verbose_name = _("Banque de cas")

    def ready(self) -> None:
        from certif.casebank import actions  # noqa: F401  (registers the audit actions)
