"""The journal: every change to scores and every recorded write, newest first. Read-only."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_POST

from certif.core.roles import Role, role_required
from certif.journal.entries import Cursor, JournalPage, JournalQuery, journal_page
from certif.journal.tasks import arguments_of, export_journal_job
from certif.tasks.services import start
from certif.web.helpers import filters_only, is_htmx
from certif.web.journal.forms import JournalFilterForm


@role_required(Role.STAFF)
@require_GET
def journal_list(request: HttpRequest) -> HttpResponse:
    form = JournalFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        page = JournalPage([], None)
    else:
        query = form.query() if form.is_bound else JournalQuery()
        cursor = Cursor.decode(request.GET.get("avant", ""))
        page = journal_page(query, cursor)
    context = {
        "form": form,
        "page": page,
        "first_page": "avant" not in request.GET,
        "filters": filters_only(request.GET),
    }
    template = "journal/_page.html" if is_htmx(request) else "journal/list.html"
    return render(request, template, context)


EXPORT_FORMATS = ("csv", "xlsx")


@role_required(Role.STAFF)
@require_POST
def journal_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The entries the filter keeps, written to a file by the worker; followed on the job's
    page, which offers the file once written."""
    if fmt not in EXPORT_FORMATS:
        raise Http404
    form = JournalFilterForm(request.POST)
    if not form.is_valid():
        page = JournalPage([], None)
        context = {"form": form, "page": page, "first_page": True, "filters": ""}
        return render(request, "journal/list.html", context, status=422)
    query = form.query()
    shown = {
        gettext_noop("Format"): fmt.upper(),
        **{str(form.fields[name].label): str(form.cleaned_data[name])
           for name in ("candidat", "session", "action", "du", "au") if form.cleaned_data.get(name)},
    }  # fmt: skip
    job = start(export_journal_job, actor=request.user, shown=shown, fmt=fmt, **arguments_of(query))
    return redirect(job)
