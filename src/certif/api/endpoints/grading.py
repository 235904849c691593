"""Score sheets: an evaluator's own (open, read, write, submit), a gestionnaire's reading and
reopening, and the bulk upsert of scores through the file importer's pipeline.

Writing a sheet is guarded as on the web: ``GET`` gives the sheet's revision as its ``ETag``,
``PUT`` must state it in ``If-Match`` (428 without it, 412 when the sheet has changed since):
two clients never overwrite each other's values without knowing it.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.params import functions as param
from pydantic import PlainValidator, WithJsonSchema

from certif.accounts.roles import Role, has_role
from certif.api.auth import access
from certif.api.endpoints.common import ID_MAX, responses, user_of
from certif.api.pagination import PageQuery, by_key
from certif.api.problems import (
    Forbidden,
    Invalid,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    field_error,
    rejected,
)
from certif.api.schemas import InputSchema, Page
from certif.domain.numbers import format_quantity, score_to_string
from certif.domain.referential.schema import Criterion as CriterionSpec
from certif.domain.referential.schema import CriterionKind
from certif.domain.values import Value, ValueRejected, expected_form, parse_value
from certif.grading.models import Assignment, Marking, ScoreSheet
from certif.grading.services import (
    StaleSheet,
    Unit,
    assignments_of,
    block_spec,
    in_state,
    markers_of,
    open_sheet,
    preview,
    reopen_sheet,
    save_sheet,
    sheet_comments,
    sheet_state,
    sheet_values,
    submit_sheet,
)
from certif.imports.reading import FileRejected
from certif.imports.scores import import_scores_frame, rows_frame

router = Router(tags=["Feuilles et notes"])
MAX_BULK_ROWS = 200_000
COMMENT_MAX = 5000
VALUE_MAX_LENGTH = 32
# A count is stored in a 32-bit integer: at most 9 digits, as the file importer admits.
COUNT_MAX_DIGITS = 9


# -- values -----------------------------------------------------------------------------------


def _exact(value: Any) -> Any:
    # A JSON number with a fraction arrives as a float, which cannot say 2.15 exactly: refused.
    if isinstance(value, str) and len(value) > VALUE_MAX_LENGTH:
        raise ValueError(f"trop long : {VALUE_MAX_LENGTH} caractères au plus")
    if value is None or isinstance(value, str | int):
        return value
    raise ValueError(
        "attendu une chaîne (« 2,5 », « 2.5 », « oui »), un entier ou un booléen ; jamais un "
        "nombre à virgule"
    )


InputValue = Annotated[
    str | int | bool | None,
    PlainValidator(_exact),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "maxLength": VALUE_MAX_LENGTH},
                {"type": "integer"},
                {"type": "boolean"},
                {"type": "null"},
            ],
            "description": "Points en chaîne (« 2.5 », « 2,5 ») ou en entier, oui/non en booléen "
            "(ou « oui », « non »), nombre entier ; null efface la valeur.",
        }
    ),
]
StoredValue = Annotated[
    str | bool | int,
    WithJsonSchema(
        {
            "anyOf": [{"type": "string"}, {"type": "boolean"}, {"type": "integer"}],
            "description": "Points en chaîne à deux décimales (« 2.50 »), oui/non en booléen, "
            "nombre entier en entier.",
        }
    ),
]


def parse_input(criterion: CriterionSpec, given: str | int | bool | None) -> Value | None:
    """What a program sent for a criterion, through the grid's own parser (none: cleared)."""
    if given is None:
        return None
    if isinstance(given, bool):
        if criterion.kind == CriterionKind.YES_NO:
            return given
        raise ValueRejected(f"« {str(given).lower()} » : attendu {expected_form(criterion)}")
    text = str(given)
    if not text.strip():
        return None
    if criterion.kind == CriterionKind.INTEGER and len(text.strip()) > COUNT_MAX_DIGITS:
        raise ValueRejected(f"« {text} » : nombre trop grand ({COUNT_MAX_DIGITS} chiffres au plus)")
    return parse_value(criterion, text)


def output_value(value: Value) -> str | bool | int:
    if isinstance(value, bool | int):
        return value
    return f"{value:.2f}"


# -- shapes -----------------------------------------------------------------------------------


class CriterionOut(Schema):
    code: str
    printed_code: str
    kind: Literal["points", "yes_no", "integer"]
    max_points: str | None


