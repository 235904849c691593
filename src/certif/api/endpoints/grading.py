"""Score sheets: an evaluator's own (open, read, write, submit), a gestionnaire's reading and
reopening, double-marking reconciliation, and the bulk upsert of scores through the file
importer's pipeline.

Writing a sheet is guarded as on the web: ``GET`` gives the sheet's revision as its ``ETag``,
``PUT`` must state it in ``If-Match`` (428 without it, 412 when the sheet has changed since):
two clients never overwrite each other's values without knowing it. The agreed sheet of a
double-marked unit is guarded the same way, its ETag given by the comparison (``"0"`` before
it exists).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode

from django.contrib.auth import get_user_model
from django.db.models import Exists
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Path, Query, Router, Schema
from ninja.params import functions as param
from pydantic import PlainValidator, WithJsonSchema

from certif.api.auth import access
from certif.api.endpoints.common import (
    ID_MAX,
    STAFF,
    Numero,
    Operations,
    SessionCode,
    candidate_by_numero,
    etag,
    listing,
    or_404,
    responses,
    session_by_code,
    stated_version,
    user_of,
)
from certif.api.pagination import PageQuery, by_key, narrowed, page_out
from certif.api.problems import (
    Forbidden,
    Invalid,
    Refused,
    field_error,
    rejected,
)
from certif.api.schemas import InputSchema
from certif.candidates.models import Candidate
from certif.core.roles import Role, has_role
from certif.domain.numbers import format_quantity, score_to_string
from certif.domain.referential.schema import Block as BlockSpec
from certif.domain.referential.schema import Criterion as CriterionSpec
from certif.domain.rules.engine import SheetPreview
from certif.domain.values import Value
from certif.grading import services
from certif.grading.forms import grid_data
from certif.grading.models import Marking, ScoreSheet, SheetStatus
from certif.grading.policies import may_read_sheet, may_write_sheet
from certif.grading.queries import (
    Comparison,
    SheetContents,
    assignments_of,
    compare,
    describe_pending,
    in_state,
    markers_of,
    pending_first_sheets,
    sheet_state,
    sheets_contents,
    unit_sheets,
)
from certif.imports.reading import FileRejected
from certif.imports.scores import import_scores_frame, rows_frame
from certif.referential.models import Block
from certif.sessions.models import Assignment, ExamSession
from certif.sessions.queries import outer_unit

router = Router(tags=["Feuilles et notes"])
MAX_BULK_ROWS = 200_000
COMMENT_MAX = 5000
VALUE_MAX_LENGTH = 32


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
    create_sessions: bool = Field(
        False,
        description="Créer, sur la version en vigueur, les sessions inconnues que les lignes "
        "nomment (sinon : chaque ligne d'une session inconnue est refusée)",
    )
    include_validated: bool = Field(
        False,
        description="Inscrire aussi un candidat à un bloc qu'un jury lui a déjà validé (sinon : "
        "ses lignes qui l'y inscriraient sont laissées de côté, nommées dans `left_out`)",
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
    left_out: list[str] = Field(description="Candidats laissés de côté : bloc déjà validé")


class ReconciliationsQuery(Schema):
    session: str = Field("", max_length=32, description="Code d'une session")


class ReconciliationOut(Schema):
    session: str
    candidate: str
    block: str
    part: str
    first_evaluator: str | None = Field(description="Correcteur 1 (identifiant de connexion)")
    second_evaluator: str | None = Field(description="Correcteur 2 (identifiant de connexion)")
    largest_gap: str | None = Field(
        None, description="Plus grand écart en points entre les deux corrections (« 1.50 »)"
    )
    flagged: int = Field(description="Critères signalés : écart au-delà du seuil, ou désaccord")
    comparison: str = Field(description="Adresse de la comparaison des deux corrections")


class UnitQuery(Schema):
    part: str = Field("", max_length=32, description="Code de la partie, pour un bloc qui en a")


class GapOut(CriterionOut):
    first: StoredValue | None = Field(description="Valeur du correcteur 1")
    second: StoredValue | None = Field(description="Valeur du correcteur 2")
    gap: str | None = Field(None, description="Écart en points (« 1.50 »), critère en points")
    flagged: bool = Field(description="Écart au-delà du seuil, ou désaccord : à examiner")


class MarkingOut(Schema):
    evaluator: str | None
    submitted_at: datetime | None
    preview: PreviewOut


class AgreedOut(Schema):
    id: int
    status: Literal["draft", "submitted"]
    revision: int
    values: dict[str, StoredValue]
    preview: PreviewOut


class ComparisonOut(Schema):
    session: str
    candidate: str
    block: str
    part: str
    threshold: str = Field(description="Écart en points au-delà duquel un critère est signalé")
    criteria: list[GapOut]
    first: MarkingOut = Field(description="La correction du correcteur 1, soumise")
    second: MarkingOut = Field(description="La correction du correcteur 2, soumise")
    agreed: AgreedOut | None = Field(
        None, description="La correction concertée (celle qui compte), une fois enregistrée"
    )


class AgreedIn(InputSchema):
    values: dict[str, InputValue] = Field(
        description="Chaque critère du bloc, à la valeur arrêtée ensemble : tous sont exigés."
    )
    reason: str = Field(
        "",
        max_length=COMMENT_MAX,
        description="Observations du rapprochement, gardées dans l'historique de chaque valeur",
    )


# -- helpers ----------------------------------------------------------------------------------


def _sheet(sheet_id: int) -> ScoreSheet:
    return or_404(
        ScoreSheet.objects.select_related(
            "session__referential_version", "candidate", "block", "evaluator"
        )
        .filter(pk=sheet_id)
        .first(),
        f"Aucune feuille n'a l'identifiant {sheet_id}.",
    )


def _readable(request: HttpRequest, sheet_id: int) -> ScoreSheet:
    sheet = _sheet(sheet_id)
    if not may_read_sheet(user_of(request), sheet):
        raise Forbidden("Cette feuille n'est pas l'une des vôtres.")
    return sheet


def _writable(request: HttpRequest, sheet_id: int) -> ScoreSheet:
    """The sheet, refused before anything else is read when the caller may not write it."""
    sheet = _sheet(sheet_id)
    if not may_write_sheet(user_of(request), sheet):
        raise Forbidden(services.WRITE_REFUSED)
    return sheet


def sheet_out(
    sheet: ScoreSheet,
    response: HttpResponse | None = None,
    contents: SheetContents | None = None,
) -> SheetOut:
    """The sheet as the API gives it; ``contents`` when a list has read them all at once."""
    spec = services.block_spec(sheet.session, sheet.block.code)
    contents = contents or sheets_contents([sheet.pk])[sheet.pk]
    given = contents.values
    result = services.preview(sheet.session, spec.code, sheet.part, given)
    if response is not None:
        response["ETag"] = etag(sheet.revision)
    return SheetOut(
        id=sheet.pk,
        session=sheet.session.code,
        candidate=sheet.candidate.numero,
        block=sheet.block.code,
        part=sheet.part,
        marking=sheet.marking,
        status=status_of(sheet),
        revision=sheet.revision,
        evaluator=sheet.evaluator.get_username() if sheet.evaluator is not None else None,
        submitted_at=sheet.submitted_at,
        criteria=[CriterionOut(**criterion_fields(c)) for c in spec.criteria],
        values={code: output_value(value) for code, value in given.items()},
        comments=contents.comments,
        preview=preview_out(result),
    )


def status_of(sheet: ScoreSheet) -> Literal["draft", "submitted"]:
    return "submitted" if sheet.status == SheetStatus.SUBMITTED else "draft"


def criterion_fields(criterion: CriterionSpec) -> dict[str, Any]:
    return {
        "code": criterion.code,
        "printed_code": criterion.code_as_printed,
        "kind": criterion.kind.value,
        "max_points": (
            format_quantity(criterion.max_points, ".") if criterion.max_points is not None else None
        ),
    }


def preview_out(result: SheetPreview) -> PreviewOut:
    return PreviewOut(
        status=result.status.value,
        complete=result.complete,
        missing=list(result.missing),
        running=score_to_string(result.running),
        out_of=format_quantity(result.out_of, ".") if result.out_of is not None else None,
        threshold=format_quantity(result.threshold, ".") if result.threshold is not None else None,
    )


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


EVALUATORS = (Role.EVALUATOR,)
READERS = (Role.STAFF, Role.EVALUATOR)
UNIT = "/sessions/{code}/candidates/{numero}/blocks/{block}"
# Every answer about a sheet carries its revision as ETag, to send back in If-Match to write it.
on_sheet = Operations(router, "/sheets/{sheet_id}", (404,), _with_etag(200))
on_unit = Operations(router, UNIT, (404, 409), _with_etag(200))
# A write stating the revision it read: 428 without If-Match, 412 (with the current ETag) when
# someone else wrote since.
writing_sheet = Operations(router, "/sheets/{sheet_id}", (404, 409, 412, 428), _with_etag(200, 412))
writing_unit = Operations(router, UNIT, (404, 409, 412, 428), _with_etag(200, 412))


# -- an evaluator's assignments ---------------------------------------------------------------


@listing(router, "/assignments/mine", AssignmentMineOut, EVALUATORS, "Mes unités à évaluer")
def my_assignments(
    request: HttpRequest, filters: Query[MineQuery], page: Query[PageQuery]
) -> dict[str, Any]:
    """Les unités confiées à l'évaluateur, avec l'état de sa feuille (todo : pas encore
    ouverte) et son identifiant une fois ouverte."""
    mine = narrowed(assignments_of(user_of(request)), session__code=filters.session)
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
    return page_out(items, found.next, page)


@router.post(
    "/assignments/{assignment_id}/sheet",
    response=responses({200: SheetOut}, 404, 409),
    auth=access(*EVALUATORS),
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
    assignment = or_404(
        Assignment.objects.filter(pk=assignment_id).first(),
        f"Aucune affectation n'a l'identifiant {assignment_id}.",
    )
    sheet = services.open_sheet(assignment, actor=user_of(request))
    return sheet_out(_sheet(sheet.pk), response)


# -- sheets -----------------------------------------------------------------------------------


@listing(router, "/sheets", SheetOut, STAFF, "Les feuilles d'évaluation")
def list_sheets(
    request: HttpRequest, filters: Query[SheetsQuery], page: Query[PageQuery]
) -> dict[str, Any]:
    """Toutes les feuilles (filtrées par session, candidat, état), avec leurs valeurs."""
    sheets = ScoreSheet.objects.select_related(
        "session__referential_version", "candidate", "block", "evaluator"
    )
    sheets = narrowed(
        sheets,
        session__code=filters.session,
        candidate__numero=filters.candidate,
        status=filters.status,
    )
    found = by_key(request, sheets, page, "id", int)
    contents = sheets_contents([sheet.pk for sheet in found.rows])
    items = [sheet_out(sheet, contents=contents[sheet.pk]) for sheet in found.rows]
    return page_out(items, found.next, page)


@on_sheet("GET", {200: SheetOut}, READERS, "Une feuille d'évaluation")
def get_sheet(request: HttpRequest, response: HttpResponse, sheet_id: SheetId) -> SheetOut:
    """Valeurs, état et révision ; l'en-tête `ETag` est la révision, à renvoyer dans
    `If-Match` pour écrire. Un évaluateur ne lit que ses feuilles."""
    return sheet_out(_readable(request, sheet_id), response)


@writing_sheet("PUT", {200: SheetOut}, EVALUATORS, "Enregistrer les valeurs de ma feuille")
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
    revision = stated_version(if_match, "GET /sheets/{id}")
    services.save_sheet(
        sheet.pk,
        grid_data(payload.values, payload.comments, revision=revision),
        actor=user_of(request),
    )
    return sheet_out(_sheet(sheet.pk), response)


@writing_sheet("POST /submit", {200: SheetOut}, EVALUATORS, "Soumettre ma feuille")
def submit(
    request: HttpRequest, response: HttpResponse, sheet_id: SheetId, if_match: IfMatch = None
) -> SheetOut:
    """Soumet la feuille telle qu'elle est enregistrée (révision dans `If-Match`) ; refusé si un
    critère est sans valeur. Une feuille soumise est verrouillée."""
    sheet = _writable(request, sheet_id)
    revision = stated_version(if_match, "GET /sheets/{id}")
    services.submit_sheet(sheet.pk, actor=user_of(request), expected_revision=revision)
    return sheet_out(_sheet(sheet.pk), response)


@on_sheet("POST /reopen", {200: SheetOut}, STAFF, "Rouvrir une feuille soumise", 409)
def reopen(
    request: HttpRequest, response: HttpResponse, sheet_id: SheetId, payload: ReopenIn
) -> SheetOut:
    """Un gestionnaire rouvre une feuille soumise ; le motif est gardé au journal."""
    sheet = _sheet(sheet_id)
    services.reopen_sheet(sheet.pk, user_of(request), payload.reason)
    return sheet_out(_sheet(sheet.pk), response)


# -- double marking: reconciliation -----------------------------------------------------------

BlockCode = Annotated[
    str,
    param.Path(..., min_length=1, max_length=32, description="Code du bloc", example="B1"),
]


# The unit a reconciliation is about, as its path names it (its part is in the query).
class UnitPath(Schema):
    code: SessionCode
    numero: Numero
    block: BlockCode


AgreedIfMatch = Annotated[
    str | None,
    param.Header(
        None,
        alias="If-Match",
        max_length=200,
        description='L\'ETag de la comparaison lue (« "0" » avant toute correction concertée) : '
        "obligatoire.",
    ),
]
STATE_WORDS: dict[str, str] = {SheetStatus.DRAFT: "brouillon", SheetStatus.SUBMITTED: "soumise"}


def comparison_path(first: ScoreSheet) -> str:
    """The address of a unit's comparison; a block's part goes in the query."""
    code, numero, block = (
        quote(text, safe="")
        for text in (first.session.code, first.candidate.numero, first.block.code)
    )
    path = f"{reverse('api:root')}sessions/{code}/candidates/{numero}/blocks/{block}/comparison"
    return f"{path}?{urlencode({'part': first.part})}" if first.part else path


def _usernames(ids: set[int | None]) -> dict[int | None, str]:
    """The login of each person, in one query (no one: no entry)."""
    people = get_user_model().objects.filter(pk__in={pk for pk in ids if pk is not None})
    return {person.pk: person.get_username() for person in people}


def _reconcilable(
    request: HttpRequest, path: UnitPath, part: str
) -> tuple[services.GradedUnit, ExamSession, BlockSpec]:
    """The unit the path names (404 for an unknown session, candidate or block, 422 for a part
    the block does not have), once the caller may see both its markings (403 otherwise). An
    evaluator gets 403 for an unknown candidate too: the answer must not tell them which
    numeros exist."""
    session = session_by_code(path.code)
    user = user_of(request)
    if not has_role(user, Role.STAFF) and not Candidate.objects.filter(numero=path.numero).exists():
        raise Forbidden(services.RECONCILE_REFUSED)
    candidate = candidate_by_numero(path.numero)
    row = or_404(
        Block.objects.filter(version_id=session.referential_version_id, code=path.block).first(),
        f"La version du référentiel de la session {session.code} n'a pas de bloc « {path.block} ».",
    )
    spec = services.block_spec(session, row.code)
    parts = [p.code for p in spec.parts]
    if (part not in parts) if parts else part:
        message = (
            f"attendu une partie du bloc {spec.code} : {', '.join(parts)}"
            if parts
            else f"le bloc {spec.code} n'a pas de parties"
        )
        raise Invalid(f"part : {message}", [field_error("part", message, "query", part)])
    unit = services.GradedUnit(session.pk, candidate.pk, row.pk, part)
    if not services.may_reconcile(user, unit):
        raise Forbidden(services.RECONCILE_REFUSED)
    return unit, session, spec


def _waiting(unit: services.GradedUnit) -> Refused:
    sheets = unit_sheets(unit)
    double = Marking.FIRST in sheets or Marking.SECOND in sheets
    if not double and Assignment.objects.filter(**unit.lookup()).count() < 2:
        return Refused("Cette unité n'est pas en double correction : il n'y a rien à comparer.")
    states = [
        f"correcteur {number} : "
        + (STATE_WORDS.get(sheet.status, sheet.status) if sheet is not None else "pas commencée")
        for number, sheet in ((1, sheets.get(Marking.FIRST)), (2, sheets.get(Marking.SECOND)))
    ]
    return Refused(
        f"La comparaison attend que les deux corrections soient soumises ({', '.join(states)}) : "
        "chaque correcteur note sans voir les valeurs de l'autre."
    )


def _marking_out(sheet: ScoreSheet, result: SheetPreview) -> MarkingOut:
    return MarkingOut(
        evaluator=sheet.evaluator.get_username() if sheet.evaluator is not None else None,
        submitted_at=sheet.submitted_at,
        preview=preview_out(result),
    )


def comparison_out(comparison: Comparison, session: ExamSession, numero: str) -> ComparisonOut:
    agreed = comparison.agreed
    agreed_values = services.sheet_values(agreed) if agreed is not None else {}
    return ComparisonOut(
        session=session.code,
        candidate=numero,
        block=comparison.spec.code,
        part=comparison.unit.part,
        threshold=format_quantity(comparison.threshold, "."),
        criteria=[
            GapOut(
                **criterion_fields(row.criterion),
                first=output_value(row.first) if row.first is not None else None,
                second=output_value(row.second) if row.second is not None else None,
                gap=score_to_string(row.gap),
                flagged=row.flagged,
            )
            for row in comparison.rows
        ],
        first=_marking_out(comparison.first, comparison.first_preview),
        second=_marking_out(comparison.second, comparison.second_preview),
        agreed=(
            AgreedOut(
                id=agreed.pk,
                status=status_of(agreed),
                revision=agreed.revision,
                values={code: output_value(value) for code, value in agreed_values.items()},
                preview=preview_out(
                    services.preview(
                        session, comparison.spec.code, comparison.unit.part, agreed_values
                    )
                ),
            )
            if agreed is not None
            else None
        ),
    )


@listing(
    router,
    "/reconciliations",
    ReconciliationOut,
    (Role.STAFF, Role.EVALUATOR),
    "Les rapprochements en attente",
)
def list_reconciliations(
    request: HttpRequest, filters: Query[ReconciliationsQuery], page: Query[PageQuery]
) -> dict[str, Any]:
    """Les unités en double correction dont les deux corrections sont soumises et la correction
    concertée pas encore : leurs correcteurs, le plus grand écart, le nombre de critères
    signalés et l'adresse de leur comparaison. Un évaluateur n'y voit que les unités dont il
    est l'un des deux correcteurs."""
    user = user_of(request)
    pending = narrowed(pending_first_sheets(), session__code=filters.session)
    if not has_role(user, Role.STAFF):
        pending = pending.filter(
            Exists(Assignment.objects.filter(**outer_unit(), evaluator_id=user.pk))
        )
    found = by_key(request, pending, page, "id", int)
    described = describe_pending(found.rows)
    names = _usernames({s.evaluator_id for item in described for s in (item.first, item.second)})
    items = [
        {
            "session": item.first.session.code,
            "candidate": item.first.candidate.numero,
            "block": item.first.block.code,
            "part": item.first.part,
            "first_evaluator": names.get(item.first.evaluator_id),
            "second_evaluator": names.get(item.second.evaluator_id),
            "largest_gap": score_to_string(item.largest_gap),
            "flagged": item.flagged,
            "comparison": comparison_path(item.first),
        }
        for item in described
    ]
    return page_out(items, found.next, page)


