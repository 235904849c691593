"""A partner account's dashboard panel: its candidates, and the way to them."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from certif.candidates.models import Candidate
from certif.partners.policies import partner_of
from certif.web.dashboard import Item, Panel


def panels(request: HttpRequest) -> list[Panel]:
    partner = partner_of(request.user)
    if partner is None:
        return []
    return [
        Panel(
            title=partner.legal_name,
            count=Candidate.objects.filter(partner=partner).count(),
            empty=_("Aucun candidat pour le moment : créez-en un."),
            actions=[
                Item(_("Vos candidats"), reverse("portal:home")),
                Item(_("Inscrire à une session"), reverse("portal:enrol")),
                Item(_("Résultats publiés"), reverse("portal:results")),
            ],
        )
    ]
