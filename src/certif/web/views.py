from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_GET

from certif.web.dashboard import panels_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "certif/home.html", {"panels": panels_for(request)})


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """The address browsers and feed readers try when a page names no icon: Certif's own.
    (Resolved per request: the static files' manifest names the hashed file.)"""
    return redirect(static("certif/favicon.svg"))