class PreviewOut(Schema):
    status: str = Field(description="validated, not_validated ou incomplete")
    complete: bool
    missing: list[str]
    running: str | None = Field(None, description="Note en cours, sur out_of")
    out_of: str | None = None
    threshold: str | None = None


class SheetOut(Schema):
    id: int
    session: str
    candidate: str
    block: str
    part: str
    marking: str
    status: Literal["draft", "submitted"]
    revision: int
    evaluator: str | None
    submitted_at: datetime | None
    criteria: list[CriterionOut]
    values: dict[str, StoredValue]
    comments: dict[str, str]
    preview: PreviewOut


class SheetIn(InputSchema):
    values: dict[str, InputValue] = Field(
        description="Chaque critère de la feuille ; un critère absent ou null est effacé."
    )
    comments: dict[str, Annotated[str, Field(max_length=COMMENT_MAX)]] = Field(
        default_factory=dict, description="Commentaire par critère (avec une valeur)"
    )


class ReopenIn(InputSchema):
    reason: str = Field(min_length=1, max_length=COMMENT_MAX, description="Motif, gardé au journal")


class AssignmentMineOut(Schema):
    id: int
    session: str
    candidate: str
    block: str
    part: str
    marker: int
    markers: int
    state: Literal["todo", "draft", "submitted"]
    sheet: int | None = Field(None, description="Identifiant de la feuille, une fois ouverte")


class MineQuery(Schema):
    session: str = Field("", max_length=32, description="Code d'une session")
    state: Literal["", "todo", "draft", "submitted"] = ""


class SheetsQuery(Schema):
    session: str = Field("", max_length=32, description="Code d'une session")
    candidate: str = Field("", max_length=32, description="Numéro d'un candidat")
    status: Literal["", "draft", "submitted"] = ""


class ScoreRowIn(InputSchema):
    candidat: str = Field(max_length=32)
    session: str = Field(max_length=64)
    bloc: str = Field(max_length=32)
    partie: str = Field("", max_length=32)
    critere: str = Field(max_length=32)
    valeur: Annotated[str | int | bool, PlainValidator(_exact)] = Field(
        json_schema_extra={
            "anyOf": [
                {"type": "string", "maxLength": VALUE_MAX_LENGTH},
                {"type": "integer"},
                {"type": "boolean"},
            ]
        }
    )
    evaluateur: str = Field("", max_length=150)


class BulkScoresIn(InputSchema):
    rows: list[ScoreRowIn] = Field(min_length=1, max_length=MAX_BULK_ROWS)
    replace: bool = Field(
        False, description="Remplacer une valeur déjà enregistrée (sinon : refusé)"
    )


class BulkReportOut(Schema):
    rows: int
    created: int
    replaced: int
    unchanged: int
    sheets_created: int
    sessions_created: list[str]
    candidates_recomputed: int
    batch: int | None


# -- helpers ----------------------------------------------------------------------------------


def etag(sheet: ScoreSheet) -> str:
    return f'"{sheet.revision}"'


def _sheet(sheet_id: int) -> ScoreSheet:
    sheet = (
        ScoreSheet.objects.select_related(
            "session__referential_version", "candidate", "block", "evaluator"
        )
        .filter(pk=sheet_id)
        .first()
    )
    if sheet is None:
        raise NotFound(f"Aucune feuille n'a l'identifiant {sheet_id}.")
    return sheet


def _graded_by(user: Any, sheet: ScoreSheet) -> bool:
    """The evaluator's own sheet, of a unit still assigned to them."""
    return (
        has_role(user, Role.EVALUATOR)
        and sheet.marking != Marking.AGREED
        and sheet.evaluator_id == user.pk
        and Assignment.objects.filter(**Unit.of(sheet).lookup(), evaluator_id=user.pk).exists()
    )


def _readable(request: HttpRequest, sheet_id: int) -> ScoreSheet:
    sheet = _sheet(sheet_id)
    user = user_of(request)
    if not has_role(user, Role.STAFF) and not _graded_by(user, sheet):
        raise Forbidden("Cette feuille n'est pas l'une des vôtres.")
    return sheet


def _writable(request: HttpRequest, sheet_id: int) -> ScoreSheet:
    sheet = _sheet(sheet_id)
    if not _graded_by(user_of(request), sheet):
        raise Forbidden(
            "Seul l'évaluateur à qui la feuille est confiée la remplit ; un gestionnaire la "
            "rouvre ou corrige les notes par un import."
        )
    return sheet


