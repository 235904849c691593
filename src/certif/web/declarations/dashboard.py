"""The gestionnaires' panel of the declaration to the Caisse des Dépôts: what is due."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from certif.core.text import quoted
from certif.declarations.policies import may_declare
from certif.declarations.queries import deadlines
from certif.web.dashboard import Item, Panel

SHOWN = 8


def panels(request: HttpRequest) -> list[Panel]:
    if not may_declare(request.user):
        return []
    due = deadlines(timezone.localdate())
    url = reverse("declarations:overview")
    items = [
        *(
            Item(d.candidate.numero, url, _("déclaration en retard (échéance %(date)s)") % {"date": date_format(d.due_on, "SHORT_DATE_FORMAT")})
            for d in due.overdue
        ),
        *(Item(d.candidate.numero, url, _("rejetée par la CDC : %(message)s") % {"message": quoted(d.message)}) for d in due.rejected),
        *(
            Item(d.candidate.numero, url, _("à déclarer avant le %(date)s") % {"date": date_format(d.due_on, "SHORT_DATE_FORMAT")})
            for d in due.due_soon
        ),
        *(
            Item(c.declaration.candidate.numero, url, _("correction demandée, réponse avant le %(date)s") % {"date": date_format(c.due_on, "SHORT_DATE_FORMAT")})
            for c in due.corrections
        ),
    ]  # fmt: skip
    return [
        Panel(
            _("Déclaration à la Caisse des Dépôts"),
            items[:SHOWN],
            empty=_("Aucune déclaration en retard ni à faire dans les 30 jours."),
            actions=[Item(_("Déclaration CDC"), url)],
            count=due.count,
        )
    ]
