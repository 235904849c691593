"""The kinds of audit events of référentiels."""

from django.utils.translation import gettext_lazy as _

from certif.core.audit import action

LOADED = action("referential.loaded", _("Référentiel chargé"))
