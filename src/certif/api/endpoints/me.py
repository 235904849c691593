"""The person calling: who they are for Certif, and, for a candidate, their published results.

A candidate reads only their own decisions, and only once the jury's act is closed and
published: no operation takes a candidate's numero, so no one reads another's by changing it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from certif.api.auth import access
from certif.api.endpoints.common import Lang, or_404, responses, user_of
from certif.candidates.models import Candidate
from certif.core.roles import Role, roles_of
from certif.deliberations.reading import published_result, sessions_awaiting_publication

router = Router(tags=["Moi"])


class MeOut(Schema):
    username: str
    full_name: str
    roles: list[str]
    candidate: str | None


class PublishedUnitOut(Schema):
    unit: str
    name: str
    status: str
    overridden: bool = False
    justification: str
    explanation: str = Field(description="Ce que les évaluations donnaient quand le jury a statué")
    jury: str = Field("", description="Le jury qui a statué ; vide : pas encore délibéré")


class PublishedActOut(Schema):
    session: str
    kind: Literal["initial", "amendment"]
    number: int
    closed_at: datetime | None
    published_at: datetime | None


class MyResultOut(Schema):
    candidate: str
    deliberation: PublishedActOut | None
    certification: PublishedUnitOut | None
    blocks: list[PublishedUnitOut]
    awaiting: list[str]


def own_candidate(request: HttpRequest) -> Candidate | None:
    user_id = user_of(request).pk
    return Candidate.objects.filter(user_id=user_id).first() if user_id is not None else None


@router.get("/me", response=responses({200: MeOut}), auth=access(), summary="Qui suis-je")
def me(request: HttpRequest) -> dict[str, Any]:
    """Le compte authentifié (jeton ou session) et ses rôles, tels qu'ils sont à cet instant."""
    user = user_of(request)
    candidate = own_candidate(request)
    return {
        "username": user.get_username(),
        "full_name": user.get_full_name(),
        "roles": sorted(role.value for role in roles_of(user)),
        "candidate": candidate.numero if candidate is not None else None,
    }


def _unit(unit: Any) -> dict[str, Any]:
    return {
        "unit": unit.unit,
        "name": unit.name,
        "status": unit.status,
        "overridden": unit.overridden,
        "justification": unit.justification,
        "explanation": unit.explanation,
        "jury": unit.act,
    }


@router.get(
    "/me/result",
    response=responses({200: MyResultOut}, 404),
    auth=access(Role.CANDIDATE),
    summary="Mes résultats publiés",
)
def my_result(request: HttpRequest, lang: Lang = "fr") -> dict[str, Any]:
    """Les décisions des jurys sur le candidat, de leurs actes clos et publiés : une unité
    validée par l'un est acquise ; sinon la décision de la session la plus récente ; sans
    décision publiée, « pas encore délibéré ». `deliberation` est le dernier acte publié qui le
    concerne ; `awaiting` nomme ses sessions sans décision publiée."""
    candidate = or_404(own_candidate(request), "Ce compte n'est relié à aucun candidat.")
    result = published_result(candidate, lang)
    act = result.deliberation if result is not None else None
    return {
        "candidate": candidate.numero,
        "deliberation": (
            {
                "session": act.session.code,
                "kind": act.kind,
                "number": act.number,
                "closed_at": act.closed_at,
                "published_at": act.published_at,
            }
            if act is not None
            else None
        ),
        "certification": (
            _unit(result.certification)
            if result is not None and result.certification is not None
            else None
        ),
        "blocks": [_unit(unit) for unit in result.blocks] if result is not None else [],
        "awaiting": [session.code for session in sessions_awaiting_publication(candidate)],
    }
