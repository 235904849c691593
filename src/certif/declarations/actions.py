"""The kinds of audit events of the declaration to the Caisse des Dépôts."""

from django.utils.translation import gettext_lazy as _

from certif.core.audit import action
from certif.declarations.models import Action, Status

_WORDS = {"action": dict(Action.choices), "status": dict(Status.choices)}

DECLARATIONS_REFRESHED = action("cdc.refreshed", _("Titulaires à déclarer mis à jour"))
FLUX_GENERATED = action("cdc.flux_generated", _("Flux CDC généré"), **_WORDS)
FLUX_DEPOSITED = action("cdc.flux_deposited", _("Flux CDC déposé"), **_WORDS)
REPORT_IMPORTED = action("cdc.report_imported", _("Rapport de traitement CDC importé"))
CORRECTION_RECORDED = action("cdc.correction_recorded", _("Demande de correction CDC enregistrée"))
CORRECTION_ANSWERED = action("cdc.correction_answered", _("Demande de correction CDC traitée"))
SETTINGS_CHANGED = action("cdc.settings_changed", _("Paramètres de la déclaration CDC modifiés"))
