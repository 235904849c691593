"""Builders for the partners' tests: partners and habilitations made through the services."""

from __future__ import annotations

from datetime import date
from typing import Any

from certif.partners.models import Habilitation, Partner
from certif.partners.services import change_habilitation, create_habilitation, create_partner

# Valid SIRETs (Luhn on the 14 digits and on the SIREN).
SIRET = "73282932000074"
OTHER_SIRET = "55208131766522"
THIRD_SIRET = "44306184100047"
WRONG_KEY_SIRET = "73282932000075"
START = date(2025, 9, 1)
END = date(2027, 8, 31)


def make_partner(siret: str = SIRET, legal_name: str = "Institut Formation Banque") -> Partner:
    return create_partner({"siret": siret, "legal_name": legal_name})


def make_habilitation(
    partner: Partner,
    *,
    nature: str = "preparer_evaluer",
    blocks: str = "",
    starts_on: date = START,
    ends_on: date = END,
    active: bool = True,
    **extra: Any,
) -> Habilitation:
    habilitation = create_habilitation(
        partner,
        {
            "certification": "CCAB",
            "nature": nature,
            "blocks": blocks,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            **extra,
        },
    )
    if active:
        change_habilitation(
            habilitation, {"action": "activate", "effective_on": starts_on.isoformat()}
        )
    return habilitation


def default_partner() -> Partner:
    """The partner of partner accounts made without one (permission matrices walk every role)."""
    partner, _created = Partner.objects.get_or_create(
        siret=THIRD_SIRET, defaults={"legal_name": "Organisme des tests"}
    )
    return partner