def sheet_out(sheet: ScoreSheet, response: HttpResponse | None = None) -> SheetOut:
    spec = block_spec(sheet.session, sheet.block.code)
    given = sheet_values(sheet)
    result = preview(sheet.session, spec.code, sheet.part, given)
    if response is not None:
        response["ETag"] = etag(sheet)
    return SheetOut(
        id=sheet.pk,
        session=sheet.session.code,
        candidate=sheet.candidate.numero,
        block=sheet.block.code,
        part=sheet.part,
        marking=sheet.marking,
        status=sheet.status,  # type: ignore[arg-type]
        revision=sheet.revision,
        evaluator=sheet.evaluator.get_username() if sheet.evaluator is not None else None,
        submitted_at=sheet.submitted_at,
        criteria=[
            CriterionOut(
                code=c.code,
                printed_code=c.code_as_printed,
                kind=c.kind.value,
                max_points=format_quantity(c.max_points, ".") if c.max_points is not None else None,
            )
            for c in spec.criteria
        ],
        values={code: output_value(value) for code, value in given.items()},
        comments=sheet_comments(sheet),
        preview=PreviewOut(
            status=result.status.value,
            complete=result.complete,
            missing=list(result.missing),
            running=score_to_string(result.running),
            out_of=format_quantity(result.out_of, ".") if result.out_of is not None else None,
            threshold=(
                format_quantity(result.threshold, ".") if result.threshold is not None else None
            ),
        ),
    )


def expected_revision(sheet: ScoreSheet, if_match: str | None) -> int:
    """The revision ``If-Match`` states: 428 without one, 412 when it is not the current one."""
    if if_match is None or not if_match.strip():
        raise PreconditionRequired(
            "Indiquez dans « If-Match » l'ETag de la feuille telle que vous l'avez lue "
            "(GET /sheets/{id}) : sans lui, une modification faite entre-temps serait écrasée.",
            [field_error("If-Match", "en-tête obligatoire", "header")],
        )
    tags = [tag.strip() for tag in if_match.split(",")]
    if "*" in tags:
        raise PreconditionRequired(
            "« If-Match: * » ne protège de rien : indiquez l'ETag de la feuille lue.",
            [field_error("If-Match", "ETag de la feuille attendu", "header", if_match)],
        )
    if etag(sheet) not in tags and str(sheet.revision) not in tags:
        raise stale(sheet, if_match)
    return sheet.revision


def stale(sheet: ScoreSheet, stated: str) -> PreconditionFailed:
    current = ScoreSheet.objects.only("revision").get(pk=sheet.pk)
    return PreconditionFailed(
        f"La feuille a été modifiée entre-temps (révision {current.revision}, vous aviez "
        f"{stated}) : relisez-la avant de l'enregistrer.",
        [field_error("If-Match", "ETag périmé", "header", stated)],
        headers={"ETag": f'"{current.revision}"'},
        current_revision=current.revision,
    )


def parsed_values(
    sheet: ScoreSheet, payload: SheetIn
) -> tuple[dict[str, Value | None], dict[str, str]]:
    """Every criterion of the sheet's block, parsed as the grid parses it; 422 names each
    criterion refused."""
    spec = block_spec(sheet.session, sheet.block.code)
    known = {c.code: c for c in spec.criteria}
    errors = [
        field_error(f"values.{code}", f"critère inconnu du bloc {spec.code}", value=code)
        for code in payload.values
        if code not in known
    ]
    errors += [
        field_error(f"comments.{code}", f"critère inconnu du bloc {spec.code}", value=code)
        for code in payload.comments
        if code not in known
    ]
    entered: dict[str, Value | None] = {}
    for code, criterion in known.items():
        given = payload.values.get(code)
        try:
            entered[code] = parse_input(criterion, given)
        except ValueRejected as error:
            errors.append(field_error(f"values.{code}", str(error), value=given))
    comments = {code: (payload.comments.get(code) or "").strip() for code in known}
    errors += [
        field_error(
            f"comments.{code}",
            "un commentaire s'enregistre avec une valeur : donnez la valeur ou videz le "
            "commentaire",
        )
        for code, comment in comments.items()
        if comment and code in entered and entered[code] is None
    ]
    if errors:
        raise Invalid(
            "Rien n'a été enregistré : "
            + " ; ".join(f"{e.field} : {e.message}" for e in errors[:3]),
            errors,
        )
    return entered, comments


