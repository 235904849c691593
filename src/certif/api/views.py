"""The API's own addresses outside its operations: its root and unknown addresses."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from certif.api import problems


def root(request: HttpRequest) -> HttpResponse:
    """The API's address leads to its documentation."""
    return redirect("api:v1:openapi-view")


def unknown(request: HttpRequest) -> HttpResponse:
    return problems.response(
        request, problems.NotFound("Aucune opération de l'API n'a cette adresse.")
    )
