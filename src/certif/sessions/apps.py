from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SessionsConfig(AppConfig):
    name = "certif.sessions"
    # "sessions" is django.contrib.sessions' label.
    label = "exam_sessions"
    verbose_name = _("Sessions d'évaluation")
