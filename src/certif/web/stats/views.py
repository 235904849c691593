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


def _scope(request: HttpRequest, data: dict[str, str] | None) -> tuple[ScopeForm, Scope | None]:
    """The filter and the scope it asks for (None when the filter is not valid)."""
    form = ScopeForm(data or None, user=request.user)
    if not form.is_bound:
        return form, form.default_scope()
    if not form.is_valid():
        return form, None
    return form, form.scope()


def _allowed(request: HttpRequest) -> HttpResponseBase | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not may_open_statistics(request.user):
        raise PermissionDenied
    return None


@require_GET
def statistics_page(request: HttpRequest) -> HttpResponseBase:
    refused = _allowed(request)
    if refused is not None:
        return refused
    form, scope = _scope(request, request.GET.dict())
    if scope is None:
        return render(request, "stats/page.html", {"form": form}, status=422)
    if not may_read_statistics(request.user, scope):
        raise PermissionDenied
    found = statistics(scope)
    context = {"form": form, "scope": scope, "found": found, "charts": charts_of(found)}
    return render(request, "stats/page.html", context)


@require_POST
def statistics_export(request: HttpRequest, kind: str) -> HttpResponseBase:
    """The workbook or the printed report of the scope, written by the worker."""
    if kind not in EXPORTS:
        raise Http404
    refused = _allowed(request)
    if refused is not None:
        return refused
    form, scope = _scope(request, request.POST.dict())
    if scope is None:
        return render(request, "stats/page.html", {"form": form}, status=422)
    if not may_read_statistics(request.user, scope):
        raise PermissionDenied
    shown = {
        gettext_noop("Format"): kind.upper(),
        **{k: str(v) for k, v in scope.summary().items() if v},
    }
    job = start(EXPORTS[kind], actor=request.user, shown=shown, **scope_arguments(scope))
    return redirect(job)
