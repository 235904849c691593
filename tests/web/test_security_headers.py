"""What the browser is told: a Content-Security-Policy no page needs to loosen (no inline
script, style or handler left in a template), no copy of a personal page or a document kept,
and no body larger than Certif accepts read at all."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

import certif
from certif.core.middleware import NoStoreMiddleware, RequestSizeLimitMiddleware

TEMPLATES = sorted(Path(certif.__file__).parent.glob("*/templates/**/*.html"))
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.IGNORECASE)


def policy(response: HttpResponse) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    directives = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {name: value for name, value in ((d[0], d[1] if len(d) > 1 else "") for d in directives)}


def test_the_templates_exist() -> None:
    assert len(TEMPLATES) > 40


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.name)
def test_no_template_holds_an_inline_script_handler_or_style(template: Path) -> None:
    text = template.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text), "inline <script>"
    assert not HANDLER.search(text), "on…= handler"
    assert not STYLE_ATTRIBUTE.search(text), "style= attribute"
    assert not STYLE_ELEMENT.search(text), "<style> element"


@pytest.mark.django_db
def test_every_page_carries_a_strict_content_security_policy(staff: AbstractUser) -> None:
    client = Client()
    client.force_login(staff)
    for url in (reverse("login"), reverse("home"), reverse("api:v1:openapi-view")):
        response = client.get(url)
        assert response.status_code == 200, url
        directives = policy(response)
        assert directives["script-src"] == "'self'", url
        assert directives["style-src"] == "'self'", url
        assert directives["object-src"] == "'none'", url
        assert directives["frame-ancestors"] == "'none'", url
        assert "unsafe" not in response["Content-Security-Policy"], url


@pytest.mark.django_db
def test_htmx_is_told_not_to_inject_a_style_nor_to_eval() -> None:
    page = Client().get(reverse("login")).content.decode()
    assert '"includeIndicatorStyles": false' in page
    assert '"allowEval": false' in page


# -- no copy kept ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_of_a_signed_in_person_are_not_stored(staff: AbstractUser) -> None:
    client = Client()
    client.force_login(staff)
    for url in (reverse("home"), reverse("candidates:list"), reverse("tokens:list")):
        cache = client.get(url)["Cache-Control"]
        assert "no-store" in cache, url
        assert "private" in cache, url


@pytest.mark.django_db
def test_api_answers_to_a_token_are_not_stored(staff: AbstractUser) -> None:
    from certif.accounts.tokens import issue_token
    from tests.support.api import Api

    response = Api(issue_token(staff, "SI").secret).get("/me")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def _anonymous(request: HttpRequest) -> HttpRequest:
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    return request


@pytest.mark.parametrize(
    ("content_type", "disposition"),
    [("application/pdf", ""), ("text/csv", 'attachment; filename="notes.csv"')],
)
def test_documents_are_not_stored_whoever_asks(content_type: str, disposition: str) -> None:
    def document(request: HttpRequest) -> HttpResponse:
        response = HttpResponse(b"%PDF-1.7", content_type=content_type)
        if disposition:
            response["Content-Disposition"] = disposition
        return response

    request = _anonymous(RequestFactory().get("/verifier/x/"))
    response = NoStoreMiddleware(document)(request)
    assert "no-store" in response["Cache-Control"]


def test_a_public_anonymous_page_may_be_cached() -> None:
    request = _anonymous(RequestFactory().get("/"))
    response = NoStoreMiddleware(lambda r: HttpResponse("ok"))(request)
    assert not response.has_header("Cache-Control")


# -- size of a request -----------------------------------------------------------------------


def test_a_body_announced_over_the_limit_is_refused_unread() -> None:
    read: list[bool] = []

    def view(request: HttpRequest) -> HttpResponse:
        read.append(True)
        return HttpResponse("read")

    with override_settings(MAX_REQUEST_BYTES=1024 * 1024):
        request = RequestFactory().post(
            "/imports/", data=b"x", content_type="application/octet-stream"
        )
        request.META["CONTENT_LENGTH"] = str(2 * 1024 * 1024)
        response = RequestSizeLimitMiddleware(view)(request)
    assert response.status_code == 413
    assert "La requête dépasse la taille admise (1 Mo)" in response.content.decode()
    assert read == []


@pytest.mark.django_db
def test_the_api_answers_an_oversized_body_with_a_problem() -> None:
    with override_settings(MAX_REQUEST_BYTES=1024):
        response = Client().post("/api/v1/scores", data="x" * 2048, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/problem+json")
    assert "taille admise" in response.json()["detail"]


def test_a_body_within_the_limit_goes_through() -> None:
    request = RequestFactory().post("/", data=b"x" * 10, content_type="text/plain")
    response = RequestSizeLimitMiddleware(lambda r: HttpResponse("read"))(request)
    assert response.status_code == 200
