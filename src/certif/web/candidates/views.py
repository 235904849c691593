"""The gestionnaire's candidates pages: the list, a candidate's file, identity, links."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from certif.accounts.forms import ConflictForm
from certif.accounts.models import ConflictKind, ConflictOfInterest
from certif.accounts.services import declare_conflict
from certif.candidates.forms import CandidateEditForm, CandidateForm
from certif.candidates.models import Candidate, masked_nir
from certif.candidates.queries import SCAN_WINDOW, NumeroPage, page_by_numero
from certif.candidates.services import create_candidate, reveal_nir, update_candidate
from certif.core.roles import Role, role_required
from certif.deliberations.standing import official_decision, official_rows
from certif.grading.queries import sheets_of
from certif.journal.entries import JournalQuery, journal_page
from certif.referential.services import current_version
from certif.results.forms import CandidateSearchForm
from certif.results.queries import CandidateQuery, list_rows, matching_candidates
from certif.sessions.queries import enrolments_of
from certif.web.helpers import filters_only, is_htmx, language
from certif.web.shared_forms import Saved, service_form_page

HISTORY_SIZE = 30


@role_required(Role.STAFF)
@require_GET
def candidate_list(request: HttpRequest) -> HttpResponse:
    version = current_version()
    referential = version.referential if version is not None else None
    form = CandidateSearchForm(request.GET or None, referential=referential)
    invalid = form.is_bound and not form.is_valid()
    if invalid:
        # The errors are shown; an invalid filter lists nobody rather than everybody.
        query, page = CandidateQuery(), NumeroPage([])
    else:
        query = form.query() if form.is_bound else CandidateQuery()
        page = page_by_numero(
            matching_candidates(query),
            after=request.GET.get("apres", ""),
            before=request.GET.get("avant", ""),
            window=SCAN_WINDOW if query.reads_decisions else None,
        )
    blocks = [block.code for block in referential.blocks] if referential is not None else []
    context: dict[str, Any] = {
        "form": form,
        "page": page,
        "rows": official_rows(list_rows(page.rows, blocks)),
        "blocks": blocks,
        "filtered": query.filtered,
        # Counting every candidate is instant; counting a filtered set is not (see services).
        "total": None if query.filtered or invalid else Candidate.objects.count(),
        "filters": filters_only(request.GET),
    }
    template = "candidates/_results.html" if is_htmx(request) else "candidates/list.html"
    return render(request, template, context)


@role_required(Role.STAFF)
@require_GET
def candidate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_object_or_404(Candidate.objects.select_related("user"), pk=pk)
    return render(request, "candidates/detail.html", _detail(request, candidate, ConflictForm()))


@role_required(Role.STAFF)
@require_POST
def candidate_nir(request: HttpRequest, pk: int) -> HttpResponse:
    """The NIR in clear, on this answer only (never kept in the page's address or session);
    the reading is journalled."""
    candidate = get_object_or_404(Candidate.objects.select_related("user"), pk=pk)
    context = _detail(request, candidate, ConflictForm())
    context["nir_clear"] = reveal_nir(candidate, request.user)
    # Never cached (certif.core.middleware.NoStoreMiddleware: every signed-in answer).
    return render(request, "candidates/detail.html", context)


def _detail(request: HttpRequest, candidate: Candidate, form: ConflictForm) -> dict[str, Any]:
    return {
        "nir_masked": masked_nir(candidate.nir),
        "decision": official_decision(candidate.pk, language(request)),
        "enrolments": enrolments_of(candidate),
        "sheets": sheets_of(candidate),
        "history": journal_page(JournalQuery(candidate=candidate), size=HISTORY_SIZE),
        **_conflicts_context(candidate, form),
    }


def _conflicts_context(candidate: Candidate, form: ConflictForm) -> dict[str, Any]:
    conflicts = ConflictOfInterest.objects.filter(candidate=candidate).select_related("user")
    return {
        "candidate": candidate,
        "conflicts": conflicts.order_by("user__last_name", "user__username"),
        "conflict_form": form,
    }


@role_required(Role.STAFF)
@require_http_methods(["GET", "POST"])
def candidate_create(request: HttpRequest) -> HttpResponse:
    return creation_page(
        request, "candidates/form.html", lambda made: reverse("candidates:detail", args=[made.pk])
    )


def creation_page(
    request: HttpRequest, template: str, created: Callable[[Candidate], str]
) -> HttpResponse:
    """The new candidate's form, saved through the service (which links a partner's candidate
    to its partner); ``created`` gives the address to go to once it is saved. Shared by the
    portal."""

    def save() -> Saved:
        candidate = create_candidate(request.POST, actor=request.user)
        message = _("Candidat %(numero)s créé.") % {"numero": candidate.numero}
        return Saved(message, created(candidate))

    form = CandidateForm(request.POST or None)
    return service_form_page(request, form, save, template, {"candidate": None})


@role_required(Role.STAFF)
@require_http_methods(["GET", "POST"])
def candidate_edit(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_object_or_404(Candidate, pk=pk)
    # The form works on its own copy: cleaning writes the typed values into its instance.
    form = CandidateEditForm(request.POST or None, instance=Candidate.objects.get(pk=pk))
    # The page never shows the NIR in clear: its field comes empty, and left empty it keeps the
    # NIR recorded (« supprimer » clears it).
    form.initial["nir"] = ""
    if candidate.nir:
        form.fields["nir"].help_text = _(
            "Enregistré : %(masked)s. Laissez vide pour le garder ; saisissez-en un autre pour "
            "le remplacer, ou « supprimer » pour l'effacer."
        ) % {"masked": masked_nir(candidate.nir)}

    def save() -> Saved:
        update_candidate(candidate, identity_posted(request.POST), actor=request.user)
        return Saved(_("Identité enregistrée."), reverse("candidates:detail", args=[candidate.pk]))

    context = {"candidate": candidate}
    return service_form_page(request, form, save, "candidates/form.html", context)


CLEAR_NIR = "supprimer"


def identity_posted(posted: QueryDict) -> dict[str, Any]:
    """What the identity page sends: an empty NIR field keeps the NIR recorded; the word
    « supprimer » clears it."""
    data = {key: posted.get(key) for key in posted}
    typed = (data.get("nir") or "").strip()
    if not typed:
        data.pop("nir", None)
    elif typed.casefold() == CLEAR_NIR:
        data["nir"] = ""
    return data


@role_required(Role.STAFF)
@require_POST
def candidate_conflict(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_object_or_404(Candidate, pk=pk)
    form = ConflictForm(request.POST)
    declared = form.is_valid()
    if declared:
        declare_conflict(
            form.cleaned_data["user"],
            candidate,
            ConflictKind(form.cleaned_data["kind"]),
            form.cleaned_data["note"],
            actor=request.user,
        )
        form = ConflictForm()
    if is_htmx(request):
        context = {**_conflicts_context(candidate, form), "declared": declared}
        return render(request, "candidates/_conflicts.html", context)
    if declared:
        messages.success(request, _("Lien d'intérêt enregistré."))
        return redirect("candidates:detail", pk=candidate.pk)
    return render(request, "candidates/detail.html", _detail(request, candidate, form))
