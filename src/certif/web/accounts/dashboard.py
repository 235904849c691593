"""The gestionnaire's panel of sign-ins locked after repeated failures."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from certif.accounts.lockouts import current_lockouts
from certif.accounts.policies import may_lift_lockouts
from certif.web.dashboard import Item, Panel

SHOWN = 5


def panels(request: HttpRequest) -> list[Panel]:
    if not may_lift_lockouts(request.user):
        return []
    lockouts = current_lockouts()
    page = reverse("accounts:lockouts")
    return [
        Panel(
            title=_("Connexions bloquées"),
            count=len(lockouts),
            items=[
                Item(
                    f"{lockout.kind_label} « {lockout.value} »",
                    page,
                    _("jusqu'à %(time)s") % {"time": localtime(lockout.until).strftime("%H:%M")},
                )
                for lockout in lockouts[:SHOWN]
            ],
            empty=_("Aucune connexion bloquée."),
            actions=[Item(_("Voir et lever les blocages"), page)],
        )
    ]
