"""Issued documents: their list, their PDF as archived, and the public check of a number.

Who downloads what follows the documents pages: a gestionnaire every document, a jury role the
minutes (procès-verbaux), a candidate their own valid documents. Anyone holding a document's
number may check it, as on the public verification page, with no account.
"""

from __future__ import annotations

import hmac
from datetime import datetime
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status
from ninja.params import functions as param

from certif.api.auth import access
from certif.api.endpoints.common import (
    STAFF,
    Operations,
    SessionCode,
    file_answer,
    listing,
    or_404,
    responses,
    session_by_code,
    user_of,
)
from certif.api.endpoints.me import own_candidate
from certif.api.pagination import PageQuery, by_key, narrowed, page_out
from certif.api.problems import Forbidden, Problem, Refused
from certif.core.http import attachment
from certif.core.roles import Role
from certif.documents import services
from certif.documents.archive import file_name
from certif.documents.models import (
    DOWNLOADERS,
    PUBLIC_ID_LENGTH,
    IssuedDocument,
    Kind,
    normalise_number,
)
from certif.documents.models import Status as DocumentStatus
from certif.domain.records import attributes

router = Router(tags=["Documents"])
on_document = Operations(router, "/documents/{public_id}", (404,))

PublicId = Annotated[
    str,
    param.Path(
        ...,
        min_length=PUBLIC_ID_LENGTH,
        max_length=PUBLIC_ID_LENGTH + 3,
        pattern=r"^[A-Za-z2-7-]+$",
        description="Numéro du document, tel qu'imprimé (avec ou sans tirets)",
    ),
]


class DocumentOut(Schema):
    number: str = Field(description="Numéro imprimé, par groupes de quatre")
    kind: str = Field(description="parchemin, attestation, releve, pv ou convocation")
    status: str = Field(description="valid, revoked ou superseded")
    title: str
    holder_name: str
    candidate: str | None
    session: str
    block: str
    issued_at: datetime
    sha256: str = Field(description="Empreinte SHA-256 du PDF archivé")
    revoked_at: datetime | None
    revocation_reason: str
    superseded_by: str | None
    download: str = Field(description="Adresse du PDF archivé")


class VerificationOut(Schema):
    number: str
    kind: str
    status: str = Field(description="valid, revoked ou superseded")
    title: str
    holder_name: str
    issued_at: datetime
    superseded_by: str | None
    matches: bool | None = Field(
        None, description="Le fichier d'empreinte `sha256` donnée est-il celui délivré ?"
    )


class DocumentsQuery(Schema):
    session: str = Field("", max_length=32, description="Code d'une session")
    candidate: str = Field("", max_length=32, description="Numéro d'un candidat")
    kind: str = Field("", max_length=16, description="Nature du document")
    status: str = Field("", max_length=16, description="valid, revoked ou superseded")


class GenerateIn(Schema):
    kind: Kind = Field(description="parchemin, attestation, releve, pv ou convocation")
    acknowledge_warnings: bool = Field(
        False,
        description="Produire malgré les avertissements (convocations d'une session terminée, "
        "relevés avant toute délibération close) ; sans cela, 409 les énumère",
    )


class GeneratedOut(Schema):
    issued: int = Field(description="Documents produits par cette demande")
    existing: int = Field(description="Documents déjà délivrés, laissés tels quels")
    refused: list[str] = Field(
        description="Documents qui ne peuvent pas être délivrés, et pourquoi"
    )


class ReasonIn(Schema):
    reason: str = Field(
        min_length=services.MIN_REASON,
        max_length=1000,
        description="Motif, conservé dans l'historique du document",
    )


class VerifyQuery(Schema):
    sha256: str = Field(
        "",
        max_length=64,
        pattern=r"^[0-9A-Fa-f]*$",
        description="Empreinte SHA-256 d'un fichier, pour le comparer",
    )


def _documents() -> QuerySet[IssuedDocument]:
    return IssuedDocument.objects.defer("pdf", "data").select_related(
        "candidate", "session", "superseded_by", "deliberation"
    )


def _document(public_id: str) -> IssuedDocument:
    return or_404(
        _documents().filter(public_id=normalise_number(public_id)).first(),
        f"Aucun document n'a le numéro {public_id}.",
    )


def _public(document: IssuedDocument) -> dict[str, Any]:
    """What anyone may learn of a document: what the public verification page says."""
    return {
        **attributes(document, "number", "kind", "status", "title", "holder_name", "issued_at"),
        "superseded_by": (
            document.superseded_by.number if document.superseded_by is not None else None
        ),
    }


def document_out(document: IssuedDocument) -> dict[str, Any]:
    return {
        **_public(document),
        "candidate": document.candidate.numero if document.candidate is not None else None,
        "session": document.session.code,
        "block": document.block_code,
        **attributes(document, "sha256", "revoked_at", "revocation_reason"),
        "download": reverse("api:v1:download_document", kwargs={"public_id": document.public_id}),
    }


