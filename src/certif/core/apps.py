from django.apps import AppConfig
from django.db.models.signals import class_prepared
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

from certif.core.fields import guard_text_fields

# At import, before any model class is built: every text field of Certif's models gets the
# validator of its rule (control characters refused), whatever door writes to it.
class_prepared.connect(guard_text_fields, dispatch_uid="certif.core.fields.guard_text_fields")


class CoreConfig(AppConfig):
    name = "certif.core"
    label = "core"
    verbose_name = _("Certif")

    def ready(self) -> None:
        # Every app declares its kinds of audit events in its ``actions`` module: all of them
        # are known before the journal reads one (certif.core.audit).
        autodiscover_modules("actions")
