"""The kinds of audit events of deliberations."""

from django.utils.translation import gettext_lazy as _

from certif.core.audit import Words, action
from certif.deliberations.models import Affiliation, MemberRole, Resolution, UnitStatus

_DECISION: dict[str, Words] = {
    "resolution": dict(Resolution.choices),
    "status": dict(UnitStatus.choices),
}
_MEMBER: dict[str, Words] = {
    "role": dict(MemberRole.choices),
    "affiliation": dict(Affiliation.choices),
}

OPENED = action("deliberation.opened", _("Délibération ouverte"))
AMENDMENT_OPENED = action("deliberation.amendment_opened", _("Acte modificatif ouvert"))
MEMBER_ADDED = action("deliberation.member_added", _("Membre du jury ajouté"), **_MEMBER)
MEMBER_REMOVED = action("deliberation.member_removed", _("Membre du jury retiré"), **_MEMBER)
MEMBER_PRESENCE = action("deliberation.member_presence", _("Présence d'un membre du jury"))
RECUSAL = action("deliberation.recusal", _("Récusation d'un membre du jury"))
RECUSAL_WITHDRAWN = action("deliberation.recusal_withdrawn", _("Récusation levée"))
DECISION_CONFIRMED = action(
    "deliberation.decision_confirmed", _("Proposition confirmée par le jury"), **_DECISION
)
DECISION_OVERRIDDEN = action(
    "deliberation.decision_overridden", _("Décision modifiée par le jury"), **_DECISION
)
CERTIFICATION_REVIEWED = action(
    "deliberation.certification_reviewed",
    _("Certification à décider de nouveau (ses blocs ont changé)"),
)
ALL_CONFIRMED = action("deliberation.all_confirmed", _("Propositions confirmées en bloc"))
CLOSED = action("deliberation.closed", _("Délibération close"))
PUBLISHED = action("deliberation.published", _("Résultats publiés"))
RESULTS_NOTIFIED = action(
    "deliberation.results_notified", _("Candidat averti par courriel de la publication")
)
