"""Who calls the API, and whether their roles allow the operation.

Two ways in: a personal token (``Authorization: Bearer certif_…``) for programs, or the browser
session of a signed-in person (with Django's CSRF check on every unsafe method). Both stand for
a user with exactly that user's roles, read at each request. Each operation declares the roles
it admits (``access(Role.STAFF)``): no credentials give 401, another role 403, before the
request's parameters are even read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from certif.accounts import lockouts, tokens
from certif.api.problems import Forbidden, Invalid, TooManyFailures, Unauthorized, field_error
from certif.core.roles import Role, has_role

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Bodies that are files, read by their operation as a stream (a deposit's PDF): reading them
# here would hold them whole in memory, and they carry no JSON text.
STREAMED_BODIES = frozenset({"application/pdf"})


# A NUL character escaped in a JSON string (preceded by an even number of backslashes).
_ESCAPED_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


def refuse_nul_characters(request: HttpRequest) -> None:
    """No text of Certif holds a NUL character, and PostgreSQL refuses one: a request carrying
    one is refused before anything reads it."""
    where = ""
    if "\x00" in request.path:
        where = "path"
    elif any("\x00" in key + "".join(values) for key, values in request.GET.lists()):
        where = "query"
    elif any("\x00" in value for value in request.headers.values()):
        where = "header"
    elif (
        request.method not in SAFE_METHODS
        and request.content_type not in STREAMED_BODIES
        and _ESCAPED_NUL.search(request.body)
    ):
        where = "body"
    if where:
        raise Invalid(
            "La requête contient un caractère nul (U+0000), qu'aucun texte n'admet.",
            [field_error(None, "caractère nul (U+0000) refusé", where)],
        )


def _admit(request: HttpRequest, user: Any, roles: tuple[Role, ...]) -> Any:
    # The services and the object-level checks read request.user, whatever the way in.
    request.user = user
    if roles and not has_role(user, *roles):
        raise Forbidden("Votre rôle ne permet pas cette opération.")
    refuse_nul_characters(request)
    return user


class BearerToken(HttpBearer):
    """A personal API token: ``Authorization: Bearer certif_…``."""

    openapi_bearerFormat = "certif_<préfixe>_<secret>"
    openapi_description = (
        "Jeton personnel créé dans l'application (page « Jetons d'API ») ou par "
        "« certif token create ». Il porte exactement les rôles de son compte."
    )

    def __init__(self, roles: Iterable[Role] = ()) -> None:
        self.roles = tuple(roles)
        super().__init__()

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        # An address that failed too often is refused before its token is read: guessing
        # tokens is as slow as guessing passwords (django-axes counts both per address).
        if lockouts.api_door_locked(request):
            raise TooManyFailures(lockouts.cool_off_minutes())
        try:
            user = tokens.authenticate(token)
        except tokens.InvalidToken as error:
            if lockouts.api_failure(request):
                raise TooManyFailures(lockouts.cool_off_minutes()) from error
            raise Unauthorized(str(error)) from error
        return _admit(request, user, self.roles)


class BrowserSession(APIKeyCookie):
    """The session of a person signed in to the web application (CSRF token on writes)."""

    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = (
        "Session du navigateur d'une personne connectée ; les requêtes qui écrivent portent "
        "l'en-tête X-CSRFToken."
    )

    def __init__(self, roles: Iterable[Role] = ()) -> None:
        self.roles = tuple(roles)
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        # CSRF is checked once someone is signed in (authenticate): a caller without any
        # credentials gets 401, not a CSRF refusal.
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise Forbidden(
                "Vérification CSRF échouée : une requête de session qui écrit doit porter "
                "l'en-tête X-CSRFToken (ou utilisez un jeton d'API)."
            )
        return _admit(request, user, self.roles)


def access(*roles: Role) -> list[BearerToken | BrowserSession]:
    """The authentication of an operation open to ``roles`` (any signed-in person if none)."""
    return [BearerToken(roles), BrowserSession(roles)]
