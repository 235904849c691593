"""A page whose form a service saves: the form again with the service's refusal, or, once
saved, a message and the way on. And a posted act (a button) that goes back where it was
asked from, its outcome said as a message.

The create and edit pages (candidates, sessions, partners, habilitations, cases, the portal's
identity and enrolment pages, the opening of a jury's act) all follow this flow: the service
validates and saves what was posted, a refusal is shown beside the fields, a success is said
and leads to the saved object's page. It lives here once, so each page states only its form,
its service call and where it goes. The acts posted from a detail page's buttons (retire a
case, lift a lockout, mark an export transmitted…) likewise share `act_and_redirect`. The
irreversible acts asked with a reason (delete a session, remove an enrolment, discard a draft
habilitation, revert an import) share `reasoned_act_page`: what forbids them, or their reason
asked and confirmed before the service runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from certif.core.errors import Refused
from certif.web.confirmation import Confirmation, confirmation_page, is_confirmed
from certif.web.refusals import refusal_text, with_refusal


@dataclass(frozen=True)
class Saved:
    """What a page says once its service has saved, and the address it then leads to."""

    message: str
    url: str
    # What the act did, one line each, said after the message.
    notes: Sequence[str] = ()


def _announce(request: HttpRequest, saved: Saved) -> HttpResponse:
    messages.success(request, saved.message)
    for note in saved.notes:
        messages.info(request, note)
    return redirect(saved.url)


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
            return _announce(request, saved)
    return render(request, template, {"form": form, **context})


def reasoned_act_page(
    request: HttpRequest,
    form: forms.BaseForm,
    blockers: Sequence[str],
    confirmation: Confirmation,
    act: Callable[[], Saved],
    template: str,
    context: Mapping[str, Any],
) -> HttpResponse:
    """An irreversible act asked with a reason (``form``), on ``template`` beside ``context``:
    while ``blockers`` say why it cannot happen, only them; posted with a valid form, the
    ``confirmation`` page first; confirmed, ``act`` calls the service, whose refusal shows the
    form again with the reasons and whose success is announced and redirected. A post the form
    finds invalid goes to the service too, which refuses it with the form's own errors."""
    if request.method == "POST" and not blockers:
        if form.is_valid() and not is_confirmed(request):
            return confirmation_page(request, confirmation)
        try:
            saved = act()
        except Refused as error:
            form = with_refusal(form, error)
        else:
            return _announce(request, saved)
    shown = {"confirmation": confirmation, "blockers": blockers, "form": form}
    return render(request, template, {**context, **shown})


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
