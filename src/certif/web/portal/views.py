"""The partner portal: a partner's staff see their partner, its habilitations and figures, and
their own candidates only — their identity (filled, never the NIR once saved), enrolments,
grading progress, convocations and published results; never another partner's candidates
(the same « not found » as for an unknown one), never a deliberation.

The partner is always the one the signed-in account is bound to: no page takes a partner's
SIRET, so changing an address cannot reach another partner."""

from __future__ import annotations

import hashlib
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from certif.candidates.forms import CandidateEditForm
from certif.candidates.models import Candidate
from certif.candidates.services import update_candidate
from certif.core.errors import Refused
from certif.core.http import attachment
from certif.core.roles import Role, role_required
from certif.deliberations.reading import (
    published_figures,
    published_result,
    results_frame,
    shown_results,
)
from certif.documents.archive import file_name
from certif.documents.models import IssuedDocument, Kind, Status
from certif.grading.models import SheetStatus
from certif.grading.queries import grading_progress
from certif.imports.exports import write_frame
from certif.imports.partners import import_partner_candidates
from certif.imports.reading import FileRejected
from certif.imports.tasks import import_portal_candidates_job
from certif.partners.models import Partner
from certif.partners.policies import partner_of
from certif.partners.queries import habilitation_views
from certif.partners.services import record_results_export
from certif.sessions.queries import sessions_open_for_enrolment
from certif.sessions.services import enrol
from certif.tasks.services import start
from certif.web.candidates.views import creation_page, identity_posted
from certif.web.helpers import problems_context
from certif.web.imports.forms import (
    CandidatesImportForm,
    handed_over,
    in_background,
    saved_upload,
)
from certif.web.portal.forms import PortalEnrolForm
from certif.web.shared_forms import Saved, service_form_page

RESULT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def own_partner(request: HttpRequest) -> Partner:
    partner = partner_of(request.user)
    if partner is None:
        # A partner account not (or no longer) bound to a partner sees nothing.
        raise Http404
    return partner


def own_candidate(request: HttpRequest, numero: str) -> Candidate:
    """The partner's candidate, or 404 exactly as for a numero that does not exist."""
    candidate = Candidate.objects.filter(numero=numero, partner=own_partner(request)).first()
    if candidate is None:
        raise Http404(_("Candidat inconnu."))
    return candidate


@role_required(Role.PARTNER)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    partner = partner_of(request.user)
    if partner is None:
        # An administrator holds every role without working for a partner.
        return render(request, "portal/home.html", {"partner": None})
    candidates = (
        Candidate.objects.filter(partner=partner)
        .annotate(
            enrolled=Count("enrolments", distinct=True),
            sheets_done=Count(
                "sheets", filter=Q(sheets__status=SheetStatus.SUBMITTED), distinct=True
            ),
        )
        .order_by("birth_name", "first_name", "numero")
    )
    return render(
        request,
        "portal/home.html",
        {
            "partner": partner,
            "habilitations": [h for h in habilitation_views(partner) if h.state.value != "draft"],
            "candidates": candidates,
            "figures": published_figures(partner),
            "published_only": True,
        },
    )


@role_required(Role.PARTNER)
@require_http_methods(["GET", "POST"])
def candidate_create(request: HttpRequest) -> HttpResponse:
    own_partner(request)
    return creation_page(
        request,
        "portal/candidate_form.html",
        lambda made: reverse("portal:candidate", kwargs={"numero": made.numero}),
    )


@role_required(Role.PARTNER)
@require_http_methods(["GET", "POST"])
def candidates_import(request: HttpRequest) -> HttpResponse:
    """The partner's candidates' identities from a file (the candidates' columns), all or
    nothing: imported while the page waits, or, above the staff's imports' size
    (``CERTIF_IMPORT_BACKGROUND_KB``), by the worker, followed on the job's page (which only
    the person who started it, and gestionnaires, may open)."""
    partner = own_partner(request)
    form = CandidatesImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["fichier"]
        if in_background(upload):
            job = start(
                import_portal_candidates_job,
                actor=request.user,
                shown={gettext_noop("Fichier"): upload.name or ""},
                upload=handed_over(upload),
                partner=partner.pk,
            )
            return redirect(job)
        try:
            with saved_upload(upload) as path:
                report = import_partner_candidates(path, partner, actor=request.user)
        except FileRejected as rejected:
            context.update(problems_context(rejected))
        except Refused as error:
            form.add_error(None, str(error))
        else:
            for line in report.lines():
                messages.success(request, line)
            return redirect("portal:home")
    return render(request, "portal/import.html", context)


