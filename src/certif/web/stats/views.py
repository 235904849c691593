"""« Statistiques »: the results of a scope with their charts and tables, the evaluators, and
France compétences' tables for a year; the workbook and the printed report by the worker."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_POST

from certif.stats.drawing import charts_of
from certif.stats.policies import may_open_statistics, may_read_statistics
from certif.stats.presenting import statistics
from certif.stats.scope import Scope
from certif.stats.tasks import EXPORTS, scope_arguments
from certif.tasks.services import start
from certif.web.stats.forms import ScopeForm


def _readable(
    request: HttpRequest, data: dict[str, str]
) -> tuple[ScopeForm, Scope] | HttpResponseBase:
    """The filter and the scope it asks for, when the person may read it; else the answer:
    the login page, 403, or the page with the filter's errors (422)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not may_open_statistics(request.user):
        raise PermissionDenied
    form = ScopeForm(data or None, user=request.user)
    if not form.is_bound:
        scope = form.default_scope()
    elif form.is_valid():
        scope = form.scope()
    else:
        return render(request, "stats/page.html", {"form": form}, status=422)
    if not may_read_statistics(request.user, scope):
        raise PermissionDenied
    return form, scope


@require_GET
def statistics_page(request: HttpRequest) -> HttpResponseBase:
    readable = _readable(request, request.GET.dict())
    if isinstance(readable, HttpResponseBase):
        return readable
    form, scope = readable
    found = statistics(scope)
    context = {"form": form, "scope": scope, "found": found, "charts": charts_of(found)}
    return render(request, "stats/page.html", context)


@require_POST
def statistics_export(request: HttpRequest, kind: str) -> HttpResponseBase:
    """The workbook or the printed report of the scope, written by the worker."""
    if kind not in EXPORTS:
        raise Http404
    readable = _readable(request, request.POST.dict())
    if isinstance(readable, HttpResponseBase):
        return readable
    _form, scope = readable
    labels = {
        "session": gettext_noop("Session"),
        "year": gettext_noop("Année"),
        "access_path": gettext_noop("Voie d'accès"),
    }
    shown = {gettext_noop("Format"): kind.upper()}
    shown.update({labels[k]: str(v) for k, v in scope.summary().items() if v})
    job = start(EXPORTS[kind], actor=request.user, shown=shown, **scope_arguments(scope))
    return redirect(job)