IfMatch = Annotated[
    str | None,
    param.Header(
        None,
        alias="If-Match",
        max_length=200,
        description='L\'ETag de la feuille lue (« "3" ») : obligatoire.',
    ),
]
SheetId = Annotated[int, param.Path(..., ge=1, le=ID_MAX, description="Identifiant de la feuille")]
ETAG_HEADER = {
    "headers": {
        "ETag": {
            "description": "La révision de la feuille, à renvoyer dans If-Match",
            "schema": {"type": "string"},
        }
    }
}


def _with_etag(*statuses: int) -> dict[str, Any]:
    return {"responses": {status: ETAG_HEADER for status in statuses}}


# -- an evaluator's assignments ---------------------------------------------------------------


@router.get(
    "/assignments/mine",
    response=responses({200: Page[AssignmentMineOut]}),
    auth=access(Role.EVALUATOR),
    summary="Mes unités à évaluer",
)
def my_assignments(
    request: HttpRequest, filters: Query[MineQuery], page: Query[PageQuery]
) -> dict[str, Any]:
    """Les unités confiées à l'évaluateur, avec l'état de sa feuille (todo : pas encore
    ouverte) et son identifiant une fois ouverte."""
    mine = assignments_of(user_of(request))
    if filters.session:
        mine = mine.filter(session__code=filters.session)
    if filters.state:
        mine = in_state(mine, filters.state)
    found = by_key(request, mine, page, "id", int)
    own = {
        (s.session_id, s.candidate_id, s.block_id, s.part): s.pk
        for s in ScoreSheet.objects.filter(
            evaluator_id=user_of(request).pk,
            candidate_id__in={a.candidate_id for a in found.rows},
        ).exclude(marking=Marking.AGREED)
    }
    items = [
        {
            "id": a.pk,
            "session": a.session.code,
            "candidate": a.candidate.numero,
            "block": a.block.code,
            "part": a.part,
            "marker": a.marker,
            "markers": markers_of(a),
            "state": sheet_state(a) or "todo",
            "sheet": own.get((a.session_id, a.candidate_id, a.block_id, a.part)),
        }
        for a in found.rows
    ]
    return {"items": items, "next": found.next, "limit": page.limit}


@router.post(
    "/assignments/{assignment_id}/sheet",
    response=responses({200: SheetOut}, 404, 409),
    auth=access(Role.EVALUATOR),
    summary="Ouvrir ma feuille",
    openapi_extra=_with_etag(200),
)
def open_my_sheet(
    request: HttpRequest,
    response: HttpResponse,
    assignment_id: Annotated[int, param.Path(..., ge=1, le=ID_MAX)],
) -> SheetOut:
    """La feuille de l'évaluateur pour cette unité, créée à la première ouverture (refusée en
    cas de lien d'intérêt déclaré)."""
    assignment = Assignment.objects.filter(pk=assignment_id).first()
    if assignment is None:
        raise NotFound(f"Aucune affectation n'a l'identifiant {assignment_id}.")
    if assignment.evaluator_id != user_of(request).pk:
        raise Forbidden("Cette unité est confiée à un autre évaluateur.")
    sheet = open_sheet(assignment, actor=user_of(request))
    return sheet_out(_sheet(sheet.pk), response)


# -- sheets -----------------------------------------------------------------------------------


@router.get(
    "/sheets",
    response=responses({200: Page[SheetOut]}),
    auth=access(Role.STAFF),
    summary="Les feuilles d'évaluation",
)
def list_sheets(
    request: HttpRequest, filters: Query[SheetsQuery], page: Query[PageQuery]
) -> dict[str, Any]:
    """Toutes les feuilles (filtrées par session, candidat, état), avec leurs valeurs."""
    sheets = ScoreSheet.objects.select_related(
        "session__referential_version", "candidate", "block", "evaluator"
    )
    if filters.session:
        sheets = sheets.filter(session__code=filters.session)
    if filters.candidate:
        sheets = sheets.filter(candidate__numero=filters.candidate)
    if filters.status:
        sheets = sheets.filter(status=filters.status)
    found = by_key(request, sheets, page, "id", int)
    return {"items": [sheet_out(s) for s in found.rows], "next": found.next, "limit": page.limit}


@router.get(
    "/sheets/{sheet_id}",
    response=responses({200: SheetOut}, 404),
    auth=access(Role.STAFF, Role.EVALUATOR),
    summary="Une feuille d'évaluation",
    openapi_extra=_with_etag(200),
)
def get_sheet(request: HttpRequest, response: HttpResponse, sheet_id: SheetId) -> SheetOut:
    """Valeurs, état et révision ; l'en-tête `ETag` est la révision, à renvoyer dans
    `If-Match` pour écrire. Un évaluateur ne lit que ses feuilles."""
    return sheet_out(_readable(request, sheet_id), response)


