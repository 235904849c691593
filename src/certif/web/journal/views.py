"""The journal: every change to scores and every recorded write, newest first. Read-only."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from certif.core.roles import Role, role_required
from certif.web.helpers import filters_only, is_htmx
from certif.web.journal.entries import Cursor, JournalPage, JournalQuery, journal_page
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
