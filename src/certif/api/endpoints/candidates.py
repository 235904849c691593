"""Candidates: create, read, update, search and page through them; a candidate's decision.

Input goes through the web application's own forms (``certif.candidates.forms``): a candidate
sent by a program meets exactly the rules of one typed in a page, or read from a file.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from pydantic import JsonValue, PlainValidator, WithJsonSchema

from certif.api.auth import access
from certif.api.endpoints.common import (
    STAFF,
    Lang,
    Numero,
    Operations,
    candidate_by_numero,
    listing,
    or_404,
    responses,
    user_of,
    valid,
)
from certif.api.endpoints.results import ResultOut, results_out
from certif.api.pagination import PageQuery, decode, next_link, page_out
from certif.api.problems import rejected
from certif.api.schemas import InputSchema
from certif.candidates.models import Candidate, masked_nir
from certif.candidates.queries import SCAN_WINDOW, page_by_numero
from certif.candidates.services import create_candidate, reveal_nir, update_candidate
from certif.core.http import location
from certif.core.validation import as_form_data
from certif.domain.identity import ACCESS_PATHS, NAME_MAX
from certif.imports.candidates import import_candidates_frame, rows_frame
from certif.imports.reading import FileRejected
from certif.referential.services import current_version
from certif.results.forms import CandidateSearchForm
from certif.results.models import CandidateResult
from certif.results.queries import list_rows, matching_candidates
from certif.sessions.queries import enrolments_of

router = Router(tags=["Candidats"])
on_candidate = Operations(router, "/candidates/{numero}", (404,))
ACCESS_PATH_VALUES: list[JsonValue] = ["", *ACCESS_PATHS]
MAX_BULK_ROWS = 200_000


def _access_path(default: Any) -> Any:
    return Field(
        default,
        description="Voie d'accès (liste du registre national), vide si inconnue",
        json_schema_extra={"enum": ACCESS_PATH_VALUES},
    )


class IdentityFields(InputSchema):
    """The fields a person edits; every one optional (a PATCH sends only what changes)."""

    birth_name: str | None = Field(None, min_length=1, max_length=NAME_MAX)
    usage_name: str | None = Field(None, max_length=NAME_MAX)
    first_name: str | None = Field(None, min_length=1, max_length=NAME_MAX)
    second_first_name: str | None = Field(None, max_length=NAME_MAX)
    third_first_name: str | None = Field(None, max_length=NAME_MAX)
    sex: Literal["M", "F", ""] | None = None
    birth_date: date | None = None
    birth_place_code: str | None = Field(None, max_length=9)
    birth_place: str | None = Field(None, max_length=NAME_MAX)
    birth_country_code: str | None = Field(None, max_length=3)
    birth_country: str | None = Field(None, max_length=NAME_MAX)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=32)
    access_path: str | None = _access_path(None)
    registration_date: date | None = None
    extra_time_percent: int | None = Field(None, ge=0, le=300)
    accommodations: str | None = Field(None, max_length=5000)
    nir: str | None = Field(
        None,
        max_length=32,
        description=(
            "NIR (15 caractères, espaces admis), clé vérifiée ; chiffré au repos, jamais rendu "
            "en clair sauf par `POST /candidates/{numero}/nir`"
        ),
    )


class CandidateIn(InputSchema):
    """A new candidate: the numero and the identity the national register needs."""

    numero: str = Field(min_length=1, max_length=32)
    birth_name: str = Field(min_length=1, max_length=NAME_MAX)
    usage_name: str = Field("", max_length=NAME_MAX)
    first_name: str = Field(min_length=1, max_length=NAME_MAX)
    second_first_name: str = Field("", max_length=NAME_MAX)
    third_first_name: str = Field("", max_length=NAME_MAX)
    sex: Literal["M", "F", ""] = ""
    birth_date: date
    birth_place_code: str = Field("", max_length=9)
    birth_place: str = Field("", max_length=NAME_MAX)
    birth_country_code: str = Field("", max_length=3)
    birth_country: str = Field("", max_length=NAME_MAX)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=32)
    access_path: str = _access_path("")
    registration_date: date | None = None
    extra_time_percent: int = Field(0, ge=0, le=300)
    accommodations: str = Field("", max_length=5000)
    nir: str = Field("", max_length=32, description="NIR (facultatif), clé vérifiée")


class CandidateOut(Schema):
    numero: str
    display_name: str
    birth_name: str
    usage_name: str
    first_name: str
    second_first_name: str
    third_first_name: str
    sex: str
    birth_date: date
    birth_place_code: str
    birth_place: str
    birth_country_code: str
    birth_country: str
    email: str
    phone: str
    access_path: str
    registration_date: date | None
    extra_time_percent: int
    accommodations: str
    nir: str = Field(description="Masqué (« 1 ** ** ** *** *** 42 ») ; vide sans NIR")
    created_at: datetime
    updated_at: datetime


class NirOut(Schema):
    nir: str = Field(description="En clair, groupé ; chaque lecture est journalisée")


class StatusesOut(Schema):
    certified: bool | None = Field(None, description="null tant qu'aucune décision n'est stockée")
    blocks: dict[str, str] = Field(description="Statut stocké de chaque bloc, par code")


class CandidateRowOut(CandidateOut):
    statuses: StatusesOut


class SessionUnitsOut(Schema):
    session: str
    units: list[str]


class CandidateDetailOut(CandidateOut):
    enrolments: list[SessionUnitsOut]


class CandidateFilters(Schema):
    """The filters of the candidates page, under the same names."""

    q: str = Field("", max_length=100, description="Nom (de naissance ou d'usage) ou numéro")
    session: str = Field("", max_length=32, description="Inscrits ou évalués dans la session")
    voie: str = Field("", max_length=64, description="Voie d'accès")
    unite: str = Field("", max_length=70, description="Bloc (« B1 ») ou partie (« B3:pme »)")
    statut: str = Field(
        "", max_length=16, description="Statut stocké de l'unité : validated, not_validated…"
    )
    certifie: Literal["", "oui", "non"] = Field("", description="Certifié ou non")


def _as_cell(value: Any) -> Any:
    # A number of a cell (temps_majore) reads as the file would give it.
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise ValueError("attendu une chaîne de caractères, comme dans le fichier")


Cell = Annotated[
    str | int | None,
    PlainValidator(_as_cell),
    WithJsonSchema({"anyOf": [{"type": "string", "maxLength": 5000}, {"type": "integer"}]}),
]


class CandidateRowIn(InputSchema):
    """A row of a candidates file (docs/formats.md), under the file's column names."""

    numero: str = Field(max_length=64)
    nom_naissance: str = Field(max_length=200)
    nom_usage: Cell = None
    prenoms: str = Field(max_length=200, description="Séparés par des espaces ou des virgules")
    sexe: Cell = None
    date_naissance: str = Field(max_length=32, description="JJ/MM/AAAA ou AAAA-MM-JJ")
    code_commune_naissance: Cell = None
    commune_naissance: Cell = None
    pays_naissance: Cell = None
    email: Cell = None
    telephone: Cell = None
    voie_acces: Cell = None
    date_inscription: Cell = None
    temps_majore: Cell = None
    amenagements: Cell = None
    nir: Cell = None