@router.put(
    "/sheets/{sheet_id}",
    response=responses({200: SheetOut}, 404, 409, 412, 428),
    auth=access(Role.EVALUATOR),
    summary="Enregistrer les valeurs de ma feuille",
    openapi_extra=_with_etag(200, 412),
)
def put_sheet(
    request: HttpRequest,
    response: HttpResponse,
    sheet_id: SheetId,
    payload: SheetIn,
    if_match: IfMatch = None,
) -> SheetOut:
    """Remplace toutes les valeurs de la feuille (un critère absent est effacé), comme la grille
    en ligne : brouillon seulement, par son évaluateur, avec `If-Match`."""
    sheet = _writable(request, sheet_id)
    revision = expected_revision(sheet, if_match)
    entered, comments = parsed_values(sheet, payload)
    try:
        save_sheet(
            sheet.pk,
            entered,
            actor=user_of(request),
            expected_revision=revision,
            comments=comments,
        )
    except StaleSheet:
        raise stale(sheet, if_match or "") from None
    return sheet_out(_sheet(sheet.pk), response)


@router.post(
    "/sheets/{sheet_id}/submit",
    response=responses({200: SheetOut}, 404, 409, 412, 428),
    auth=access(Role.EVALUATOR),
    summary="Soumettre ma feuille",
    openapi_extra=_with_etag(200, 412),
)
def submit(
    request: HttpRequest, response: HttpResponse, sheet_id: SheetId, if_match: IfMatch = None
) -> SheetOut:
    """Soumet la feuille telle qu'elle est enregistrée (révision dans `If-Match`) ; refusé si un
    critère est sans valeur. Une feuille soumise est verrouillée."""
    sheet = _writable(request, sheet_id)
    revision = expected_revision(sheet, if_match)
    try:
        submit_sheet(sheet.pk, user_of(request), revision)
    except StaleSheet:
        raise stale(sheet, if_match or "") from None
    return sheet_out(_sheet(sheet.pk), response)


@router.post(
    "/sheets/{sheet_id}/reopen",
    response=responses({200: SheetOut}, 404, 409),
    auth=access(Role.STAFF),
    summary="Rouvrir une feuille soumise",
    openapi_extra=_with_etag(200),
)
def reopen(
    request: HttpRequest, response: HttpResponse, sheet_id: SheetId, payload: ReopenIn
) -> SheetOut:
    """Un gestionnaire rouvre une feuille soumise ; le motif est gardé au journal."""
    sheet = _sheet(sheet_id)
    reopen_sheet(sheet.pk, user_of(request), payload.reason)
    return sheet_out(_sheet(sheet.pk), response)


# -- bulk scores ------------------------------------------------------------------------------


def _as_text(value: str | int | bool) -> str:
    if isinstance(value, bool):
        return "oui" if value else "non"
    return str(value)


@router.post(
    "/scores:bulk",
    response=responses({200: BulkReportOut}, 413),
    auth=access(Role.STAFF),
    summary="Envoyer des notes en lot",
)
def bulk_scores(request: HttpRequest, payload: BulkScoresIn) -> dict[str, Any]:
    """Les lignes d'un fichier de notes (`certif import scores`), vérifiées comme lui, tout ou
    rien : à la moindre erreur rien n'est écrit, et chaque erreur nomme sa ligne (`rows[i]`, à
    partir de 0) et son champ. Une session inconnue est créée sur la version en vigueur ; les
    décisions des candidats concernés sont recalculées."""
    frame = rows_frame(
        [{**row.model_dump(), "valeur": _as_text(row.valeur)} for row in payload.rows]
    )
    try:
        report = import_scores_frame(
            frame,
            "API v1 — scores:bulk",
            sha256=hashlib.sha256(request.body).hexdigest(),
            replace=payload.replace,
            actor=user_of(request),
        )
    except FileRejected as refused:
        problem = rejected(refused)
        for error in problem.errors:
            error.message = error.message.replace(
                "utilisez --replace pour la remplacer",
                "envoyez « replace »: true pour la remplacer",
            )
        raise problem from None
    return {
        "rows": report.rows,
        "created": report.created,
        "replaced": report.replaced,
        "unchanged": report.unchanged,
        "sheets_created": report.sheets_created,
        "sessions_created": report.sessions_created,
        "candidates_recomputed": report.candidates_recomputed,
        "batch": report.batch_id,
    }
