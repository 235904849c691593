"""Errors as RFC 9457 « problem details » (``application/problem+json``), in French.

Every refusal of the API is one of the ``ApiProblem`` below (what the transport itself refuses:
authentication, a missing If-Match…), or a service's refusal — one family,
``certif.core.errors`` — answered here once, by its status: 403, 404, 409, 412 (with the
current ``ETag``), 422 (each field named). A problem names what was wrong: each entry of
``errors`` gives the field (``candidat``, ``rows[3].valeur``…), where it was (body, query,
path, header), the message and, when useful, (at most 80 characters of) the value received.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from certif.core import errors
from certif.core.text import quoted
from certif.imports.reading import FileRejected

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "urn:certif:probleme:"
# Problems list their first errors; ``total`` says how many there were.
MAX_ERRORS = 100

logger = logging.getLogger("certif.api")


class ProblemError(Schema):
    """One thing wrong with a request."""

    field: str | None = None
    location: str | None = None
    pointer: str | None = None
    message: str
    value: str | None = None


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[ProblemError] = []
    total: int | None = None
    current_revision: int | None = None


class ApiProblem(Exception):
    """A refusal of the API; each kind names its status, slug and title in its class line:
    ``class Gone(ApiProblem, status=410, slug="efface", title="Contenu effacé")``."""

    status = 400
    slug = "requete-invalide"
    title = "Requête invalide"

    def __init_subclass__(
        cls, *, status: int | None = None, slug: str = "", title: str = "", **kwargs: Any
    ) -> None:
        super().__init_subclass__(**kwargs)
        if status is not None:
            cls.status = status
        if slug:
            cls.slug = slug
        if title:
            cls.title = title

    def __init__(
        self,
        detail: str,
        errors: Sequence[ProblemError] = (),
        *,
        total: int | None = None,
        headers: Mapping[str, str] | None = None,
        current_revision: int | None = None,
    ) -> None:
        self.detail = detail
        self.errors = list(errors)
        self.total = total
        self.headers = dict(headers or {})
        self.current_revision = current_revision
        super().__init__(detail)


class Unauthorized(
    ApiProblem, status=401, slug="authentification-requise", title="Authentification requise"
):
    def __init__(self, detail: str = "") -> None:
        super().__init__(
            detail
            or "Présentez un jeton d'API (en-tête « Authorization: Bearer … ») ou une session.",
            headers={"WWW-Authenticate": 'Bearer realm="certif"'},
        )


class TooManyFailures(
    ApiProblem, status=429, slug="trop-d-echecs", title="Trop d'échecs d'authentification"
):
    """The caller's address failed to authenticate too often: refused for the cool-off, even
    with a valid token (HTTP 429, with Retry-After)."""

    def __init__(self, minutes: int) -> None:
        super().__init__(
            f"Trop d'échecs d'authentification depuis votre adresse : réessayez dans {minutes} "
            "minute(s), ou demandez à un gestionnaire de lever le blocage.",
            headers={"Retry-After": str(minutes * 60)},
        )


class Forbidden(ApiProblem, status=403, slug="acces-refuse", title="Accès refusé"):
    pass


class NotFound(ApiProblem, status=404, slug="introuvable", title="Ressource introuvable"):
    pass


class Gone(ApiProblem, status=410, slug="efface", title="Contenu effacé"):
    pass


class Refused(ApiProblem, status=409, slug="refus", title="Demande refusée"):
    """A request that the rules refuse given the current state (HTTP 409)."""


class StaleRevision(Refused, slug="revision-perimee", title="Révision périmée"):
    pass


class PayloadTooLarge(
    ApiProblem, status=413, slug="requete-trop-volumineuse", title="Requête trop volumineuse"
):
    pass


class PreconditionFailed(
    ApiProblem, status=412, slug="precondition-echouee", title="La ressource a changé"
):
    pass


class Invalid(ApiProblem, status=422, slug="donnees-invalides", title="Données invalides"):
    pass


class PreconditionRequired(
    ApiProblem, status=428, slug="if-match-requis", title="En-tête If-Match requis"
):
    pass


class ServerError(ApiProblem, status=500, slug="erreur-interne", title="Erreur interne"):
    pass


def field_error(
    field: str | None, message: str, location: str = "body", value: Any = None
) -> ProblemError:
    pointer = None
    if location == "body" and field:
        pointer = "#/" + "/".join(_pointer_parts(field))
    return ProblemError(
        field=field,
        location=location,
        pointer=pointer,
        message=message,
        value=None if value is None else str(value),
    )


def _pointer_parts(field: str) -> list[str]:
    """« rows[3].valeur » as JSON Pointer parts: rows, 3, valeur (with ~ and / escaped)."""
    parts: list[str] = []
    for piece in field.replace("[", ".").replace("]", "").split("."):
        if piece:
            parts.append(piece.replace("~", "~0").replace("/", "~1"))
    return parts


def response(request: HttpRequest, problem: ApiProblem) -> HttpResponse:
    body = Problem(
        type=TYPE_BASE + problem.slug,
        title=problem.title,
        status=problem.status,
        detail=problem.detail,
        instance=request.path,
        errors=problem.errors[:MAX_ERRORS],
        total=problem.total,
        current_revision=problem.current_revision,
    )
    http = HttpResponse(
        body.model_dump_json(exclude_none=True),
        status=problem.status,
        content_type=f"{MEDIA_TYPE}; charset=utf-8",
    )
    for name, value in problem.headers.items():
        http[name] = value
    return http


# -- validation messages in French ------------------------------------------------------------

_MESSAGES: dict[str, str] = {
    "missing": "champ obligatoire",
    "extra_forbidden": "champ inconnu",
    "string_type": "attendu une chaîne de caractères",
    "int_type": "attendu un nombre entier",
    "int_parsing": "attendu un nombre entier",
    "int_from_float": "attendu un nombre entier",
    "bool_type": "attendu true ou false",
    "bool_parsing": "attendu true ou false",
    "date_type": "attendu une date AAAA-MM-JJ",
    "date_parsing": "date invalide : attendu AAAA-MM-JJ",
    "date_from_datetime_parsing": "date invalide : attendu AAAA-MM-JJ",
    "date_from_datetime_inexact": "date invalide : attendu AAAA-MM-JJ, sans heure",
    "list_type": "attendu une liste",
    "dict_type": "attendu un objet JSON",
    "model_type": "attendu un objet JSON",
    "model_attributes_type": "attendu un objet JSON",
    "json_invalid": "le corps n'est pas du JSON valide",
    "uuid_parsing": "identifiant invalide",
}


def _french(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    if kind == "string_too_long":
        return f"trop long : {ctx.get('max_length')} caractères au plus"
    if kind == "string_too_short":
        return (
            "valeur obligatoire"
            if ctx.get("min_length") == 1
            else (f"trop court : {ctx.get('min_length')} caractères au moins")
        )
    if kind == "too_short":
        return f"au moins {ctx.get('min_length')} élément(s)"
    if kind == "too_long":
        return f"au plus {ctx.get('max_length')} élément(s)"
    if kind == "string_pattern_mismatch":
        return f"forme non admise (motif {ctx.get('pattern')})"
    if kind in ("greater_than_equal", "greater_than"):
        return f"attendu au moins {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"attendu au plus {ctx.get('le', ctx.get('lt'))}"
    if kind in ("literal_error", "enum"):
        return f"valeur non admise (valeurs admises : {ctx.get('expected')})"
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    return str(error.get("msg", "valeur invalide"))


def _field(location: Sequence[Any]) -> str:
    field = ""
    for part in location:
        if isinstance(part, int):
            field += f"[{part}]"
        else:
            field += f".{part}" if field else str(part)
    return field


def validation_errors(raw: Iterable[Mapping[str, Any]]) -> list[ProblemError]:
    """ninja's errors (``loc`` = source, then the path in it) as problem entries."""
    found: list[ProblemError] = []
    seen: set[tuple[str, str]] = set()
    for error in raw:
        location = [p for p in error.get("loc", ()) if p != "__root__"]
        source = str(location[0]) if location else "body"
        path = location[1:]
        if source == "body" and path and path[0] == "payload":
            # The body is one schema, given whole: its parameter's name is no field of it.
            path = path[1:]
        field = _field(path) or None
        message = _french(error)
        if (field or "", message) in seen:
            continue
        seen.add((field or "", message))
        found.append(field_error(field, message, source))
    return found


