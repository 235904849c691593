"""The bank of cases: the cases (gestionnaires, and evaluators for the cases drawn in their
sessions), a drawn case (also its candidate, once the épreuve has started), and drawing a
session's cases. Every reading of a case's content is journalled by the service."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.params import functions as param

from certif.api.auth import access
from certif.api.endpoints.common import (
    ID_MAX,
    Operations,
    listing,
    or_404,
    responses,
    session_by_code,
    user_of,
)
from certif.api.pagination import PageQuery, by_key, page_out
from certif.api.schemas import InputSchema
from certif.candidates.models import Candidate
from certif.casebank import queries, services
from certif.casebank.models import Case, CaseVersion, Draw
from certif.core.roles import Role, has_role

router = Router(tags=["Banque de cas"])
READERS = (Role.STAFF, Role.EVALUATOR)
# A case or a draw: its content, each reading journalled, or 404.
reading_case = Operations(router, "/cases", (404,))
CaseId = Annotated[int, param.Path(..., ge=1, le=ID_MAX, description="Identifiant du cas")]
DrawId = Annotated[int, param.Path(..., ge=1, le=ID_MAX, description="Identifiant du tirage")]


class CaseOut(Schema):
    id: int
    reference: str
    title: str
    certification: str
    epreuve: str
    retired: bool
    latest_version: int | None


class ContentOut(Schema):
    number: int
    text: str
    client_script: str | None
    pdf_sha256: str | None
    pdf_pages: int | None


class CaseDetailOut(CaseOut):
    version: ContentOut


class DrawOut(Schema):
    id: int
    session: str
    candidate: str
    epreuve: str
    case: str
    version: int
    starts_at: datetime | None


class DrawnCaseOut(DrawOut):
    title: str
    content: ContentOut


class DrawIn(InputSchema):
    session: str


class DrawResultOut(Schema):
    session: str
    drawn: int
    already: int


def _case_out(case: Case) -> dict[str, Any]:
    latest = queries.latest_version(case)
    return {
        "id": case.pk,
        "reference": case.reference,
        "title": case.title,
        "certification": case.referential_code,
        "epreuve": case.slot,
        "retired": case.retired,
        "latest_version": latest.number if latest is not None else None,
    }


def _content(version: CaseVersion, *, with_script: bool) -> dict[str, Any]:
    return {
        "number": version.number,
        "text": version.text,
        "client_script": version.client_script if with_script else None,
        "pdf_sha256": version.attachment_sha256 or None,
        "pdf_pages": version.attachment_pages,
    }


def _draw_out(draw: Draw) -> dict[str, Any]:
    return {
        "id": draw.pk,
        "session": draw.session.code,
        "candidate": draw.candidate.numero,
        "epreuve": draw.slot,
        "case": draw.case.reference,
        "version": draw.version.number,
        "starts_at": queries.epreuve_start(draw.session, draw.slot),
    }


@listing(router, "/cases", CaseOut, READERS, "Les cas de la banque")
def list_cases(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    """Tous les cas pour un gestionnaire ; pour un évaluateur, ceux tirés dans ses sessions.
    Sans leur contenu."""
    user = user_of(request)
    cases = Case.objects.all()
    if not has_role(user, Role.STAFF):
        cases = queries.cases_readable_by_evaluator(user.pk)
    found = by_key(request, cases, page, "id", int)
    return page_out([_case_out(case) for case in found.rows], found.next, page)


@router.get(
    "/cases/drawn",
    response=responses({200: list[DrawOut]}),
    auth=access(Role.CANDIDATE),
    summary="Mes cas tirés",
)
def my_draws(request: HttpRequest) -> list[dict[str, Any]]:
    """Les cas tirés pour le candidat, par leur référence ; leur contenu s'ouvre au début de
    l'épreuve (``GET /cases/drawn/{id}``)."""
    user = user_of(request)
    candidate = Candidate.objects.filter(user_id=user.pk).first()
    if candidate is None:
        return []
    return [_draw_out(row.draw) for row in queries.own_cases(candidate, timezone.now())]


@reading_case(
    "GET /drawn/{draw_id}",
    {200: DrawnCaseOut},
    (*READERS, Role.CANDIDATE),
    "Un cas tiré et son contenu",
)
def drawn_case(request: HttpRequest, draw_id: DrawId) -> dict[str, Any]:
    """Le cas à la version tirée : pour les gestionnaires, les évaluateurs de l'unité dans la
    session, et le candidat à partir du début de son épreuve (sans le script du client)."""
    user = user_of(request)
    draw = services.open_draw(draw_id, actor=user)
    own = draw.candidate.user_id == user.pk
    return {
        **_draw_out(draw),
        "title": draw.case.title,
        "content": _content(draw.version, with_script=not own),
    }


@reading_case("GET /{case_id}", {200: CaseDetailOut}, READERS, "Un cas et sa dernière version")
def read_case(request: HttpRequest, case_id: CaseId) -> dict[str, Any]:
    """Le contenu de la dernière version du cas ; chaque lecture est journalisée."""
    or_404(Case.objects.filter(pk=case_id).first(), "Ce cas n'existe pas.")
    version = services.open_case(case_id, actor=user_of(request))
    return {**_case_out(version.case), "version": _content(version, with_script=True)}


@router.post(
    "/cases:draw",
    response=responses({200: DrawResultOut}, 404, 409),
    auth=access(Role.STAFF),
    summary="Tirer les cas d'une session",
)
def draw(request: HttpRequest, payload: DrawIn) -> dict[str, Any]:
    """Un cas pour chaque candidat inscrit et chaque épreuve qui en demande un, là où il n'y
    en a pas encore ; tout ou rien (409 avec les raisons quand la banque ne suffit pas)."""
    outcome = services.draw_cases(session_by_code(payload.session), actor=user_of(request))
    return {"session": outcome.session.code, "drawn": outcome.drawn, "already": outcome.already}
