"""The référentiel, every version, as the stable JSON of ``certif referential show``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.params import functions as param

from certif.api.endpoints.common import ID_MAX, Operations, fields_of, listing, or_404
from certif.api.pagination import PageQuery, by_key, page_out
from certif.core.roles import JURY, Role
from certif.domain.referential.render import referential_to_json
from certif.referential.models import ReferentialVersion
from certif.referential.services import current_version

router = Router(tags=["Référentiel"])
READERS = (Role.STAFF, Role.EVALUATOR, *JURY)
# The current version and any other: its full content, or 404.
reading_version = Operations(router, "/referential", (404,))


class VersionOut(Schema):
    id: int
    code: str
    number: int
    label: str
    title: str
    sha256: str
    loaded_at: datetime
    current: bool


class VersionDetail(VersionOut):
    referential: dict[str, Any]


def _versions() -> Any:
    return ReferentialVersion.objects.defer("document", "source_text")


def _out(version: ReferentialVersion, current_id: int | None) -> VersionOut:
    return VersionOut(
        **fields_of(version, VersionOut, id=version.pk, current=version.pk == current_id)
    )


def _detail(version: ReferentialVersion, current_id: int | None) -> VersionDetail:
    full = ReferentialVersion.objects.get(pk=version.pk)
    return VersionDetail(
        **_out(version, current_id).model_dump(),
        referential=referential_to_json(full.referential),
    )


def _current_id() -> int | None:
    current = current_version()
    return current.pk if current is not None else None


@listing(router, "/referential/versions", VersionOut, READERS, "Versions du référentiel")
def list_versions(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    """Toutes les versions chargées, de la plus ancienne à la plus récente ; `current` marque
    celle qui est en vigueur."""
    found = by_key(request, _versions(), page, "id", int)
    current_id = _current_id()
    return page_out([_out(v, current_id) for v in found.rows], found.next, page)


@reading_version("GET /current", {200: VersionDetail}, READERS, "Le référentiel en vigueur")
def current_referential(request: HttpRequest) -> VersionDetail:
    """La version en vigueur et son contenu complet (blocs, critères et barèmes, règles)."""
    current = or_404(current_version(), "Aucun référentiel n'est chargé : lancez « certif init ».")
    return _detail(current, current.pk)


@reading_version(
    "GET /versions/{version_id}", {200: VersionDetail}, READERS, "Une version du référentiel"
)
def referential_version(
    request: HttpRequest, version_id: Annotated[int, param.Path(..., ge=1, le=ID_MAX)]
) -> VersionDetail:
    """Le contenu complet d'une version (format `certif.referential/1`)."""
    version = or_404(
        _versions().filter(pk=version_id).first(),
        f"Aucune version du référentiel n'a l'identifiant {version_id}.",
    )
    return _detail(version, _current_id())
