"""Imports: what one import wrote, and its revert while nothing depends on it (the same
service as the import's page and ``certif import revert``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.params import functions as param

from certif.api.auth import access
from certif.api.endpoints.common import ID_MAX, fields_of, or_404, responses, user_of
from certif.api.schemas import InputSchema
from certif.core.roles import Role
from certif.imports.models import ImportBatch
from certif.imports.queries import written_by
from certif.imports.reverting import revert_import

router = Router(tags=["Imports"])

BatchId = Annotated[int, param.Path(..., ge=1, le=ID_MAX, description="Numéro de l'import")]


class WrittenOut(Schema):
    session: str
    candidates: int
    scores_created: int
    scores_replaced: int
    sheets_created: int
    enrolments_created: int


class ImportOut(Schema):
    id: int
    kind: str = Field(description="« scores » ou « candidates »")
    file_name: str
    imported_at: datetime
    imported_by: str | None
    rows: int
    created: int
    updated: int
    unchanged: int
    reverted_at: datetime | None
    revert_reason: str
    written: list[WrittenOut] = Field(description="Ce qu'un import de notes a écrit, par session")


class RevertIn(InputSchema):
    reason: str = Field(min_length=1, max_length=500, description="Motif, gardé au journal")


class RevertOut(Schema):
    scores_restored: int
    scores_removed: int
    sheets_removed: int
    enrolments_removed: int
    sessions_removed: list[str]
    candidates: int


def _batch(batch_id: int) -> ImportBatch:
    return or_404(
        ImportBatch.objects.select_related("imported_by").filter(pk=batch_id).first(),
        "import inconnu",
    )


def _out(batch: ImportBatch) -> ImportOut:
    written = [
        WrittenOut(**fields_of(row, WrittenOut, session=row.code)) for row in written_by(batch)
    ]
    imported_by = batch.imported_by.get_username() if batch.imported_by else None
    return ImportOut(**fields_of(batch, ImportOut, imported_by=imported_by, written=written))


@router.get(
    "/imports/{batch_id}",
    response=responses({200: ImportOut}, 404),
    auth=access(Role.STAFF),
    summary="Lire un import",
)
def read_import(request: HttpRequest, batch_id: BatchId) -> ImportOut:
    """Le fichier, qui l'a importé, ses comptes et, pour des notes, ce qu'il a écrit par
    session ; son annulation s'il a été annulé."""
    return _out(_batch(batch_id))


@router.post(
    "/imports/{batch_id}/revert",
    response=responses({200: RevertOut}, 404, 409),
    auth=access(Role.STAFF),
    summary="Annuler un import de notes",
)
def revert(request: HttpRequest, batch_id: BatchId, payload: RevertIn) -> RevertOut:
    """Défait un import de notes tant que rien n'en dépend : les notes remplacées reprennent
    leur valeur d'avant, les notes créées sont retirées, puis les feuilles, inscriptions et
    sessions qu'il a créées si elles sont vides ; les décisions sont recalculées. Refusé (409)
    avec la raison sinon (note modifiée depuis, feuille soumise, délibération, document)."""
    outcome = revert_import(_batch(batch_id), {"motif": payload.reason}, actor=user_of(request))
    return RevertOut(**fields_of(outcome, RevertOut))
