"""The gestionnaire's dashboard panels about partners: changes of habilitations to declare to
France compétences (due soon, overdue), and Qualiopi certificates expiring or expired."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from certif.core.roles import Role, has_role
from certif.partners.queries import qualiopi_alerts, since_last_export
from certif.web.dashboard import Item, Panel

SHOWN = 8


def panels(request: HttpRequest) -> list[Panel]:
    if not has_role(request.user, Role.STAFF):
        return []
    today = date.today()
    return [_declaration(today), _qualiopi(today)]


def _declaration(today: date) -> Panel:
    urgent = [
        row for row in since_last_export(today) if row.status in {"due_soon", "overdue", "pending"}
    ]
    page = reverse("partners:declaration")
    items = [
        Item(
            f"{row.habilitation.reference} — {row.habilitation.partner.legal_name}",
            page,
            _("%(kind)s du %(day)s : %(status)s, échéance le %(deadline)s")
            % {
                "kind": row.kind_label,
                "day": f"{row.declaration.change.effective_on:%d/%m/%Y}",
                "status": row.status_label,
                "deadline": f"{row.declaration.deadline:%d/%m/%Y}",
            },
        )
        for row in urgent[:SHOWN]
    ]
    return Panel(
        title=_("Habilitations à déclarer à France compétences"),
        count=len(urgent),
        items=items,
        empty=_("Aucun changement d'habilitation à déclarer."),
        actions=[Item(_("La liste pour France compétences"), page)],
    )


def _qualiopi(today: date) -> Panel:
    alerts = list(qualiopi_alerts(today)[:SHOWN])
    items = []
    for partner in alerts:
        expires = partner.qualiopi_expires_on
        assert expires is not None
        detail = (
            _("certificat Qualiopi expiré le %(day)s")
            if expires < today
            else _("certificat Qualiopi à échéance le %(day)s")
        ) % {"day": f"{expires:%d/%m/%Y}"}
        items.append(
            Item(partner.legal_name, reverse("partners:detail", args=[partner.siret]), detail)
        )
    return Panel(
        title=_("Qualiopi des organismes partenaires"),
        count=len(alerts),
        items=items,
        empty=_("Aucun certificat Qualiopi n'arrive à échéance dans les 90 jours."),
        actions=[Item(_("Organismes partenaires"), reverse("partners:list"))],
    )
