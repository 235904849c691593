"""« Déclaration CDC »: the holders to declare and what their identity lacks, the deadlines,
the flux generated (downloaded only once validated), deposits, reports, correction requests,
the certifier's CDC identifiers. Gestionnaires only; every write goes through
``certif.declarations.services``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from certif.core.errors import Refused
from certif.core.http import attachment
from certif.core.roles import Role, role_required
from certif.declarations import queries, services
from certif.declarations.forms import CdcSettingsForm, CorrectionForm, ReportForm
from certif.declarations.models import CdcSettings, CorrectionRequest, Flux
from certif.declarations.tasks import flux_job
from certif.tasks.services import start
from certif.web.confirmation import Confirmation, confirmation_page, is_confirmed
from certif.web.refusals import refusal_text, with_refusal
from certif.web.shared_forms import act_and_redirect

# A report is a few megabytes for 100,000 passages.
MAX_REPORT_BYTES = 64 * 1024 * 1024


def _context(request: HttpRequest, **forms: Any) -> dict[str, Any]:
    settings = CdcSettings.load()
    rows = queries.readiness()
    return {
        "settings": settings,
        "settings_missing": settings.missing(),
        "settings_form": forms.get("settings_form") or CdcSettingsForm(instance=settings),
        "schema_problem": queries.schema_problem(),
        "ready": sum(1 for row in rows if row.ready),
        "incomplete": [row for row in rows if not row.ready],
        "deadlines": queries.deadlines(timezone.localdate()),
        "flux": Flux.objects.defer("content").order_by("-generated_at")[:50],
        "report_form": forms.get("report_form") or ReportForm(),
        "correction_form": forms.get("correction_form") or CorrectionForm(),
        "corrections": CorrectionRequest.objects.select_related("declaration__candidate").order_by(
            "answered_on", "due_on"
        )[:50],
    }


@role_required(Role.STAFF)
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    services.refresh_declarations(request.user)
    return render(request, "declarations/overview.html", _context(request))


def _posted_form(
    request: HttpRequest,
    save: Callable[[Any, Any], object],
    form_class: type[BaseForm],
    name: str,
    saved: str,
) -> HttpResponse:
    """One of the overview's forms, posted: saved by its service, or shown again on the
    overview (as ``name``) beside the refusal."""
    try:
        save(request.POST, request.user)
    except Refused as refused:
        form = with_refusal(form_class(request.POST), refused)
        context = _context(request, **{name: form})
        return render(request, "declarations/overview.html", context, status=400)
    messages.success(request, saved)
    return redirect("declarations:overview")


@role_required(Role.STAFF)
@require_http_methods(["POST"])
def settings_view(request: HttpRequest) -> HttpResponse:
    return _posted_form(
        request,
        services.update_settings,
        CdcSettingsForm,
        "settings_form",
        _("Paramètres de la déclaration enregistrés."),
    )


@role_required(Role.STAFF)
@require_POST
def generate(request: HttpRequest) -> HttpResponse:
    """Queue the flux's generation; its job's page follows it, then lists the files."""
    job = start(flux_job, actor=request.user, shown={gettext_noop("Contenu"): _("Flux CDC")})
    return redirect(job)


@role_required(Role.STAFF)
@require_GET
def flux_file(request: HttpRequest, flux_id: Any) -> HttpResponse:
    """The file as generated: it was validated against its schema before it was kept."""
    flux = get_object_or_404(Flux, pk=flux_id)
    response = HttpResponse(bytes(flux.content), content_type="application/xml")
    response["Content-Disposition"] = attachment(flux.file_name)
    return response


@role_required(Role.STAFF)
@require_POST
def deposited(request: HttpRequest, flux_id: Any) -> HttpResponse:
    flux = get_object_or_404(Flux.objects.defer("content"), pk=flux_id)
    if not is_confirmed(request):
        return confirmation_page(
            request,
            Confirmation(
                title=_("Marquer le flux déposé"),
                consequences=[
                    _(
                        "%(file)s (%(passages)s passage(s)) sera noté déposé sur le portail de "
                        "la Caisse des Dépôts ce jour : ses passages attendront son rapport de "
                        "traitement."
                    )
                    % {"file": flux.file_name, "passages": flux.passages}
                ],
                button=_("Marquer déposé"),
                cancel_url=reverse("declarations:overview"),
                irreversible=False,
            ),
        )

    def act() -> str:
        services.mark_deposited(flux, request.user)
        return _("Flux %(file)s marqué déposé.") % {"file": flux.file_name}

    return act_and_redirect(request, act, reverse("declarations:overview"))


@role_required(Role.STAFF)
@require_POST
def report(request: HttpRequest) -> HttpResponse:
    form = ReportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["report"]
        if upload.size > MAX_REPORT_BYTES:
            form.add_error("report", _("Rapport trop volumineux."))
        else:
            try:
                outcome = services.import_report(upload.read(), request.user)
            except Refused as refused:
                form.add_error("report", refusal_text(refused))
            else:
                messages.success(
                    request,
                    _(
                        "Rapport importé : %(accepted)s passage(s) accepté(s), %(rejected)s rejeté(s)."
                    )
                    % {"accepted": outcome.accepted, "rejected": outcome.rejected},
                )
                return redirect("declarations:overview")
    return render(
        request, "declarations/overview.html", _context(request, report_form=form), status=400
    )


@role_required(Role.STAFF)
@require_POST
def correction(request: HttpRequest) -> HttpResponse:
    return _posted_form(
        request,
        services.record_correction,
        CorrectionForm,
        "correction_form",
        _("Demande de correction enregistrée."),
    )


@role_required(Role.STAFF)
@require_POST
def correction_answered(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(CorrectionRequest, pk=pk)
    try:
        services.answer_correction(found, request.user)
    except Refused as refused:
        messages.error(request, refusal_text(refused))
    return redirect("declarations:overview")
