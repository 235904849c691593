"""The kinds of audit events of candidates."""

from django.utils.translation import gettext_lazy as _

from certif.candidates.models import ACCESS_PATH_CHOICES, Sex
from certif.core.audit import Words, action

_IDENTITY: dict[str, Words] = {
    "sex": dict(Sex.choices),
    "access_path": dict(ACCESS_PATH_CHOICES),
}

CANDIDATE_CREATED = action("candidate.created", _("Candidat créé"), **_IDENTITY)
CANDIDATE_UPDATED = action("candidate.updated", _("Identité modifiée"), **_IDENTITY)
NIR_SHOWN = action("candidate.nir_shown", _("NIR affiché en clair"))
