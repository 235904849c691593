from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MySpaceConfig(AppConfig):
    name = "certif.myspace"
    label = "myspace"
    verbose_name = _("Mon espace")
