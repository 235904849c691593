"""The kinds of audit events of data protection."""

from django.utils.translation import gettext_lazy as _

from certif.core.audit import action

PURGED = action("privacy.purged", _("Données personnelles purgées (durées de conservation)"))
EXPORTED = action("privacy.exported", _("Données personnelles d'un candidat exportées"))
ANONYMISED = action("privacy.anonymised", _("Candidat anonymisé"))
