"""The gestionnaire's dashboard panels about candidates and imported files."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certif.candidates.models import Candidate
from certif.core.roles import Role, has_role
from certif.imports.models import ImportBatch
from certif.web.dashboard import Item, Panel

RECENT_IMPORTS = 5
KIND_LABELS: dict[str, Promise] = {
    "candidates": gettext_lazy("candidats"),
    "scores": gettext_lazy("notes"),
}


def panels(request: HttpRequest) -> list[Panel]:
    if not has_role(request.user, Role.STAFF):
        return []
    return [_candidates(), _imports()]


def _candidates() -> Panel:
    """How many candidates, and the way to them. Counting the certified ones would read every
    stored decision (a fifth of a second at 100,000): the list's filter does it on demand."""
    total = Candidate.objects.count()
    listing = reverse("candidates:list")
    return Panel(
        title=_("Candidats"),
        count=total,
        items=[
            Item(_("Les candidats certifiés"), f"{listing}?certifie=oui"),
            Item(_("Les candidats non certifiés"), f"{listing}?certifie=non"),
        ]
        if total
        else [],
        empty=_("Aucun candidat : importez un fichier ou créez-en un."),
        actions=[
            Item(_("Rechercher"), listing),
            Item(_("Nouveau candidat"), reverse("candidates:create")),
        ],
    )


def _imports() -> Panel:
    recent = ImportBatch.objects.select_related("imported_by")[:RECENT_IMPORTS]
    items = []
    for batch in recent:
        kind = str(KIND_LABELS.get(batch.kind, batch.kind))
        who = batch.imported_by.get_username() if batch.imported_by else _("système")
        items.append(
            Item(
                batch.file_name,
                detail=_("%(kind)s, %(rows)s ligne(s), le %(at)s par %(who)s")
                % {
                    "kind": kind,
                    "rows": batch.rows,
                    "at": f"{timezone.localtime(batch.imported_at):%d/%m/%Y}",
                    "who": who,
                },
            )
        )
    return Panel(
        title=_("Imports récents"),
        items=items,
        empty=_("Aucun fichier importé pour le moment."),
        actions=[Item(_("Importer ou exporter"), reverse("imports:home"))],
    )
