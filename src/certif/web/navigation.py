"""The navigation each person sees, by role; an entry appears once its page exists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from certif.core.roles import JURY, Role, has_role, roles_of


@dataclass(frozen=True)
class Entry:
    url_name: str
    label: str | Promise
    roles: tuple[Role, ...]


ENTRIES = (
    Entry("home", _("Tableau de bord"), tuple(Role)),
    Entry("candidates:list", _("Candidats"), (Role.STAFF,)),
    Entry("partners:list", _("Partenaires"), (Role.STAFF,)),
    Entry("sessions:list", _("Sessions"), (Role.STAFF,)),
    Entry("casebank:list", _("Cas"), (Role.STAFF,)),
    Entry("grading:mine", _("Mes grilles"), (Role.EVALUATOR,)),
    Entry("grading:reconciliations", _("Rapprochements"), (Role.STAFF,)),
    Entry("deliberations:list", _("Délibérations"), (Role.STAFF, *JURY)),
    Entry("referential:overview", _("Référentiel"), (Role.STAFF, Role.EVALUATOR, *JURY)),
    Entry("imports:home", _("Imports"), (Role.STAFF,)),
    Entry("declarations:overview", _("Déclaration CDC"), (Role.STAFF,)),
    Entry("insertion:rates", _("Insertion"), (Role.STAFF,)),
    Entry("journal:list", _("Journal"), (Role.STAFF,)),
    Entry("submissions:subjects", _("Sujets de mémoire"), (Role.PEDAGOGY,)),
    Entry("stats:page", _("Statistiques"), (Role.STAFF, Role.JURY_PRESIDENT)),
    Entry("myspace:home", _("Mon espace"), (Role.CANDIDATE,)),
    Entry("portal:home", _("Mon organisme"), (Role.PARTNER,)),
)


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Context processor: ``navigation`` entries (label, url, current) and the user's roles."""
    user = request.user
    if not user.is_authenticated:
        return {"navigation": [], "user_roles": []}
    entries = []
    for entry in ENTRIES:
        if not has_role(user, *entry.roles):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        current = request.path == url if url == "/" else request.path.startswith(url)
        entries.append({"label": entry.label, "url": url, "current": current})
    return {"navigation": entries, "user_roles": sorted(role.label for role in roles_of(user))}
