"""Certif's middleware: the language, the size of a request, no copy of a personal page."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext


class ChosenLanguageMiddleware(LocaleMiddleware):
    """The language is the one picked in the header's switch (its cookie), else French.

    The browser's Accept-Language is deliberately not followed: the certifier works in
    French, and English is there for whoever asks for it.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def _announced_length(request: HttpRequest) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None


class RequestSizeLimitMiddleware:
    """Refuse, with 413 and before reading a byte of it, a body announced larger than
    ``MAX_REQUEST_BYTES``: a client cannot make a web worker read (or spool to disk) more than
    Certif ever accepts."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        length = _announced_length(request)
        limit: int = settings.MAX_REQUEST_BYTES
        if length is not None and length > limit:
            return too_large(request, limit)
        return self.get_response(request)


def too_large(request: HttpRequest, limit: int) -> HttpResponse:
    megabytes = limit // (1024 * 1024)
    message = gettext(
        "La requête dépasse la taille admise (%(limit)s Mo) : elle n'a pas été lue. "
        "Envoyez un fichier plus petit, ou en plusieurs fois."
    ) % {"limit": megabytes}
    # The connection still carries the unread body: the client must not reuse it.
    if request.path.startswith("/api/") or "json" in request.headers.get("Accept", ""):
        problem = {
            "type": "about:blank",
            "title": gettext("Requête trop volumineuse"),
            "status": 413,
            "detail": message,
        }
        response: HttpResponse = HttpResponse(
            json.dumps(problem, ensure_ascii=False),
            status=413,
            content_type="application/problem+json; charset=utf-8",
        )
    else:
        response = HttpResponse(
            render_to_string("413.html", {"message": message}, request=None), status=413
        )
    response["Connection"] = "close"
    return response


def _is_document(response: HttpResponseBase) -> bool:
    content_type = response.get("Content-Type", "")
    disposition = response.get("Content-Disposition", "")
    return content_type.startswith("application/pdf") or disposition.startswith("attachment")


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every answer to a signed-in person (pages and API calls
    show personal data) and on every document (a PDF, a download), whoever asked: neither the
    browser's cache nor a proxy keeps a copy after the person has gone. What is public by
    design (static files, the API documentation's scripts) says ``public`` and is left alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if "public" in response.get("Cache-Control", ""):
            return response
        user = getattr(request, "user", None)
        if _is_document(response) or getattr(user, "is_authenticated", False):
            patch_cache_control(response, no_store=True, private=True)
        return response