@listing(router, "/documents", DocumentOut, STAFF, "Les documents délivrés")
def list_documents(
    request: HttpRequest, filters: Query[DocumentsQuery], page: Query[PageQuery]
) -> dict[str, Any]:
    """Tous les documents délivrés, du plus ancien au plus récent, filtrés par session,
    candidat, nature ou état."""
    documents = narrowed(
        _documents(),
        session__code=filters.session,
        candidate__numero=filters.candidate,
        kind=filters.kind,
        status=filters.status,
    )
    found = by_key(request, documents, page, "id", int)
    return page_out([document_out(d) for d in found.rows], found.next, page)


@router.get(
    "/me/documents",
    response=responses({200: list[DocumentOut]}, 404),
    auth=access(Role.CANDIDATE),
    summary="Mes documents",
)
def my_documents(request: HttpRequest) -> list[dict[str, Any]]:
    """Les documents valides délivrés au candidat (parchemin, attestations, relevés…)."""
    candidate = or_404(own_candidate(request), "Ce compte n'est relié à aucun candidat.")
    mine = (
        _documents().filter(candidate=candidate, status=DocumentStatus.VALID).order_by("-issued_at")
    )
    return [document_out(d) for d in mine if d.shown_to_candidate]


@on_document("GET", {200: DocumentOut}, DOWNLOADERS, "Un document délivré")
def get_document(request: HttpRequest, public_id: PublicId) -> dict[str, Any]:
    document = _document(public_id)
    if not document.may_be_downloaded_by(user_of(request)):
        raise Forbidden("Ce document n'est pas l'un de ceux que vous pouvez lire.")
    return document_out(document)


PDF = file_answer("application/pdf", "Le PDF archivé, octet pour octet")


@router.get(
    "/documents/{public_id}/pdf",
    response=responses({200: None}, 404, 410),
    auth=access(*DOWNLOADERS),
    summary="Télécharger un document",
    openapi_extra=PDF,
)
def download_document(request: HttpRequest, public_id: PublicId) -> HttpResponse:
    """Le fichier tel qu'il a été délivré ; son empreinte est `sha256`."""
    document = _document(public_id)
    if not document.may_be_downloaded_by(user_of(request)):
        raise Forbidden("Ce document n'est pas l'un de ceux que vous pouvez télécharger.")
    pdf = IssuedDocument.objects.get(pk=document.pk).pdf_bytes()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = attachment(file_name(document))
    return response


@router.get(
    "/documents/{public_id}/verification",
    response={200: VerificationOut, 400: Problem, 404: Problem, 422: Problem},
    auth=None,
    summary="Vérifier un document (sans compte)",
)
def verify_document(
    request: HttpRequest, public_id: PublicId, check: Query[VerifyQuery]
) -> dict[str, Any]:
    """Ce que dit la page publique de vérification : valide, révoqué ou remplacé, avec son
    intitulé, son titulaire et sa date ; avec `sha256`, si ce fichier est bien celui délivré."""
    document = _document(public_id)
    given = check.sha256.strip().lower()
    return {
        **_public(document),
        "matches": hmac.compare_digest(given, document.sha256) if given else None,
    }


# -- producing, revoking, reissuing ------------------------------------------------------------


@router.post(
    "/sessions/{code}/documents",
    response=responses({200: GeneratedOut}, 404, 409),
    auth=access(Role.STAFF),
    summary="Produire les documents d'une session",
)
def generate_documents(
    request: HttpRequest, code: SessionCode, payload: GenerateIn
) -> dict[str, Any]:
    """Tous les documents de cette nature que la session appelle ; ceux déjà délivrés restent
    tels quels (jamais de seconde copie). Une mention manquante pour toute la session refuse la
    demande (409) ; un document impossible pour un candidat est nommé dans `refused`. Compter
    environ une seconde par centaine de documents ; la liste : `GET /documents?session=&kind=`."""
    try:
        outcome = services.generate(
            session_by_code(code),
            payload.kind,
            user_of(request),
            acknowledged=payload.acknowledge_warnings,
        )
    except services.NeedsAcknowledgement as told:
        raise Refused(f"{told} Renvoyez la demande avec acknowledge_warnings: true.") from told
    return {
        "issued": len(outcome.issued),
        "existing": len(outcome.existing),
        "refused": outcome.refused,
    }


@on_document("POST /revoke", {200: DocumentOut}, STAFF, "Révoquer un document", 409)
def revoke_document(request: HttpRequest, public_id: PublicId, payload: ReasonIn) -> dict[str, Any]:
    """Le document cesse d'être valide, ce que dit sa vérification ; un procès-verbal ne se
    révoque pas (une décision changée est un acte modificatif)."""
    revoked = services.revoke(_document(public_id), user_of(request), payload.reason)
    return document_out(revoked)


@on_document("POST /reissue", {201: DocumentOut}, STAFF, "Rééditer un document", 409)
def reissue_document(request: HttpRequest, public_id: PublicId, payload: ReasonIn) -> Status[Any]:
    """Un nouveau document, produit avec les données actuelles (une identité corrigée), remplace
    celui-ci, qui cesse d'être valide ; la réponse est le nouveau document."""
    new = services.reissue(_document(public_id), user_of(request), payload.reason)
    return Status(201, document_out(new))
