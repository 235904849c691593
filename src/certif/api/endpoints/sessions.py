"""Sessions, their enrolments, the evaluators assigned, and the decisions of their candidates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Header, Query, Router, Schema, Status

from certif.api.auth import access
from certif.api.endpoints.common import (
    ID_MAX,
    STAFF,
    Lang,
    Operations,
    SessionCode,
    etag,
    fields_of,
    listing,
    responses,
    session_by_code,
    stated_version,
    user_of,
)
from certif.api.endpoints.results import ResultOut, results_out
from certif.api.pagination import PageQuery, by_key, page_out
from certif.api.problems import Invalid, field_error
from certif.api.schemas import InputSchema
from certif.candidates.models import Candidate
from certif.core import errors
from certif.core.http import location
from certif.core.validation import as_form_data
from certif.domain.units import SittingRef, UnitRef, enrolment_units
from certif.grading.queries import unit_progress
from certif.referential.services import current_version
from certif.results.models import CandidateResult
from certif.results.queries import in_session
from certif.sessions import services, timetable
from certif.sessions.models import Assignment, Enrolment, ExamSession

router = Router(tags=["Sessions"])
reading_session = Operations(router, "/sessions/{code}", (404,))
# A change of a session, of its enrolments or its assignments may be refused by their rules.
on_session = Operations(router, "/sessions/{code}", (404, 409))
# Numeros one enrolment request may carry.
MAX_ENROLLED = 100_000


class SessionIn(InputSchema):
    code: str = Field(min_length=1, max_length=32, description="Par exemple 2026-06")
    title: str = Field("", max_length=255)
    start_date: date | None = None
    end_date: date | None = None
    place: str = Field("", max_length=255)
    referential_version: int | None = Field(
        None,
        ge=1,
        le=ID_MAX,
        description="Identifiant de la version du référentiel ; celle en vigueur si absent",
    )


class SessionPatch(InputSchema):
    code: str | None = Field(None, min_length=1, max_length=32)
    title: str | None = Field(None, max_length=255)
    start_date: date | None = None
    end_date: date | None = None
    place: str | None = Field(None, max_length=255)
    referential_version: int | None = Field(None, ge=1, le=ID_MAX)


class SessionOut(Schema):
    code: str
    title: str
    start_date: date | None
    end_date: date | None
    place: str
    referential_version: int
    created_at: datetime


class UnitProgressOut(Schema):
    unit: str = Field(description="« B1 », ou « B3 pme » pour une partie")
    block: str
    part: str
    enrolled: int
    first_marker: int
    second_marker: int
    sheets: int
    submitted: int


class SessionDetailOut(SessionOut):
    units: list[UnitProgressOut]


class UnitIn(InputSchema):
    block: str = Field(min_length=1, max_length=32, description="Code du bloc")
    part: str = Field("", max_length=32, description="Code de la partie, pour un bloc qui en a")


class EnrolIn(InputSchema):
    candidates: list[str] = Field(
        min_length=1, max_length=MAX_ENROLLED, description="Numéros des candidats"
    )
    units: list[UnitIn] = Field(min_length=1, description="Blocs ou parties")
    include_acquired: bool = Field(
        False,
        description="Inscrire aussi les candidats dont un jury a déjà validé le bloc (acquis à "
        "vie) ; sinon ils sont laissés de côté et nommés dans la réponse",
    )
    override_reason: str = Field(
        "",
        max_length=2000,
        description="Motif de dérogation, pour inscrire des candidats d'un organisme dont "
        "l'habilitation à préparer ne couvre pas le bloc à la date de la session",
    )


class EnrolOut(Schema):
    candidates: int
    created: int
    existing: int
    acquired: list[str] = Field(
        description="Numéros laissés de côté : bloc déjà validé par un jury"
    )


class EnrolmentOut(Schema):
    candidate: str
    block: str
    part: str
    created_at: datetime


class AssignIn(InputSchema):
    candidate: str = Field(min_length=1, max_length=32, description="Numéro du candidat")
    block: str = Field(min_length=1, max_length=32)
    part: str = Field("", max_length=32)
    evaluator: str = Field(min_length=1, max_length=150, description="Identifiant de connexion")
    marker: Literal[1, 2] = Field(1, description="1, ou 2 pour une double correction")


class AssignOut(Schema):
    created: int
    replaced: int
    unchanged: int


class AssignmentOut(Schema):
    id: int
    candidate: str
    block: str
    part: str
    evaluator: str
    marker: int
    assigned_at: datetime


def session_out(session: ExamSession) -> dict[str, Any]:
    return fields_of(session, SessionOut, referential_version=session.referential_version_id)


@listing(router, "/sessions", SessionOut, STAFF, "Les sessions")
def list_sessions(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    """Les sessions par ordre de code."""
    found = by_key(request, ExamSession.objects.all(), page, "code", str)
    return page_out([session_out(s) for s in found.rows], found.next, page)


@router.post(
    "/sessions",
    response=responses({201: SessionOut}, 409),
    auth=access(*STAFF),
    summary="Créer une session",
)
def post_session(request: HttpRequest, response: HttpResponse, payload: SessionIn) -> Status[Any]:
    """Une session d'évaluation, sur la version du référentiel indiquée (celle en vigueur par
    défaut)."""
    values = payload.model_dump()
    if values["referential_version"] is None:
        current = current_version()
        values["referential_version"] = current.pk if current is not None else None
    session = services.create_session(as_form_data(values), actor=user_of(request))
    response["Location"] = location(request.path, session.code)
    return Status(201, session_out(session))


@reading_session(
    "GET", {200: SessionDetailOut}, STAFF, "Une session et l'avancement de chaque unité"
)
def session_detail(request: HttpRequest, code: SessionCode) -> dict[str, Any]:
    """Par bloc (ou partie) : inscrits, correcteurs affectés, feuilles ouvertes et soumises."""
    session = session_by_code(code)
    return {
        **session_out(session),
        "units": [
            {
                "unit": unit.unit.label(session.referential_version.referential),
                "block": unit.unit[0],
                "part": unit.unit[1],
                "enrolled": unit.enrolled,
                "first_marker": unit.first_marker,
                "second_marker": unit.second_marker,
                "sheets": unit.sheets,
                "submitted": unit.submitted,
            }
            for unit in unit_progress(session)
        ],
    }


@on_session("PATCH", {200: SessionOut}, STAFF, "Modifier une session")
def patch_session(request: HttpRequest, code: SessionCode, payload: SessionPatch) -> dict[str, Any]:
    """Seuls les champs envoyés changent ; la version du référentiel ne change plus une fois
    qu'une inscription ou une feuille en dépend."""
    session = session_by_code(code)
    changes = as_form_data(payload.model_dump(exclude_unset=True))
    return session_out(services.update_session(session, changes, actor=user_of(request)))


