"""What every group of endpoints shares: documented errors, forms, objects found by their key."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal, TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.params import functions as param

from certif.api.auth import access
from certif.api.problems import (
    Invalid,
    NotFound,
    PreconditionRequired,
    Problem,
    ProblemError,
    field_error,
)
from certif.api.schemas import Page
from certif.candidates.models import Candidate
from certif.core.roles import Role
from certif.sessions.models import ExamSession

# Identifiers in paths: a candidate's numero, a session's code (as stored, at most 32 chars).
Numero = Annotated[
    str,
    param.Path(..., min_length=1, max_length=32, description="Numéro du candidat", example="C001"),
]
SessionCode = Annotated[
    str,
    param.Path(
        ..., min_length=1, max_length=32, description="Code de la session", example="2026-06"
    ),
]
Lang = Literal["fr", "en"]
# Row ids are 64-bit integers: a larger one could not even be looked up.
ID_MAX = 2**63 - 1

ALWAYS = (400, 401, 403, 422)
# The operations of the gestionnaires alone.
STAFF = (Role.STAFF,)

T = TypeVar("T")
F = TypeVar("F", bound=forms.BaseForm)
Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def responses(ok: Mapping[int, Any], *errors: int) -> dict[int, Any]:
    """An operation's documented answers: its own, then problem details for each error status."""
    documented: dict[int, Any] = dict(ok)
    for status in sorted({*ALWAYS, *errors}):
        documented[status] = Problem
    return documented


def binary_content(media_type: str) -> dict[str, Any]:
    """The OpenAPI ``content`` of a file of ``media_type``, sent or answered byte for byte."""
    return {media_type: {"schema": {"type": "string", "format": "binary"}}}


def file_answer(media_type: str, description: str) -> dict[str, Any]:
    """The ``openapi_extra`` of an operation that answers a file: its 200 answer's content,
    which the ``response`` of its decorator cannot describe."""
    return {"responses": {200: {"description": description, "content": binary_content(media_type)}}}


def listing(
    router: Router, path: str, item: Any, roles: Sequence[Role], summary: str, *errors: int
) -> Decorator:
    """A list operation: ``GET path``, open to ``roles``, answering a ``Page`` of ``item``."""
    return router.get(
        path, response=responses({200: Page[item]}, *errors), auth=access(*roles), summary=summary
    )


@dataclass(frozen=True)
class Operations:
    """Operations alike, below one path (``/deliberations/{deliberation_id}``).

    Each of them finds its object (404) and asks its policy (403) before anything else, and
    each write may be refused by the object's rules (409): alike operations document the same
    ``errors`` and the same ``openapi_extra`` (an ``ETag`` header). Their decorators then say
    only what is their own: the method and the rest of the path (« POST /members »), the
    answer, the roles, the summary, and any further error."""

    router: Router
    prefix: str
    errors: tuple[int, ...] = (403, 404)
    openapi_extra: dict[str, Any] | None = None

    def __call__(
        self,
        operation: str,
        ok: Mapping[int, Any],
        roles: Sequence[Role],
        summary: str,
        *errors: int,
    ) -> Decorator:
        method, _, path = operation.partition(" ")
        return self.router.api_operation(
            [method],
            self.prefix + path,
            response=responses(ok, *self.errors, *errors),
            auth=access(*roles),
            summary=summary,
            openapi_extra=self.openapi_extra,
        )

    def listing(self, path: str, item: Any, roles: Sequence[Role], summary: str) -> Decorator:
        """A list operation below the prefix, answering a ``Page`` of ``item``."""
        return self(f"GET {path}", {200: Page[item]}, roles, summary)


class Message(Schema):
    detail: str


def fields_of(obj: Any, schema: type[Schema], **computed: Any) -> dict[str, Any]:
    """An answer of ``schema``: each of its fields read from ``obj`` under the same name, but
    those ``computed``."""
    return {
        name: computed[name] if name in computed else getattr(obj, name)
        for name in schema.model_fields
    }


def user_of(request: HttpRequest) -> Any:
    """The authenticated person (token or session): ``auth.access`` put them there."""
    return request.user


def or_404(value: T | None, missing: str) -> T:
    """What was looked up, or a 404 problem saying what is missing."""
    if value is None:
        raise NotFound(missing)
    return value


def candidate_by_numero(numero: str) -> Candidate:
    return or_404(
        Candidate.objects.filter(numero=numero).first(),
        f"Aucun candidat n'a le numéro « {numero} ».",
    )


def session_by_code(code: str) -> ExamSession:
    return or_404(
        ExamSession.objects.select_related("referential_version").filter(code=code).first(),
        f"Aucune session n'a le code « {code} ».",
    )


def as_form_value(value: Any) -> Any:
    """A JSON value as a form reads it from a posted field."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "on" if value else ""
    return value


def form_data(values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: as_form_value(value) for name, value in values.items()}


def form_errors(form: forms.BaseForm, location: str = "body") -> list[ProblemError]:
    """A form's errors (French, as the web page shows them), one entry per message."""
    found = []
    for name, messages in form.errors.items():
        field = None if name == NON_FIELD_ERRORS else name
        value = form.data.get(name) if field is not None else None
        for message in messages:
            found.append(field_error(field, str(message), location, value or None))
    return found


def valid(form: F) -> F:
    """The form, once valid: its errors answer a 422 problem otherwise."""
    if not form.is_valid():
        raise invalid_form(form)
    return form


def invalid_form(form: forms.BaseForm) -> Invalid:
    errors = form_errors(form)
    detail = " ; ".join(f"{e.field} : {e.message}" if e.field else e.message for e in errors[:3])
    return Invalid(detail or "Données invalides.", errors)


def stated_version(if_match: str | None, read_by: str) -> str:
    """The version token ``If-Match`` states (« "3" » → « 3 »): 428 without one, or with « * »,
    which guards nothing. The service compares it with the current one under its lock
    (``certif.core.concurrency``) and refuses a stale one: 412 with the current ``ETag``."""
    if if_match is None or not if_match.strip():
        raise PreconditionRequired(
            f"Indiquez dans « If-Match » l'ETag lu avec {read_by} : sans lui, une "
            "modification faite entre-temps par un autre serait écrasée.",
            [field_error("If-Match", "en-tête obligatoire", "header")],
        )
    tags = [tag.strip() for tag in if_match.split(",")]
    if "*" in tags:
        raise PreconditionRequired(
            f"« If-Match: * » ne protège de rien : indiquez l'ETag lu avec {read_by}.",
            [field_error("If-Match", f"ETag lu avec {read_by} attendu", "header", if_match)],
        )
    return tags[0].removeprefix("W/").strip('"')


def etag(token: object) -> str:
    """A version token as an ``ETag`` header value."""
    return f'"{token}"'