@role_required(Role.PARTNER)
@require_GET
def candidate_detail(request: HttpRequest, numero: str) -> HttpResponse:
    candidate = own_candidate(request, numero)
    convocations = IssuedDocument.objects.filter(
        candidate=candidate, kind=Kind.CONVOCATION, status=Status.VALID
    ).select_related("session")
    return render(
        request,
        "portal/candidate.html",
        {
            "candidate": candidate,
            "progress": grading_progress(candidate),
            "result": published_result(candidate, get_language() or "fr"),
            "convocations": convocations,
        },
    )


@role_required(Role.PARTNER)
@require_http_methods(["GET", "POST"])
def candidate_edit(request: HttpRequest, numero: str) -> HttpResponse:
    candidate = own_candidate(request, numero)
    form = CandidateEditForm(request.POST or None, instance=Candidate.objects.get(pk=candidate.pk))
    # The NIR is never shown once saved, not even masked: the field comes empty and, left
    # empty, keeps the one recorded.
    form.initial["nir"] = ""
    if candidate.nir:
        form.fields["nir"].help_text = _(
            "Un NIR est enregistré. Laissez vide pour le garder ; saisissez-en un autre pour le "
            "remplacer."
        )

    def save() -> Saved:
        update_candidate(candidate, identity_posted(request.POST), actor=request.user)
        url = reverse("portal:candidate", kwargs={"numero": candidate.numero})
        return Saved(_("Identité enregistrée."), url)

    context = {"candidate": candidate}
    return service_form_page(request, form, save, "portal/candidate_form.html", context)


@role_required(Role.PARTNER)
@require_GET
def convocation(request: HttpRequest, numero: str, public_id: str) -> HttpResponse:
    candidate = own_candidate(request, numero)
    document = IssuedDocument.objects.filter(
        public_id=public_id, candidate=candidate, kind=Kind.CONVOCATION, status=Status.VALID
    ).first()
    if document is None:
        raise Http404
    response = HttpResponse(document.pdf_bytes(), content_type="application/pdf")
    response["Content-Disposition"] = attachment(file_name(document))
    return response


@role_required(Role.PARTNER)
@require_http_methods(["GET", "POST"])
def enrol_page(request: HttpRequest) -> HttpResponse:
    partner = own_partner(request)
    form = PortalEnrolForm(
        request.POST or None,
        sessions=sessions_open_for_enrolment().select_related("referential_version"),
        candidates=Candidate.objects.filter(partner=partner),
    )

    def save() -> Saved:
        outcome = enrol(
            form.cleaned_data["session"],
            [candidate.pk for candidate in form.cleaned_data["candidats"]],
            form.units(),
            actor=request.user,
        )
        message = _("%(created)s inscription(s) créée(s), %(existing)s déjà présente(s).") % {
            "created": outcome.created,
            "existing": outcome.existing,
        }
        return Saved(message, reverse("portal:home"))

    context = {"partner": partner}
    return service_form_page(request, form, save, "portal/enrol.html", context, cleaned_first=True)


@role_required(Role.PARTNER)
@require_GET
def results(request: HttpRequest) -> HttpResponse:
    """The published results of the partner's candidates as a table: what the jury decided,
    once published, never the proposals nor the deliberation itself."""
    partner = own_partner(request)
    shown = shown_results(partner)
    return render(
        request,
        "portal/results.html",
        {
            "partner": partner,
            "rows": shown.rows,
            "codes": shown.codes,
            "waiting": shown.waiting,
            "formats": RESULT_FORMATS,
        },
    )


@role_required(Role.PARTNER)
@require_POST
def results_download(request: HttpRequest) -> HttpResponse:
    """The results page's table as a CSV or XLSX file (texts a spreadsheet would take for a
    formula neutralised, as every export), journalled."""
    partner = own_partner(request)
    fmt = request.POST.get("format", "csv")
    if fmt not in RESULT_FORMATS:
        fmt = "csv"
    frame = results_frame(shown_results(partner))
    name = f"resultats-{partner.siret}-{date.today():%Y-%m-%d}.{fmt}"
    with tempfile.TemporaryDirectory(prefix="certif-resultats-") as folder:
        path = Path(folder) / name
        try:
            write_frame(frame, path)
        except FileRejected as rejected:
            messages.error(request, rejected.describe(limit=5))
            return redirect("portal:results")
        content = path.read_bytes()
    digest = hashlib.sha256(content).hexdigest()
    record_results_export(partner, frame.height, fmt, digest, actor=request.user)
    response = HttpResponse(content, content_type=RESULT_FORMATS[fmt])
    response["Content-Disposition"] = attachment(name)
    return response