# -- enrolments -------------------------------------------------------------------------------


@reading_session.listing("/enrolments", EnrolmentOut, STAFF, "Les inscriptions d'une session")
def list_enrolments(
    request: HttpRequest, code: SessionCode, page: Query[PageQuery]
) -> dict[str, Any]:
    """Une ligne par candidat et par unité (bloc, ou partie d'un bloc)."""
    session = session_by_code(code)
    rows = Enrolment.objects.filter(session=session).select_related("candidate", "block")
    found = by_key(request, rows, page, "id", int)
    items = [
        {
            "candidate": e.candidate.numero,
            "block": e.block.code,
            "part": e.part,
            "created_at": e.created_at,
        }
        for e in found.rows
    ]
    return page_out(items, found.next, page)


def _candidate_ids(numeros: list[str]) -> list[int]:
    """The ids of the numeros given, all or nothing: each unknown one named by its index."""
    wanted = list(dict.fromkeys(numero.strip() for numero in numeros))
    known: dict[str, int] = {}
    for start in range(0, len(wanted), 5000):
        chunk = wanted[start : start + 5000]
        known.update(Candidate.objects.filter(numero__in=chunk).values_list("numero", "pk"))
    unknown = [
        field_error(f"candidates[{index}]", "candidat inconnu", value=numero)
        for index, numero in enumerate(numeros)
        if numero.strip() not in known
    ]
    if unknown:
        raise Invalid(
            f"Rien n'a été inscrit : {len(unknown)} numéro(s) inconnu(s).",
            unknown,
            total=len(unknown),
        )
    return sorted(set(known.values()))


