"""Small builders for the partners' tests: habilitations in a given state, in few words."""

from __future__ import annotations

from datetime import date

from certif.domain.partners.habilitations import Habilitation, Nature, Scope

PARTNER = "73282932000074"
OTHER_PARTNER = "35600000000048"
CERTIFICATION = "CCAB"
AUTHOR = "gestionnaire@certif.example"
START = date(2025, 9, 1)
END = date(2027, 8, 31)


def draft(
    reference: str = "HAB-1",
    *,
    nature: Nature = Nature.PREPARE_AND_EVALUATE,
    scope: Scope | None = None,
    starts_on: date = START,
    ends_on: date = END,
    partner: str = PARTNER,
) -> Habilitation:
    return Habilitation.draft(
        reference,
        partner,
        nature,
        scope if scope is not None else Scope.whole(CERTIFICATION),
        starts_on,
        ends_on,
    )


def active(
    reference: str = "HAB-1",
    *,
    nature: Nature = Nature.PREPARE_AND_EVALUATE,
    scope: Scope | None = None,
    starts_on: date = START,
    ends_on: date = END,
    partner: str = PARTNER,
    activated_on: date | None = None,
) -> Habilitation:
    """Activated on its start date unless told otherwise."""
    return draft(
        reference,
        nature=nature,
        scope=scope,
        starts_on=starts_on,
        ends_on=ends_on,
        partner=partner,
    ).activate(activated_on or starts_on, AUTHOR)


def blocks(*codes: str) -> Scope:
    return Scope.of_blocks(CERTIFICATION, codes)
