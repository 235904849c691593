"""Deposits and mémoire subjects: what a candidate owes and deposits, subjects and their
review by the Direction pédagogique, missing deposits and extensions for gestionnaires, and
deposited files for those who grade or decide.

A deposit's body is the PDF itself (``Content-Type: application/pdf``), read from the request
as a stream into the store: its ``Content-Length`` is checked against the deliverable's limit
before a byte is read.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest, StreamingHttpResponse
from ninja import Field, Header, Router, Schema
from ninja.params import functions as param

from certif.api.auth import access
from certif.api.endpoints.common import (
    ID_MAX,
    STAFF,
    Numero,
    Operations,
    SessionCode,
    binary_content,
    candidate_by_numero,
    fields_of,
    file_answer,
    form_data,
    or_404,
    responses,
    session_by_code,
    stated_version,
    user_of,
)
from certif.api.endpoints.me import own_candidate
from certif.api.problems import PayloadTooLarge
from certif.core.http import attachment
from certif.core.roles import JURY, Role
from certif.deposits.storage import CHUNK_SIZE
from certif.documents.receipts import receipt_pdf
from certif.submissions import services
from certif.submissions.models import Deposit, Subject
from certif.submissions.queries import (
    Owed,
    all_subjects,
    current_subject,
    everything_owed,
    missing_deposits,
    owed_item,
)

router = Router(tags=["Dépôts et sujets de mémoire"])
# The candidate's own file, which each of these operations finds first (404 without one).
on_own_file = Operations(router, "/me", (404,))
# The subjects of every candidate, for the Direction pédagogique.
on_subjects = Operations(router, "/subjects", ())
# A session, found by its code (404 without one).
on_session = Operations(router, "/sessions/{code}", (404,))
CANDIDATE = (Role.CANDIDATE,)

OPENERS = (Role.CANDIDATE, Role.STAFF, Role.EVALUATOR, *JURY)
Id = Annotated[int, param.Path(..., ge=1, le=ID_MAX)]
Deliverable = Annotated[
    str,
    param.Path(
        ..., min_length=1, max_length=32, description="Code du livrable", example="B1Support"
    ),
]
PDF_BODY = {"requestBody": {"required": True, "content": binary_content("application/pdf")}}
PDF_ANSWER = file_answer("application/pdf", "Le fichier déposé, octet pour octet")
RECEIPT_ANSWER = file_answer(
    "application/pdf", "L'accusé de dépôt tel qu'il a été délivré, octet pour octet"
)


class DepositOut(Schema):
    id: int
    deliverable: str
    version: int
    file_name: str
    sha256: str
    size: int
    page_count: int
    annexes_start_page: int | None
    counted_pages: int | None = Field(description="Pages avant les annexes (mémoire)")
    receipt_sha256: str = Field(
        description="Empreinte SHA-256 de l'accusé conservé (vide : pas encore émis)"
    )
    deposited_at: datetime
    under_extension: bool


class OwedOut(Schema):
    session: str
    deliverable: str
    label: str
    block: str
    epreuve_date: date | None
    due_date: date | None = Field(description="Dernier jour accepté, prolongation comprise")
    open: bool
    max_size_mb: int
    deposits: list[DepositOut]


class SubjectIn(Schema):
    title: str
    problem: str
    outline: str


class SubjectOut(Schema):
    id: int
    candidate: str
    title: str
    problem: str
    outline: str
    status: str
    comment: str
    proposed_at: datetime
    reviewed_at: datetime | None
    revision: int


class ReviewIn(Schema):
    verdict: str = Field(description="approved, changes_requested ou refused")
    comment: str = ""


class MissingOut(Schema):
    candidate: str
    deliverable: str
    due_date: date | None
    late: bool


class ExtensionIn(Schema):
    until: date
    reason: str


class ExtensionOut(Schema):
    candidate: str
    session: str
    deliverable: str
    until: date
    reason: str


def _deposit(deposit: Deposit) -> dict[str, Any]:
    return fields_of(deposit, DepositOut, id=deposit.pk, file_name=deposit.original_name)


def _owed(item: Owed) -> dict[str, Any]:
    return fields_of(
        item,
        OwedOut,
        session=item.session.code,
        deliverable=item.code,
        due_date=item.last_day,
        open=item.is_open,
        deposits=[_deposit(d) for d in item.deposits],
    )


def _subject(subject: Subject) -> dict[str, Any]:
    return fields_of(subject, SubjectOut, id=subject.pk, candidate=subject.candidate.numero)


def _own(request: HttpRequest) -> Any:
    return or_404(own_candidate(request), "Votre compte n'est relié à aucun dossier de candidat.")


@on_own_file("GET /deliverables", {200: list[OwedOut]}, CANDIDATE, "Mes dépôts attendus")
def my_deliverables(request: HttpRequest) -> list[dict[str, Any]]:
    """Chaque livrable attendu dans mes sessions, sa date limite et ses versions déposées."""
    return [_owed(item) for item in everything_owed(_own(request))]


@router.post(
    "/me/sessions/{code}/deliverables/{deliverable}/deposits",
    response=responses({201: DepositOut}, 404, 409, 413),
    auth=access(Role.CANDIDATE),
    summary="Déposer un fichier",
    openapi_extra=PDF_BODY,
)
def deposit(
    request: HttpRequest,
    code: SessionCode,
    deliverable: Deliverable,
    file_name: Annotated[str, param.Query("document.pdf", max_length=255)] = "document.pdf",
    annexes_start_page: Annotated[int | None, param.Query(None, ge=1)] = None,
) -> tuple[int, dict[str, Any]]:
    """Le corps est le PDF lui-même. Une nouvelle version jusqu'à la date limite incluse ;
    `annexes_start_page` : la page où commencent les annexes du mémoire (absent : aucune)."""
    candidate = _own(request)
    session = session_by_code(code)
    item = or_404(
        owed_item(candidate, session, deliverable),
        f"Le livrable « {deliverable} » n'est pas attendu de vous dans la session {code}.",
    )
    limit = item.placed.deliverable.max_size_bytes
    length = str(request.META.get("CONTENT_LENGTH") or "0")
    if length.isdigit() and int(length) > limit:
        raise PayloadTooLarge(
            f"le fichier dépasse la taille maximale de {item.max_size_mb} Mo : il n'a pas été lu",
            headers={"Connection": "close"},
        )
    chunks = iter(lambda: request.read(CHUNK_SIZE), b"")
    data = form_data({"annexes_start_page": annexes_start_page})
    created = services.deposit_file(
        candidate,
        session,
        deliverable,
        chunks,
        shown_name=file_name,
        data=data,
        actor=user_of(request),
        receipt=receipt_pdf,
    )
    return 201, _deposit(created)


@router.get(
    "/deposits/{deposit_id}/file",
    response=responses({200: None}, 404),
    auth=access(*OPENERS),
    summary="Ouvrir un fichier déposé",
    openapi_extra=PDF_ANSWER,
)
def deposit_file(request: HttpRequest, deposit_id: Id) -> StreamingHttpResponse:
    """Ouvert au candidat, aux évaluateurs affectés à l'épreuve, au jury de la session et aux
    gestionnaires ; chaque ouverture est journalisée."""
    found, stream = services.open_deposit(deposit_id, actor=user_of(request))
    response = StreamingHttpResponse(stream, content_type="application/pdf")
    response["Content-Length"] = str(stream.size)
    response["Content-Disposition"] = attachment(
        f"{found.candidate.numero}-{found.session.code}-{found.deliverable}-v{found.version}.pdf"
    )
    return response


@router.get(
    "/deposits/{deposit_id}/receipt",
    response=responses({200: None}, 404),
    auth=access(Role.CANDIDATE, Role.STAFF),
    summary="Accusé de dépôt",
    openapi_extra=RECEIPT_ANSWER,
)
def deposit_receipt(request: HttpRequest, deposit_id: Id) -> StreamingHttpResponse:
    """Au candidat et aux gestionnaires : le PDF daté, avec l'empreinte SHA-256 du fichier,
    conservé depuis son émission (le même à chaque téléchargement)."""
    found, stream = services.open_receipt(deposit_id, actor=user_of(request), render=receipt_pdf)
    response = StreamingHttpResponse(stream, content_type="application/pdf")
    response["Content-Length"] = str(stream.size)
    response["Content-Disposition"] = attachment(
        f"accuse-{found.candidate.numero}-{found.session.code}-{found.deliverable}"
        f"-v{found.version}.pdf"
    )
    return response


@on_own_file("GET /subject", {200: SubjectOut}, CANDIDATE, "Mon sujet de mémoire")
def my_subject(request: HttpRequest) -> dict[str, Any]:
    subject = or_404(current_subject(_own(request)), "Vous n'avez proposé aucun sujet.")
    return _subject(subject)


@on_own_file("POST /subject", {201: SubjectOut}, CANDIDATE, "Proposer mon sujet de mémoire", 409)
def propose_subject(request: HttpRequest, payload: SubjectIn) -> tuple[int, dict[str, Any]]:
    """Un nouveau sujet, ou le sujet renvoyé par la Direction pédagogique, repris."""
    subject = services.propose_subject(
        _own(request), form_data(payload.dict()), actor=user_of(request)
    )
    return 201, _subject(subject)


@on_subjects("GET", {200: list[SubjectOut]}, (Role.PEDAGOGY, Role.STAFF), "Sujets de mémoire")
def subjects(request: HttpRequest) -> list[dict[str, Any]]:
    return [_subject(subject) for subject in all_subjects()]


@on_subjects(
    "POST /{subject_id}/review",
    {200: SubjectOut},
    (Role.PEDAGOGY,),
    "Examiner un sujet de mémoire",
    404,
    409,
    412,
    428,
)
def review_subject(
    request: HttpRequest,
    subject_id: Id,
    payload: ReviewIn,
    if_match: Annotated[str | None, Header(alias="If-Match")] = None,
) -> Any:
    """Valider, demander des modifications (avec un commentaire) ou refuser (avec un
    commentaire). `If-Match` : la révision lue (`revision`)."""
    revision = stated_version(if_match, "GET /subjects")
    data = form_data({**payload.dict(), "revision": revision})
    reviewed = services.review_subject(subject_id, data, actor=user_of(request))
    return _subject(reviewed)


@on_session(
    "GET /missing-deposits", {200: list[MissingOut]}, STAFF, "Dépôts manquants d'une session"
)
def missing(request: HttpRequest, code: SessionCode) -> list[dict[str, Any]]:
    return [
        {
            "candidate": row.candidate.numero,
            "deliverable": row.owed.code,
            "due_date": row.owed.last_day,
            "late": row.is_late,
        }
        for row in missing_deposits(session_by_code(code))
    ]


@on_session(
    "PUT /candidates/{numero}/extensions/{deliverable}",
    {200: ExtensionOut},
    STAFF,
    "Accorder une prolongation de dépôt",
)
def grant_extension(
    request: HttpRequest,
    code: SessionCode,
    numero: Numero,
    deliverable: Deliverable,
    payload: ExtensionIn,
) -> dict[str, Any]:
    session = session_by_code(code)
    extension = services.grant_extension(
        candidate_by_numero(numero),
        session,
        deliverable,
        form_data(payload.dict()),
        actor=user_of(request),
    )
    return fields_of(extension, ExtensionOut, candidate=numero, session=session.code)