@on_session("POST /enrolments", {200: EnrolOut}, STAFF, "Inscrire des candidats")
def enrol_candidates(request: HttpRequest, code: SessionCode, payload: EnrolIn) -> Any:
    """Inscrit chaque candidat à chaque unité, tout ou rien ; une inscription déjà là reste
    telle quelle. Les unités viennent de la version du référentiel de la session."""
    session = session_by_code(code)
    ids = _candidate_ids(payload.candidates)
    units = [(unit.block, unit.part) for unit in payload.units]
    outcome = services.enrol(
        session,
        ids,
        units,
        actor=user_of(request),
        include_acquired=payload.include_acquired,
        override_reason=payload.override_reason,
    )
    return {
        "candidates": outcome.candidates,
        "created": outcome.created,
        "existing": outcome.existing,
        "acquired": list(outcome.acquired),
    }


@reading_session("GET /units", {200: list[UnitIn]}, STAFF, "Les unités où l'on s'inscrit")
def session_units(request: HttpRequest, code: SessionCode) -> list[dict[str, str]]:
    """Chaque bloc, ou chaque partie d'un bloc qui en a, selon la version de la session."""
    session = session_by_code(code)
    return [
        {"block": block, "part": part}
        for block, part in enrolment_units(session.referential_version.referential)
    ]


# -- assignments ------------------------------------------------------------------------------


@reading_session.listing(
    "/assignments", AssignmentOut, STAFF, "Les correcteurs affectés dans une session"
)
def list_assignments(
    request: HttpRequest, code: SessionCode, page: Query[PageQuery]
) -> dict[str, Any]:
    session = session_by_code(code)
    rows = Assignment.objects.filter(session=session).select_related(
        "candidate", "block", "evaluator"
    )
    found = by_key(request, rows, page, "id", int)
    return page_out([assignment_out(a) for a in found.rows], found.next, page)


def assignment_out(assignment: Assignment) -> dict[str, Any]:
    return fields_of(
        assignment,
        AssignmentOut,
        id=assignment.pk,
        candidate=assignment.candidate.numero,
        block=assignment.block.code,
        evaluator=assignment.evaluator.get_username(),
    )


@on_session("POST /assignments", {200: AssignOut}, STAFF, "Affecter un correcteur")
def assign(request: HttpRequest, code: SessionCode, payload: AssignIn) -> dict[str, int]:
    """Confie l'unité d'un candidat inscrit à un évaluateur (correcteur 1, ou 2 pour une double
    correction) ; refusé en cas de lien d'intérêt, ou si la même personne corrige deux fois."""
    session = session_by_code(code)
    data = {
        "candidat": payload.candidate,
        "unite": UnitRef(payload.block, payload.part).key,
        "evaluateur": payload.evaluator,
        "correcteur": payload.marker,
    }
    try:
        outcome = services.assign(session, data, actor=user_of(request))
    except errors.Invalid as error:
        raise error.renamed(ASSIGN_FIELDS) from None
    return {
        "created": outcome.created,
        "replaced": outcome.replaced,
        "unchanged": outcome.unchanged,
    }


# The assignment form's fields as this API names them.
ASSIGN_FIELDS = {
    "candidat": "candidate",
    "unite": "block",
    "evaluateur": "evaluator",
    "correcteur": "marker",
}


# -- results ----------------------------------------------------------------------------------


class SessionResultsQuery(Schema):
    lang: Lang = Field("fr", description="Langue des explications")


@reading_session.listing("/results", ResultOut, STAFF, "Les décisions des candidats d'une session")
def session_results(
    request: HttpRequest,
    code: SessionCode,
    options: Query[SessionResultsQuery],
    page: Query[PageQuery],
) -> dict[str, Any]:
    """La décision stockée de chaque candidat inscrit ou évalué dans la session, par ordre de
    numéro, avec ses explications."""
    session = session_by_code(code)
    population = Candidate.objects.filter(in_session(session)).values("pk")
    stored = CandidateResult.objects.filter(candidate_id__in=population).select_related("candidate")
    found = by_key(request, stored, page, "candidate__numero", str, lambda r: r.candidate.numero)
    return page_out(results_out(list(found.rows), options.lang), found.next, page)


# -- the timetable of the épreuves -------------------------------------------------------------


