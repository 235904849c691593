from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationsConfig(AppConfig):
    name = "certif.deliberations"
    label = "deliberations"
    verbose_name = _("Délibérations du jury")
