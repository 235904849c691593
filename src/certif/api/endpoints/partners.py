"""Partners: the list and each partner with its habilitations (gestionnaires), and the portal's
reads: a partner account reads its own partner and candidates only — another partner's answer
is the same 404 as an unknown one's, and no answer carries a NIR or a deliberation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from certif.api.auth import access
from certif.api.endpoints.common import STAFF, Operations, responses, user_of
from certif.candidates.models import Candidate
from certif.core.errors import NotFound
from certif.core.roles import Role
from certif.partners.models import Partner
from certif.partners.policies import may_read_partner
from certif.partners.queries import partner_summaries, partner_summary

router = Router(tags=["Organismes partenaires"])
READERS = (Role.STAFF, Role.PARTNER)
on_partner = Operations(router, "/partners/{siret}", (404,))


class HabilitationOut(Schema):
    reference: str
    certification: str
    nature: str
    blocks: list[str]
    starts_on: str
    ends_on: str
    state: str


class PartnerOut(Schema):
    siret: str
    legal_name: str
    nda: str
    qualiopi_number: str
    qualiopi_expires_on: str | None
    email: str
    habilitations: list[HabilitationOut]


class PartnerCandidateOut(Schema):
    numero: str
    birth_name: str
    usage_name: str
    first_names: list[str]
    birth_date: str
    nir_recorded: bool
    enrolments: int


def _readable(request: HttpRequest, siret: str) -> Partner:
    """The partner, or the same 404 whether it does not exist or is another's."""
    partner = Partner.objects.filter(siret=siret).first()
    if partner is None or not may_read_partner(user_of(request), partner):
        raise NotFound(f"Aucun organisme n'a le SIRET « {siret[:20]} ».")
    return partner


@router.get(
    "/partners",
    response=responses({200: list[PartnerOut]}),
    auth=access(*STAFF),
    summary="Les organismes partenaires",
)
def list_partners(request: HttpRequest) -> Any:
    """Chaque organisme avec ses habilitations et leur état à ce jour."""
    return partner_summaries()


@on_partner("GET", {200: PartnerOut}, READERS, "Un organisme partenaire")
def read_partner(request: HttpRequest, siret: str) -> Any:
    """Un organisme (pour un compte partenaire : le sien seulement)."""
    return partner_summary(_readable(request, siret))


@on_partner(
    "GET /habilitations", {200: list[HabilitationOut]}, READERS, "Les habilitations d'un organisme"
)
def partner_habilitations(request: HttpRequest, siret: str) -> Any:
    """Ses habilitations et leur état à ce jour."""
    return partner_summary(_readable(request, siret))["habilitations"]


def _candidate_out(candidate: Candidate) -> dict[str, Any]:
    return {
        "numero": candidate.numero,
        "birth_name": candidate.birth_name,
        "usage_name": candidate.usage_name,
        "first_names": candidate.first_names,
        "birth_date": candidate.birth_date.isoformat(),
        # Never the number itself, once saved: whether the CDC declaration has it.
        "nir_recorded": bool(candidate.nir),
        "enrolments": candidate.enrolments.count(),
    }


@on_partner(
    "GET /candidates", {200: list[PartnerCandidateOut]}, READERS, "Les candidats d'un organisme"
)
def partner_candidates(request: HttpRequest, siret: str) -> Any:
    """Les candidats que l'organisme a préparés."""
    partner = _readable(request, siret)
    return [_candidate_out(c) for c in Candidate.objects.filter(partner=partner).order_by("numero")]


@on_partner(
    "GET /candidates/{numero}", {200: PartnerCandidateOut}, READERS, "Un candidat d'un organisme"
)
def partner_candidate(request: HttpRequest, siret: str, numero: str) -> Any:
    """Un candidat de l'organisme ; celui d'un autre organisme : la même réponse 404 qu'un
    numéro inconnu."""
    partner = _readable(request, siret)
    candidate = Candidate.objects.filter(partner=partner, numero=numero).first()
    if candidate is None:
        raise NotFound(f"Aucun candidat n'a le numéro « {numero[:20]} ».")
    return _candidate_out(candidate)