class BulkCandidatesIn(InputSchema):
    rows: list[CandidateRowIn] = Field(
        min_length=1,
        max_length=MAX_BULK_ROWS,
        description="Un champ absent de toutes les lignes laisse ce champ tel quel ; présent "
        "dans une ligne, il est vidé dans celles qui ne le donnent pas.",
    )


class BulkCandidatesOut(Schema):
    rows: int
    created: int
    updated: int
    unchanged: int


def candidate_out(candidate: Candidate) -> dict[str, Any]:
    fields = {name: getattr(candidate, name) for name in CandidateOut.model_fields}
    # Never in clear: the mask only (the clear number has its own, journalled, operation).
    fields["nir"] = masked_nir(candidate.nir)
    return fields


@listing(router, "/candidates", CandidateRowOut, STAFF, "Chercher des candidats")
def list_candidates(
    request: HttpRequest, filters: Query[CandidateFilters], page: Query[PageQuery]
) -> dict[str, Any]:
    """Les candidats par ordre de numéro, avec le statut stocké de chaque bloc. Un filtre sur
    les statuts lit une fenêtre de numéros à la fois : une page peut alors compter moins de
    `limit` éléments alors que `next` continue la recherche."""
    version = current_version()
    referential = version.referential if version is not None else None
    data = {name: value for name, value in filters.model_dump().items() if value}
    query = valid(CandidateSearchForm(data, referential=referential)).query()
    after = decode(page.cursor, str) or ""
    found = page_by_numero(
        matching_candidates(query),
        after=after,
        size=page.limit,
        window=SCAN_WINDOW if query.reads_decisions else None,
    )
    blocks = [block.code for block in referential.blocks] if referential is not None else []
    items = [
        {
            **candidate_out(row.candidate),
            "statuses": {
                "certified": row.certified,
                "blocks": {block.code: block.status for block in row.blocks},
            },
        }
        for row in list_rows(found.rows, blocks)
    ]
    return page_out(items, next_link(request, found.next_after), page)


