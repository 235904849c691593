from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferentialConfig(AppConfig):
    name = "certif.referential"
    label = "referential"
    verbose_name = _("Référentiels")