# -- the handlers -----------------------------------------------------------------------------


def _with_detail(errors: Sequence[ProblemError]) -> str:
    named = [f"{e.field} : {e.message}" if e.field else e.message for e in errors[:3]]
    more = len(errors) - len(named)
    return " ; ".join(named) + (f" ; et {more} autre(s)" if more > 0 else "")


def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = validation_errors(exc.errors)
    return response(request, Invalid(_with_detail(errors) or "Requête invalide.", errors))


def _authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return response(request, Unauthorized())


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    known: dict[int, type[ApiProblem]] = {
        401: Unauthorized,
        403: Forbidden,
        404: NotFound,
        409: Refused,
        412: PreconditionFailed,
        413: PayloadTooLarge,
        422: Invalid,
        428: PreconditionRequired,
    }
    kind = known.get(exc.status_code)
    if exc.status_code == 400:
        # ninja's only 400: a body that is not JSON.
        return response(request, ApiProblem("Le corps de la requête n'est pas du JSON valide."))
    if kind is Unauthorized:
        return response(request, Unauthorized())
    if kind is None:
        problem = ApiProblem(str(exc))
        problem.status = exc.status_code
        return response(request, problem)
    return response(request, kind(str(exc)))


def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return response(request, NotFound("Aucune ressource ne correspond à cette adresse."))


