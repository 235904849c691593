from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The pages people use: one package per area, over the services and queries below."""

    name = "certif.web"
    label = "web"
    verbose_name = _("Pages")
