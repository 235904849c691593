"""A habilitation as a PDF (Typst, as the other documents): the act to have signed by both
parties. It is printed on demand from the habilitation's record and not archived: the signed
act, once scanned, is what the partner's page keeps (with its SHA-256)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from certif.documents.content import Issuer
from certif.documents.rendering import render_pdf
from certif.domain.partners.habilitations import ACTION_LABELS, Action, format_date
from certif.partners.models import Habilitation
from certif.referential.services import current_version


def habilitation_data(habilitation: Habilitation, today: date | None = None) -> dict[str, Any]:
    day = today or date.today()
    domain = habilitation.to_domain()
    terms = domain.terms_on(day) if domain.state_on(day).value != "draft" else domain.terms
    version = current_version(habilitation.certification)
    referential = version.referential if version is not None else None
    partner = habilitation.partner
    return {
        "certifier": Issuer.load(referential).data(),
        "certification": {
            "title": referential.title if referential is not None else habilitation.certification
        },
        "partner": {
            "legal_name": partner.legal_name,
            "siret": partner.siret,
            "nda": partner.nda,
            "qualiopi": partner.qualiopi_number,
        },
        "habilitation": {
            "reference": habilitation.reference,
            "certification": habilitation.certification,
            "nature": terms.nature.label.fr,
            "scope": terms.scope.label.fr,
            "starts_on": format_date(terms.starts_on),
            "ends_on": format_date(terms.ends_on),
            "obligations": habilitation.obligations,
            "state": domain.state_on(day).label.fr,
            "changes": [
                {
                    "effective_on": format_date(change.effective_on),
                    "action": ACTION_LABELS[Action(change.action)].fr
                    if change.action
                    else "avenant",
                    "reason": change.reason,
                    "author": change.author_name,
                }
                for change in habilitation.changes.all()
            ],
        },
        "printed_on": format_date(day),
    }


def habilitation_pdf(habilitation: Habilitation) -> bytes:
    return render_pdf("habilitation", habilitation_data(habilitation), timezone.now())
