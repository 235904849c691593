"""The kinds of audit events of accounts: people, their roles, links of interest, API tokens."""

from django.utils.translation import gettext_lazy as _

from certif.accounts.models import ConflictKind
from certif.core.audit import action
from certif.core.roles import ROLE_LABELS

_ROLES = {role.value: label for role, label in ROLE_LABELS.items()}
_KIND = dict(ConflictKind.choices)

USER_CREATED = action("user.created", _("Compte créé"), roles=_ROLES)
USER_ROLES = action("user.roles", _("Rôles modifiés"), roles=_ROLES)
USER_UPDATED = action("user.updated", _("Compte modifié"))
PASSWORD_CHANGED = action("user.password", _("Mot de passe changé"))
CONFLICT_DECLARED = action("conflict.declared", _("Lien d'intérêt déclaré"), kind=_KIND)
CONFLICT_UPDATED = action("conflict.updated", _("Lien d'intérêt modifié"), kind=_KIND)
CONFLICT_WITHDRAWN = action("conflict.withdrawn", _("Lien d'intérêt retiré"), kind=_KIND)
TOKEN_CREATED = action("api.token.created", _("Jeton d'API créé"))
TOKEN_REVOKED = action("api.token.revoked", _("Jeton d'API révoqué"))
# Sign-in locked after repeated failures (django-axes); a gestionnaire lifting the lock.
_LOCK_KIND = {"account": _("compte"), "address": _("adresse")}
LOCKED_OUT = action("auth.locked_out", _("Connexion bloquée après des échecs répétés"))
LOCKOUT_LIFTED = action("auth.lockout_lifted", _("Blocage de connexion levé"), kind=_LOCK_KIND)
