"""A page whose form a service saves: the form again with the service's refusal, or, once
saved, a message and the way on. And a posted act (a button) that goes back where it was
asked from, its outcome said as a message.

The create and edit pages (candidates, sessions, partners, habilitations, cases, the portal's
identity and enrolment pages, the opening of a jury's act) all follow this flow: the service
validates and saves what was posted, a refusal is shown beside the fields, a success is said
and leads to the saved object's page. It lives here once, so each page states only its form,
its service call and where it goes. The acts posted from a detail page's buttons (retire a
case, lift a lockout, mark an export transmitted…) likewise share `act_and_redirect`.
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
from certif.web.refusals import refusal_text, with_refusal


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


def act_and_redirect(request: HttpRequest, act: Callable[[], str], to: str) -> HttpResponse:
    """Runs ``act`` (a service call returning what to say once it is done) and leads back to
    ``to``; a refusal is said as an error message instead, since a button has no field to
    show it beside."""
    try:
        done = act()
    except Refused as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, done)
    return redirect(to)
