"""The demo's partners: three organismes de formation habilités with their candidates, one of
them suspended after a control, a list declared to France compétences in the autumn and changes
since, due soon or still to declare; a Qualiopi certificate nearing its end."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from certif.candidates.models import Candidate
from certif.partners.models import Partner
from certif.partners.services import (
    add_audit_action,
    change_habilitation,
    create_habilitation,
    create_partner,
    mark_transmitted,
    record_audit,
    record_export,
)

START = date(2025, 9, 1)
END = date(2028, 8, 31)
DECLARED_ON = date(2025, 10, 1)

PARTNERS = (
    {
        "siret": "73282932000074", "legal_name": "Institut Formation Banque Assurance",
        "nda": "11753966675", "address": "12 rue de la Paix\n75002 Paris",
        "contact_name": "Claire Martin", "email": "contact@ifba.example.org",
        "qualiopi_number": "25FOR02027.1", "qualiopi_scope": "Actions de formation",
    },
    {
        "siret": "55208131766522", "legal_name": "École Rhône Conseil Clientèle",
        "nda": "84691783769", "address": "5 quai Saint-Antoine\n69002 Lyon",
        "contact_name": "Hugo Bernard", "email": "formation@ercc.example.org",
        "qualiopi_number": "26-042-04", "qualiopi_scope": "Actions de formation, apprentissage",
    },
    {
        "siret": "44306184100047", "legal_name": "Centre Atlantique des Métiers de la Banque",
        "address": "3 place Royale\n44000 Nantes", "contact_name": "Nora Petit",
        "email": "cambm@example.org", "qualiopi_number": "24CAMB118",
    },
)  # fmt: skip
# Candidates per partner, by numero (the demo cohort's first ones).
CANDIDATES = ((1, 12), (13, 20), (21, 24))
PARTNER_ACCOUNT_SIRET = "73282932000074"


def _numeros(first: int, last: int) -> list[str]:
    return [f"C{n:06d}" for n in range(first, last + 1)]


def install_partners(gestion: Any, today: date | None = None) -> list[str]:
    """Create the demo's partners once (the demo runs on an empty database only)."""
    day = today or date.today()
    if Partner.objects.exists():
        return []
    partners = []
    for index, data in enumerate(PARTNERS):
        values = dict(data)
        if index == 0:
            # Its Qualiopi certificate ends soon: the dashboard warns.
            values["qualiopi_expires_on"] = (day + timedelta(days=40)).isoformat()
        else:
            values["qualiopi_expires_on"] = "2028-12-31"
        partners.append(create_partner(values, actor=gestion))
    whole, blocks, suspended = partners
    first = _habilitation(whole, "preparer_evaluer", "", gestion)
    _habilitation(blocks, "preparer", "B1 B2 B3", gestion)
    third = _habilitation(suspended, "preparer", "", gestion)
    export = record_export(DECLARED_ON, 3, "csv", "0" * 64, gestion)
    mark_transmitted(export, {"transmitted_on": DECLARED_ON.isoformat()}, gestion)
    # Since the list was declared: a suspension (due soon) and a new habilitation (to declare).
    control = record_audit(
        suspended,
        {"planned_on": (day - timedelta(days=60)).isoformat(), "status": "done",
         "done_on": (day - timedelta(days=58)).isoformat(), "auditor": "Paule Président",
         "scope": "Préparation à toute la certification",
         "findings": "Durées de formation non respectées ; feuilles d'émargement absentes."},
        gestion,
    )  # fmt: skip
    add_audit_action(
        control,
        {"description": "Fournir les feuilles d'émargement de la promotion 2025-2026.",
         "due_on": (day + timedelta(days=20)).isoformat()},
        gestion,
    )  # fmt: skip
    change_habilitation(
        third,
        {"action": "suspend", "effective_on": (day - timedelta(days=50)).isoformat(),
         "reason": "Contrôle du " + f"{day - timedelta(days=58):%d/%m/%Y}" + " : manquements."},
        gestion,
    )  # fmt: skip
    evaluation = create_habilitation(
        blocks,
        {"certification": first.certification, "nature": "evaluer", "blocks": "B1",
         "starts_on": (day - timedelta(days=10)).isoformat(), "ends_on": END.isoformat(),
         "obligations": "Organiser des sessions conformes au référentiel d'évaluation."},
        gestion,
    )  # fmt: skip
    change_habilitation(
        evaluation, {"action": "activate", "effective_on": (day - timedelta(days=10)).isoformat()},
        gestion,
    )  # fmt: skip
    for partner, (low, high) in zip(partners, CANDIDATES, strict=True):
        Candidate.objects.filter(numero__in=_numeros(low, high)).update(partner=partner)
    return [
        "Organismes partenaires : "
        + ", ".join(p.legal_name for p in partners)
        + f" (habilitation de {suspended.legal_name} suspendue)"
    ]


def _habilitation(partner: Partner, nature: str, blocks: str, gestion: Any) -> Any:
    habilitation = create_habilitation(
        partner,
        {"certification": "CCAB", "nature": nature, "blocks": blocks,
         "starts_on": START.isoformat(), "ends_on": END.isoformat(),
         "obligations": "Utiliser l'intitulé exact de la certification et de ses blocs ; "
                        "respecter les durées et effectifs du référentiel."},
        gestion,
    )  # fmt: skip
    change_habilitation(
        habilitation, {"action": "activate", "effective_on": START.isoformat()}, gestion
    )
    return habilitation
