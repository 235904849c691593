from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "certif.core"
    label = "core"
    verbose_name = _("Certif")

    def ready(self) -> None:
        # Every app declares its kinds of audit events in its ``actions`` module: all of them
        # are known before the journal reads one (certif.core.audit).
        autodiscover_modules("actions")
