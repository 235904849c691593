"""A page whose form a service saves: the form again with the service's refusal, or, once
saved, a message and the way on.

The create and edit pages (candidates, sessions, partners, habilitations, cases, the portal's
identity and enrolment pages, the opening of a jury's act) all follow this flow: the service
validates and saves what was posted, a refusal is shown beside the fields, a success is said
and leads to the saved object's page. It lives here once, so each page states only its form,
its service call and where it goes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from certif.core.errors import Refused
from certif.web.refusals import with_refusal


@dataclass(frozen=True)
class Saved:
    """What a page says once its service has saved, and the address it then leads to."""

    message: str
    url: str


def service_form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    save: Callable[[], Saved],
    template: str,
    context: Mapping[str, Any],
    *,
    cleaned_first: bool = False,
) -> HttpResponse:
    """``form`` shown on ``template`` beside ``context``. On a post, ``save`` calls the service:
    its refusal shows the form again with the reasons, its success is announced and redirected.

    ``cleaned_first``: the service takes the form's cleaned data, so the form must be valid
    before ``save`` runs (an invalid form is shown again with its own errors)."""
    if request.method == "POST" and (not cleaned_first or form.is_valid()):
        try:
            saved = save()
        except Refused as error:
            form = with_refusal(form, error)
        else:
            messages.success(request, saved.message)
            return redirect(saved.url)
    return render(request, template, {"form": form, **context})
