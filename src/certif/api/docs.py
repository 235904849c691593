"""The interactive documentation page, served with no resource from outside.

ninja's Swagger UI loads its scripts from a CDN unless ninja is an installed app; Certif runs
where no CDN may be reachable. The page is rendered here, and its scripts and style are served
from the copies that django-ninja ships, by name, from a fixed list.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

ASSETS_DIR = Path(ninja.__file__).resolve().parent / "static" / "ninja"
ASSETS = frozenset(
    {"swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-init.js", "favicon.png", "favicon.svg"}
)
# The files change only with django-ninja's version: a day in the browser's cache.
CACHE_SECONDS = 86_400


class LocalSwagger(DocsBase):
    settings: dict[str, Any] = {
        "layout": "BaseLayout",
        "deepLinking": True,
        "persistAuthorization": False,
    }

    def get_openapi_url(self, api: NinjaAPI, path_params: dict[str, Any]) -> str:
        return reverse("api:v1:openapi-json", kwargs=path_params)

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        context = {
            "api": api,
            "swagger_settings": {**self.settings, "url": self.get_openapi_url(api, kwargs)},
        }
        return render(request, "api/docs.html", context)


@require_safe
def asset(request: HttpRequest, name: str) -> FileResponse:
    if name not in ASSETS:
        raise Http404(name)
    path = ASSETS_DIR / name
    if not path.is_file():
        raise Http404(name)
    content_type, _encoding = mimetypes.guess_type(name)
    response = FileResponse(path.open("rb"), content_type=content_type or "text/plain")
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response