class SittingOut(Schema):
    block: str
    part: str
    modality: str = Field(
        description="Code de la modalité quand le bloc passe ses modalités à part (B4Me1) ; "
        "vide sinon"
    )
    label: str = Field(
        description="« B1 », « B3 — PME » pour une partie, « B4 — B4Me1 » pour une modalité"
    )
    starts_at: datetime | None = Field(description="Début de l'épreuve ; null : aucun horaire")
    room: str = Field(description="Salle ou adresse ; vide : le lieu de la session")


class TimetableOut(Schema):
    session: str
    epreuves: list[SittingOut]


class SittingIn(InputSchema):
    block: str = Field(min_length=1, max_length=32, description="Code du bloc")
    part: str = Field("", max_length=32, description="Code de la partie, pour un bloc qui en a")
    modality: str = Field(
        "",
        max_length=32,
        description="Code de la modalité, pour un bloc dont chaque modalité a son horaire (B4Me1)",
    )
    starts_at: datetime = Field(
        description="Début de l'épreuve ; sans décalage horaire, l'heure locale du certificateur"
    )
    room: str = Field("", max_length=timetable.ROOM_MAX, description="Salle ou adresse")


class TimetableIn(InputSchema):
    epreuves: list[SittingIn] = Field(
        max_length=200,
        description="Les épreuves qui ont un horaire ; une épreuve absente n'en a plus",
    )


TIMETABLE_ETAG = {
    "headers": {
        "ETag": {
            "description": "L'état de l'horaire, à renvoyer dans If-Match",
            "schema": {"type": "string"},
        }
    }
}
on_timetable = Operations(
    router, "/sessions/{code}/timetable", (404,), {"responses": {200: TIMETABLE_ETAG}}
)


def _timetable_out(response: HttpResponse, current: timetable.Timetable) -> dict[str, Any]:
    response["ETag"] = etag(current.fingerprint)
    return {
        "session": current.session.code,
        "epreuves": [
            {
                "block": row.unit.block,
                "part": row.unit.part,
                "modality": row.modality,
                "label": row.label,
                "starts_at": row.slot.starts_at if row.slot is not None else None,
                "room": row.slot.room if row.slot is not None else "",
            }
            for row in current.rows
        ],
    }


def _slots(epreuves: list[SittingIn]) -> dict[SittingRef, timetable.Slot]:
    slots: dict[SittingRef, timetable.Slot] = {}
    duplicated = []
    for index, epreuve in enumerate(epreuves):
        sitting = SittingRef(UnitRef(epreuve.block, epreuve.part), epreuve.modality)
        if sitting in slots:
            duplicated.append(
                field_error(f"epreuves[{index}]", "épreuve en double", value=sitting.key)
            )
        starts = epreuve.starts_at
        if timezone.is_naive(starts):
            starts = timezone.make_aware(starts)
        slots[sitting] = timetable.Slot(starts, epreuve.room)
    if duplicated:
        raise Invalid("Rien n'a été enregistré : une épreuve figure deux fois.", duplicated)
    return slots


@on_timetable("GET", {200: TimetableOut}, STAFF, "L'horaire des épreuves")
def get_timetable(request: HttpRequest, response: HttpResponse, code: SessionCode) -> Any:
    """Chaque épreuve de la session, dans l'ordre du référentiel, avec son début et sa salle
    tels que les convocations les impriment ; l'`ETag` est à renvoyer pour le modifier."""
    return _timetable_out(response, timetable.timetable(session_by_code(code)))


@on_timetable("PUT", {200: TimetableOut}, STAFF, "Fixer l'horaire des épreuves", 412, 428)
def put_timetable(
    request: HttpRequest,
    response: HttpResponse,
    code: SessionCode,
    payload: TimetableIn,
    if_match: Annotated[
        str | None,
        Header(
            None,
            alias="If-Match",
            max_length=200,
            description="L'ETag lu avec GET …/timetable : obligatoire.",
        ),
    ] = None,
) -> Any:
    """L'horaire entier, tout ou rien : chaque épreuve dans les dates de la session ; une
    épreuve absente n'a plus d'horaire (sa convocation donne les dates et le lieu de la
    session). Les convocations déjà délivrées gardent ce qu'elles ont imprimé."""
    session = session_by_code(code)
    stated = stated_version(if_match, "GET /sessions/{code}/timetable")
    saved = timetable.set_timetable(
        session, _slots(payload.epreuves), user_of(request), expected=stated
    )
    return _timetable_out(response, saved.timetable)
