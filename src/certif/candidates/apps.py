from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CandidatesConfig(AppConfig):
    name = "certif.candidates"
    label = "candidates"
    verbose_name = _("Candidats")