@router.post(
    "/candidates",
    response=responses({201: CandidateOut}, 409),
    auth=access(*STAFF),
    summary="Créer un candidat",
)
def post_candidate(
    request: HttpRequest, response: HttpResponse, payload: CandidateIn
) -> Status[Any]:
    """Un nouveau candidat ; sa décision (tout « non évalué ») est stockée aussitôt."""
    candidate = create_candidate(as_form_data(payload.model_dump()), actor=user_of(request))
    response["Location"] = location(request.path, candidate.numero)
    return Status(201, candidate_out(candidate))


@router.post(
    "/candidates:bulk",
    response=responses({200: BulkCandidatesOut}, 413),
    auth=access(*STAFF),
    summary="Créer ou modifier des candidats en lot",
)
def bulk_candidates(request: HttpRequest, payload: BulkCandidatesIn) -> dict[str, int]:
    """Les lignes d'un fichier de candidats (`certif import candidates`), vérifiées comme lui,
    tout ou rien : un numéro connu met à jour ce candidat ; chaque erreur nomme sa ligne
    (`rows[i]`, à partir de 0) et son champ."""
    frame = rows_frame([row.model_dump(exclude_unset=True) for row in payload.rows])
    try:
        report = import_candidates_frame(
            frame,
            "API v1 — candidates:bulk",
            sha256=hashlib.sha256(request.body).hexdigest(),
            actor=user_of(request),
        )
    except FileRejected as refused:
        raise rejected(refused) from None
    return {
        "rows": report.rows,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
    }


@on_candidate("GET", {200: CandidateDetailOut}, STAFF, "Un candidat")
def get_candidate(request: HttpRequest, numero: Numero) -> dict[str, Any]:
    """L'identité du candidat et ses inscriptions, session par session."""
    candidate = candidate_by_numero(numero)
    return {
        **candidate_out(candidate),
        "enrolments": [
            {"session": entry.session.code, "units": entry.units}
            for entry in enrolments_of(candidate)
        ],
    }


@on_candidate("PATCH", {200: CandidateOut}, STAFF, "Modifier l'identité d'un candidat", 409)
def patch_candidate(
    request: HttpRequest, numero: Numero, payload: IdentityFields
) -> dict[str, Any]:
    """Seuls les champs envoyés changent (le numéro ne change pas : les fichiers y renvoient).
    Le journal garde chaque champ modifié, avant et après."""
    candidate = candidate_by_numero(numero)
    changed = as_form_data(payload.model_dump(exclude_unset=True))
    updated = update_candidate(candidate, changed, actor=user_of(request))
    return candidate_out(updated)


@on_candidate("POST /nir", {200: NirOut}, STAFF, "Afficher le NIR d'un candidat en clair")
def reveal_candidate_nir(request: HttpRequest, numero: Numero) -> dict[str, Any]:
    """Réservé aux gestionnaires ; chaque lecture est journalisée (qui, quand), jamais le
    numéro lui-même. Une chaîne vide quand aucun NIR n'est enregistré."""
    return {"nir": reveal_nir(candidate_by_numero(numero), user_of(request))}


@on_candidate("GET /result", {200: ResultOut}, STAFF, "La décision stockée d'un candidat")
def candidate_result(request: HttpRequest, numero: Numero, lang: Lang = "fr") -> ResultOut:
    """Statut et note de chaque bloc, certification, explications en français (ou en anglais
    avec `lang=en`) : la dernière décision close d'un jury là où il y en a une (`source` «
    jury », avec la délibération), sinon la décision du moteur telle qu'elle est stockée."""
    candidate = candidate_by_numero(numero)
    stored = or_404(
        CandidateResult.objects.filter(candidate=candidate).select_related("candidate").first(),
        f"Aucune décision n'est encore stockée pour le candidat {numero}.",
    )
    return results_out([stored], lang)[0]
