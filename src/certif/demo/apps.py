from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo data set and ``certif init``, which prepares a database (and the demo)."""

    name = "certif.demo"
    label = "demo"
    verbose_name = _("Démonstration")