def _permission(request: HttpRequest, exc: Exception) -> HttpResponse:
    return response(request, Forbidden("Votre rôle ne permet pas cette opération."))


def _too_large(request: HttpRequest, exc: Exception) -> HttpResponse:
    return response(
        request,
        PayloadTooLarge(
            "La requête dépasse la taille admise par le serveur : envoyez les lignes en "
            "plusieurs lots, ou faites relever la limite (DATA_UPLOAD_MAX_MEMORY_SIZE)."
        ),
    )


def _problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
    return response(request, exc)


def rejected(exc: FileRejected, prefix: str = "rows") -> Invalid:
    """The importer's refusal (every problem, first ones listed), rows named by their index."""
    errors = []
    for problem in exc.problems:
        if problem.line is not None and problem.column:
            field: str | None = f"{prefix}[{problem.line}].{problem.column}"
        elif problem.line is not None:
            field = f"{prefix}[{problem.line}]"
        else:
            field = problem.column
        errors.append(field_error(field, problem.message, "body", problem.value))
    return Invalid(
        f"Rien n'a été enregistré : {exc.total} erreur(s). " + _with_detail(errors),
        errors,
        total=exc.total,
    )


def _file_rejected(request: HttpRequest, exc: FileRejected) -> HttpResponse:
    return response(request, rejected(exc))


def _invalid(request: HttpRequest, exc: errors.Invalid) -> HttpResponse:
    found = [
        field_error(
            None if field == errors.NON_FIELD else field,
            message,
            "body",
            _value(exc.values.get(field)) if field != errors.NON_FIELD else None,
        )
        for field, messages in exc.errors.items()
        for message in messages
    ]
    problem = Invalid(str(exc), found) if exc.status == 422 else Refused(str(exc), found)
    return response(request, problem)


def _value(value: Any) -> str | None:
    """A value quoted back: at most 80 characters, nothing invisible (``quoted``), so that a
    problem never echoes a huge value."""
    if value is None or value == "":
        return None
    return quoted(str(value))


def _stale(request: HttpRequest, exc: errors.Stale) -> HttpResponse:
    stated = request.headers.get("If-Match", "")
    return response(
        request,
        PreconditionFailed(
            str(exc),
            [
                field_error(
                    "If-Match", "ETag périmé : la ressource a changé depuis", "header", stated
                )
            ],
            headers={"ETag": f'"{exc.current}"'},
            current_revision=int(exc.current) if exc.current.isdigit() else None,
        ),
    )


def _refused_family(request: HttpRequest, exc: errors.Refused) -> HttpResponse:
    kinds: dict[int, type[ApiProblem]] = {403: Forbidden, 404: NotFound, 410: Gone}
    return response(request, kinds.get(exc.status, Refused)(str(exc)))


def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Reported like any failed request (logs, error mails, the test client), then answered in
    # the API's format rather than with an HTML page.
    logger.error("Erreur interne de l'API : %s", request.path, exc_info=sys.exc_info())
    got_request_exception.send(sender=None, request=request)
    return response(request, ServerError("Erreur interne : elle a été journalisée."))


def register(api: NinjaAPI) -> None:
    """Every exception the API can meet, answered as problem details."""
    handlers: list[tuple[type[Exception], Any]] = [
        (Exception, _unexpected),
        (ApiProblem, _problem),
        (ValidationError, _validation),
        (AuthenticationError, _authentication),
        (HttpError, _http_error),
        (Http404, _not_found),
        (PermissionDenied, _permission),
        (RequestDataTooBig, _too_large),
        (FileRejected, _file_rejected),
        (errors.Refused, _refused_family),
        (errors.Invalid, _invalid),
        (errors.Stale, _stale),
    ]
    for exception, handler in handlers:
        api.add_exception_handler(exception, handler)
