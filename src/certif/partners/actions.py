"""The kinds of audit events of partners and their habilitations."""

from django.utils.translation import gettext_lazy as _

from certif.core.audit import Words, action
from certif.partners.models import ACTION_CHOICES, NATURE_CHOICES, AuditStatus

_HABILITATION: dict[str, Words] = {"nature": dict(NATURE_CHOICES), "action": dict(ACTION_CHOICES)}

PARTNER_CREATED = action("partner.created", _("Organisme partenaire créé"))
PARTNER_UPDATED = action("partner.updated", _("Organisme partenaire modifié"))
HABILITATION_CREATED = action(
    "partner.habilitation_created", _("Habilitation créée (brouillon)"), **_HABILITATION
)
HABILITATION_CHANGED = action(
    "partner.habilitation_changed", _("Habilitation : changement d'état"), **_HABILITATION
)
HABILITATION_AMENDED = action(
    "partner.habilitation_amended", _("Habilitation : avenant"), **_HABILITATION
)
HABILITATION_DISCARDED = action(
    "partner.habilitation_discarded", _("Habilitation : brouillon abandonné"), **_HABILITATION
)
HABILITATION_DOCUMENT = action(
    "partner.habilitation_document", _("Habilitation : acte signé déposé")
)
DECLARATION_EXPORTED = action("partner.declaration_exported", _("Liste des habilitations exportée"))
DECLARATION_TRANSMITTED = action(
    "partner.declaration_transmitted", _("Liste des habilitations transmise à France compétences")
)
RESULTS_EXPORTED = action(
    "partner.results_exported", _("Résultats publiés téléchargés depuis le portail")
)
MEMBER_BOUND = action("partner.member_bound", _("Compte rattaché à un organisme"))
AUDIT_RECORDED = action(
    "partner.audit_recorded",
    _("Contrôle d'un organisme enregistré"),
    status=dict(AuditStatus.choices),
)
AUDIT_ACTION_RECORDED = action(
    "partner.audit_action_recorded", _("Action requise par un contrôle enregistrée")
)
