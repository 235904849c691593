from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeclarationsConfig(AppConfig):
    name = "certif.declarations"
    label = "declarations"
    verbose_name = _("Déclaration à la Caisse des Dépôts")