@on_unit(
    "GET /comparison", {200: ComparisonOut}, READERS, "Comparer les deux corrections d'une unité"
)
def get_comparison(
    request: HttpRequest,
    response: HttpResponse,
    path: Path[UnitPath],
    where: Query[UnitQuery],
) -> ComparisonOut:
    """Les deux corrections côte à côte, critère par critère (écart, critère signalé), leurs
    notes en cours, le seuil d'écart et la correction concertée s'il y en a une. Refusé (409)
    tant que les deux corrections ne sont pas soumises : chaque correcteur note sans voir les
    valeurs de l'autre. L'en-tête `ETag` est la révision de la correction concertée (`"0"`
    avant elle), à renvoyer dans `If-Match` pour l'enregistrer. Pour un gestionnaire et les
    deux correcteurs de l'unité."""
    unit, session, _spec = _reconcilable(request, path, where.part)
    comparison = compare(unit)
    if comparison is None:
        raise _waiting(unit)
    response["ETag"] = etag(comparison.agreed.revision if comparison.agreed is not None else 0)
    return comparison_out(comparison, session, path.numero)


@writing_unit("PUT /agreed", {200: SheetOut}, READERS, "Enregistrer la correction concertée")
def put_agreed_sheet(
    request: HttpRequest,
    response: HttpResponse,
    path: Path[UnitPath],
    where: Query[UnitQuery],
    payload: AgreedIn,
    if_match: AgreedIfMatch = None,
) -> SheetOut:
    """Les valeurs arrêtées ensemble après comparaison, pour chaque critère : la correction
    concertée, celle qui compte, est soumise aussitôt et la décision du candidat suit. Exige
    `If-Match` avec l'ETag de la comparaison (`"0"` pour une première correction concertée) ;
    une correction concertée soumise ne change plus qu'après réouverture par un gestionnaire.
    Pour un gestionnaire et les deux correcteurs de l'unité."""
    unit, _session, _spec = _reconcilable(request, path, where.part)
    revision = stated_version(if_match, "GET …/comparison")
    data = {**grid_data(payload.values, revision=revision), "reason": payload.reason}
    agreed = services.record_agreed_sheet(unit, data, actor=user_of(request))
    return sheet_out(_sheet(agreed.pk), response)


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
    partir de 0) et son champ. Une session inconnue est refusée, sauf `create_sessions` ; les
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
            create_sessions=payload.create_sessions,
            include_validated=payload.include_validated,
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
        "left_out": report.left_out,
    }
