"""The gestionnaire's partners pages: the list, a partner's page with its habilitations and
controls, the forms, the life-cycle changes, and the list owed to France compétences."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from certif.core.errors import Refused
from certif.core.http import attachment
from certif.core.roles import Role, role_required
from certif.documents.habilitations import habilitation_pdf
from certif.imports.partners import export_habilitations
from certif.partners.forms import (
    AmendmentForm,
    AuditActionForm,
    AuditForm,
    DiscardForm,
    HabilitationChangeForm,
    HabilitationForm,
    PartnerEditForm,
    PartnerForm,
    TransmissionForm,
)
from certif.partners.models import DeclarationExport, Habilitation, Partner, PartnerAudit
from certif.partners.queries import (
    habilitation_views,
    last_transmitted,
    since_last_export,
)
from certif.partners.queries import (
    partner_list as listed_partners,
)
from certif.partners.services import (
    add_audit_action,
    amend_habilitation,
    attach_document,
    change_habilitation,
    create_habilitation,
    create_partner,
    discard_blockers,
    discard_habilitation,
    mark_transmitted,
    open_document,
    record_audit,
    update_partner,
)
from certif.results.partner_figures import partner_figures
from certif.web.confirmation import Confirmation
from certif.web.refusals import refusal_text, with_refusal
from certif.web.shared_forms import Saved, act_and_redirect, reasoned_act_page, service_form_page

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXPORT_FORMATS = tuple(CONTENT_TYPES)


@role_required(Role.STAFF)
@require_GET
def partner_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "")[:100]
    return render(
        request,
        "partners/list.html",
        {"partners": listed_partners(search), "search": search, "today": date.today()},
    )


@role_required(Role.STAFF)
@require_http_methods(["GET", "POST"])
def partner_create(request: HttpRequest) -> HttpResponse:

    def save() -> Saved:
        partner = create_partner(request.POST, actor=request.user)
        message = _("Organisme %(name)s créé.") % {"name": partner.legal_name}
        return Saved(message, _partner_url(partner))

    form = PartnerForm(request.POST or None)
    return service_form_page(request, form, save, "partners/form.html", {"partner": None})


@role_required(Role.STAFF)
@require_http_methods(["GET", "POST"])
def partner_edit(request: HttpRequest, siret: str) -> HttpResponse:
    partner = get_object_or_404(Partner, siret=siret)
    form = PartnerEditForm(
        request.POST or None, instance=Partner.objects.get(pk=partner.pk),
        initial={"revision": partner.revision},
    )  # fmt: skip

    def save() -> Saved:
        update_partner(partner, request.POST, actor=request.user)
        return Saved(_("Organisme enregistré."), _partner_url(partner))

    return service_form_page(request, form, save, "partners/form.html", {"partner": partner})


def _partner_url(partner: Partner) -> str:
    return reverse("partners:detail", kwargs={"siret": partner.siret})


def _detail(partner: Partner, **forms: Any) -> dict[str, Any]:
    return {
        "partner": partner,
        "habilitations": habilitation_views(partner),
        "change_form": forms.get("change_form") or HabilitationChangeForm(),
        "audit_form": forms.get("audit_form") or AuditForm(),
        "action_form": AuditActionForm(),
        "audits": PartnerAudit.objects.filter(partner=partner).prefetch_related("actions"),
        "figures": partner_figures(partner),
        "today": date.today(),
    }


@role_required(Role.STAFF)
@require_GET
def partner_detail(request: HttpRequest, siret: str) -> HttpResponse:
    partner = get_object_or_404(Partner, siret=siret)
    return render(request, "partners/detail.html", _detail(partner))


@role_required(Role.STAFF)
@require_http_methods(["GET", "POST"])
def habilitation_create(request: HttpRequest, siret: str) -> HttpResponse:
    partner = get_object_or_404(Partner, siret=siret)
    form = HabilitationForm(request.POST or None, initial={"certification": "CCAB"})

    def save() -> Saved:
        habilitation = create_habilitation(partner, request.POST, actor=request.user)
        message = _(
            "Habilitation %(ref)s créée en brouillon : activez-la une fois l'acte signé."
        ) % {"ref": habilitation.reference}
        return Saved(message, _partner_url(partner))

    context = {"partner": partner}
    return service_form_page(request, form, save, "partners/habilitation_form.html", context)


@role_required(Role.STAFF)
@require_http_methods(["GET", "POST"])
def habilitation_amend(request: HttpRequest, reference: str) -> HttpResponse:
    """An avenant: new terms from a date on (a draft is simply rewritten)."""
    habilitation = get_object_or_404(
        Habilitation.objects.select_related("partner").prefetch_related("changes"),
        reference=reference,
    )
    terms = habilitation.to_domain().latest_terms
    form = AmendmentForm(
        request.POST or None,
        initial={
            "certification": habilitation.certification,
            "nature": terms.nature.value,
            "blocks": " ".join(terms.scope.sorted_blocks),
            "starts_on": terms.starts_on,
            "ends_on": terms.ends_on,
            "effective_on": date.today(),
        },
    )

    def save() -> Saved:
        amend_habilitation(habilitation, request.POST, actor=request.user)
        message = _("Habilitation %(ref)s : avenant enregistré.") % {"ref": reference}
        return Saved(message, _partner_url(habilitation.partner))

    context = {"partner": habilitation.partner, "habilitation": habilitation}
    return service_form_page(request, form, save, "partners/habilitation_form.html", context)


@role_required(Role.STAFF)
@require_POST
def habilitation_change(request: HttpRequest, reference: str) -> HttpResponse:
    habilitation = get_object_or_404(
        Habilitation.objects.select_related("partner"), reference=reference
    )
    try:
        change_habilitation(habilitation, request.POST, actor=request.user)
    except Refused as error:
        messages.error(request, f"{habilitation.reference} : {refusal_text(error)}")
    else:
        messages.success(
            request, _("Habilitation %(ref)s : changement enregistré.") % {"ref": reference}
        )
    return redirect("partners:detail", siret=habilitation.partner.siret)


@role_required(Role.STAFF)
@require_http_methods(["GET", "POST"])
def habilitation_discard(request: HttpRequest, reference: str) -> HttpResponse:
    """A draft written by mistake: why it cannot be discarded, or its reason asked, confirmed,
    then the draft discarded."""
    habilitation = get_object_or_404(
        Habilitation.objects.select_related("partner"), reference=reference
    )
    back = _partner_url(habilitation.partner)
    confirmation = Confirmation(
        title=_("Abandonner le brouillon %(ref)s") % {"ref": reference},
        consequences=[
            _("Le brouillon %(ref)s est supprimé ; sa référence ne sera pas réattribuée.")
            % {"ref": reference},
            _("Le journal garde ses termes, qui l'a abandonné et pourquoi."),
        ],
        button=_("Abandonner le brouillon"),
        cancel_url=back,
    )

    def discard() -> Saved:
        discard_habilitation(habilitation, request.POST, actor=request.user)
        return Saved(_("Brouillon %(ref)s abandonné.") % {"ref": reference}, back)

    return reasoned_act_page(
        request,
        DiscardForm(request.POST or None),
        discard_blockers(habilitation),
        confirmation,
        discard,
        "partners/discard.html",
        {"habilitation": habilitation},
    )


@role_required(Role.STAFF)
@require_http_methods(["GET", "POST"])
def habilitation_document(request: HttpRequest, reference: str) -> HttpResponseBase:
    """GET: the signed act as it was deposited; POST: deposit it (a PDF)."""
    habilitation = get_object_or_404(
        Habilitation.objects.select_related("partner"), reference=reference
    )
    if request.method == "GET":
        if not habilitation.document_sha256:
            return HttpResponse(status=404)
        response = StreamingHttpResponse(
            open_document(habilitation), content_type="application/pdf"
        )
        response["Content-Disposition"] = attachment(habilitation.document_name or "acte.pdf")
        return response
    upload = request.FILES.get("document")
    if upload is None:
        messages.error(request, _("Choisissez le fichier PDF de l'acte signé."))
    else:

        def act() -> str:
            attach_document(
                habilitation, upload.chunks(), upload.name or "acte.pdf", actor=request.user
            )
            return _("Acte signé enregistré.")

        return act_and_redirect(request, act, _partner_url(habilitation.partner))
    return redirect(_partner_url(habilitation.partner))


@role_required(Role.STAFF)
@require_GET
def habilitation_print(request: HttpRequest, reference: str) -> HttpResponse:
    """The habilitation as a PDF to have signed (Typst, as the other documents)."""
    habilitation = get_object_or_404(
        Habilitation.objects.select_related("partner").prefetch_related("changes"),
        reference=reference,
    )
    response = HttpResponse(habilitation_pdf(habilitation), content_type="application/pdf")
    response["Content-Disposition"] = attachment(f"habilitation-{habilitation.reference}.pdf")
    return response


@role_required(Role.STAFF)
@require_POST
def audit_create(request: HttpRequest, siret: str) -> HttpResponse:
    partner = get_object_or_404(Partner, siret=siret)
    try:
        record_audit(partner, request.POST, actor=request.user)
    except Refused as error:
        form = with_refusal(AuditForm(request.POST), error)
        return render(
            request, "partners/detail.html", _detail(partner, audit_form=form), status=422
        )
    messages.success(request, _("Contrôle enregistré."))
    return redirect("partners:detail", siret=partner.siret)


@role_required(Role.STAFF)
@require_POST
def audit_action_create(request: HttpRequest, siret: str, audit_id: int) -> HttpResponse:
    control = get_object_or_404(
        PartnerAudit.objects.select_related("partner"), pk=audit_id, partner__siret=siret
    )

    def act() -> str:
        add_audit_action(control, request.POST, actor=request.user)
        return _("Action requise enregistrée.")

    return act_and_redirect(request, act, _partner_url(control.partner))


@role_required(Role.STAFF)
@require_http_methods(["GET", "POST"])
def declaration(request: HttpRequest) -> HttpResponse:
    """GET: every change since the last transmitted export, with its deadline; POST: export the
    list (the file is downloaded, the export recorded, to be marked « transmise »)."""
    if request.method == "POST":
        fmt = request.POST.get("format", "csv")
        if fmt not in EXPORT_FORMATS:
            fmt = "csv"
        name = f"habilitations-{date.today():%Y-%m-%d}.{fmt}"
        with tempfile.TemporaryDirectory(prefix="certif-liste-") as folder:
            path = Path(folder) / name
            try:
                export_habilitations(path, actor=request.user)
            except Refused as error:
                messages.error(request, refusal_text(error))
                return redirect("partners:declaration")
            content = path.read_bytes()
        response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = attachment(name)
        return response
    return render(
        request,
        "partners/declaration.html",
        {
            "rows": since_last_export(),
            "last": last_transmitted(),
            "exports": DeclarationExport.objects.select_related("created_by")[:20],
            "transmit_form": TransmissionForm(initial={"transmitted_on": date.today()}),
        },
    )


@role_required(Role.STAFF)
@require_POST
def transmit(request: HttpRequest, pk: int) -> HttpResponse:
    export = get_object_or_404(DeclarationExport, pk=pk)

    def act() -> str:
        mark_transmitted(export, request.POST, actor=request.user)
        return _("Export marqué « transmise » : les changements qu'il montre sont déclarés.")

    return act_and_redirect(request, act, reverse("partners:declaration"))
