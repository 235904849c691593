"""The declaration to the Caisse des Dépôts, for gestionnaires: what each holder lacks, the
flux generated (validated against its XSD before it is kept), its deposit, the CDC's reports,
each passage's status. The same verbs as ``certif cdc`` and the « Déclaration CDC » page."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from certif.api.auth import access
from certif.api.endpoints.common import (
    STAFF,
    fields_of,
    file_answer,
    or_404,
    responses,
    user_of,
)
from certif.api.schemas import InputSchema
from certif.core.http import attachment
from certif.declarations import queries, services
from certif.declarations.models import Flux

router = Router(tags=["Déclaration CDC"])
# A report is a few megabytes for 100,000 passages.
MAX_REPORT_CHARACTERS = 64 * 1024 * 1024
XML = file_answer("application/xml", "Le flux tel qu'il a été généré et validé, octet pour octet")


class SessionQuery(Schema):
    session: str = Field("", max_length=32, description="Code d'une session (toutes sinon)")


class ReadinessOut(Schema):
    candidate: str
    technical_id: str
    due: date
    missing: list[str] = Field(description="Ce que l'identité laisse manquer ; vide : prêt")


class FluxOut(Schema):
    id: uuid.UUID
    file_name: str
    action: Literal["CREATION", "SUPPRESSION"]
    certification: str
    passages: int
    schema_name: str
    sha256: str
    generated_at: datetime
    deposited_at: datetime | None
    report_imported_at: datetime | None


class ExcludedOut(Schema):
    candidate: str
    reasons: list[str]


class GeneratedOut(Schema):
    flux: list[FluxOut]
    excluded: list[ExcludedOut]


class GenerateIn(InputSchema):
    session: str = Field("", max_length=32)
    schema_version: Literal["", "1.1.5", "1.1.2"] = Field(
        "", alias="schema", description="Vide : le schéma des paramètres (ou CERTIF_CDC_XSD)"
    )


class ReportIn(InputSchema):
    xml: str = Field(min_length=1, max_length=MAX_REPORT_CHARACTERS, description="Le rapport XML")


class ReportOut(Schema):
    flux: uuid.UUID
    accepted: int
    rejected: int


class StatusOut(Schema):
    candidate: str
    certification: str
    technical_id: str
    flux: uuid.UUID | None
    status: Literal["pending", "generated", "deposited", "accepted", "rejected", "deleted"]
    message: str
    due: date


def flux_out(flux: Flux) -> dict[str, Any]:
    return fields_of(flux, FluxOut, id=flux.pk, certification=flux.certification_code)


def _flux(flux_id: uuid.UUID) -> Flux:
    return or_404(
        Flux.objects.defer("content").filter(pk=flux_id).first(),
        f"Aucun flux n'a l'identifiant {flux_id}.",
    )


@router.get(
    "/cdc/readiness",
    response=responses({200: list[ReadinessOut]}),
    auth=access(*STAFF),
    summary="Les titulaires à déclarer et ce que leur identité laisse manquer",
)
def readiness(request: HttpRequest, filters: Query[SessionQuery]) -> list[dict[str, Any]]:
    services.refresh_declarations(user_of(request))
    return [
        {
            "candidate": row.declaration.candidate.numero,
            "technical_id": row.declaration.technical_id,
            "due": row.declaration.due_on,
            "missing": row.missing,
        }
        for row in queries.readiness(filters.session or None)
    ]


@router.post(
    "/cdc/flux",
    response=responses({201: GeneratedOut}, 409, 422),
    auth=access(*STAFF),
    summary="Générer le flux des titulaires à déclarer",
)
def generate(request: HttpRequest, payload: GenerateIn) -> Status[Any]:
    """Un fichier par certification (et par action), validé contre son schéma XSD avant d'être
    gardé ; les titulaires écartés sont listés avec leurs raisons (409 quand aucun ne peut
    l'être)."""
    generated = services.generate_flux(
        user_of(request),
        session=payload.session or None,
        schema=payload.schema_version or None,
    )
    return Status(
        201,
        {
            "flux": [flux_out(flux) for flux in generated.flux],
            "excluded": [
                {"candidate": item.declaration.candidate.numero, "reasons": item.reasons}
                for item in generated.excluded
            ],
        },
    )


@router.get(
    "/cdc/flux",
    response=responses({200: list[FluxOut]}),
    auth=access(*STAFF),
    summary="Les flux générés, les plus récents d'abord",
)
def list_flux(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        flux_out(flux) for flux in Flux.objects.defer("content").order_by("-generated_at")[:200]
    ]


@router.get(
    "/cdc/flux/{flux_id}/xml",
    response=responses({200: None}, 404),
    auth=access(*STAFF),
    summary="Le fichier XML d'un flux",
    openapi_extra=XML,
)
def flux_file(request: HttpRequest, flux_id: uuid.UUID) -> HttpResponse:
    flux = _flux(flux_id)
    content = Flux.objects.values_list("content", flat=True).get(pk=flux.pk)
    response = HttpResponse(bytes(content), content_type="application/xml")
    response["Content-Disposition"] = attachment(flux.file_name)
    return response


@router.post(
    "/cdc/flux/{flux_id}/deposited",
    response=responses({200: FluxOut}, 404, 409),
    auth=access(*STAFF),
    summary="Noter le dépôt d'un flux sur le portail de la CDC",
)
def deposited(request: HttpRequest, flux_id: uuid.UUID) -> dict[str, Any]:
    return flux_out(services.mark_deposited(_flux(flux_id), user_of(request)))


@router.post(
    "/cdc/reports",
    response=responses({200: ReportOut}, 409, 422),
    auth=access(*STAFF),
    summary="Importer un rapport de traitement de la CDC",
)
def import_report(request: HttpRequest, payload: ReportIn) -> dict[str, Any]:
    """Refusé (409), sans rien enregistrer, quand le rapport nomme un flux ou un passage que
    Certif n'a pas envoyé."""
    outcome = services.import_report(payload.xml.encode("utf-8"), user_of(request))
    return {"flux": outcome.flux.pk, "accepted": outcome.accepted, "rejected": outcome.rejected}


@router.get(
    "/cdc/status",
    response=responses({200: list[StatusOut]}),
    auth=access(*STAFF),
    summary="L'état de chaque passage",
)
def status(request: HttpRequest, filters: Query[SessionQuery]) -> list[dict[str, Any]]:
    services.refresh_declarations(user_of(request))
    return queries.status_rows(filters.session or None)
