"""The documents pages: public verification, a session's documents, one document's life cycle,
downloads of one document or of a batch.

Views parse a form, call one service and render. Who may download what: gestionnaires every
document, a candidate their own valid documents, jury members the minutes of deliberations.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from certif.core.errors import Invalid, Stale
from certif.core.http import attachment
from certif.core.roles import JURY, Role, role_required
from certif.deliberations.models import Deliberation
from certif.documents import presenting, services
from certif.documents.archive import archived, file_name, write_zip
from certif.documents.forms import CertifierSettingsForm, ReasonForm
from certif.documents.mailing import convocations_of
from certif.documents.mentions import lint_certifier
from certif.documents.models import (
    DOWNLOADERS,
    CertifierSettings,
    ContentErased,
    IssuedDocument,
    Kind,
    Status,
    normalise_number,
)
from certif.documents.presenting import valid_convocations
from certif.documents.tasks import generate_job, send_convocations_job
from certif.sessions import timetable
from certif.sessions.forms import TimetableForm
from certif.sessions.models import ExamSession
from certif.tasks.services import start
from certif.web.confirmation import Confirmation, confirmation_page, is_confirmed
from certif.web.documents.forms import CheckFileForm, KindForm, NumberForm
from certif.web.helpers import paginate


def _document(public_id: str) -> IssuedDocument:
    return get_object_or_404(
        IssuedDocument.objects.select_related(
            "session", "candidate", "deliberation", "superseded_by", "replaces"
        ),
        public_id=normalise_number(public_id),
    )


def _pdf_response(document: IssuedDocument) -> HttpResponse:
    response = HttpResponse(document.pdf_bytes(), content_type="application/pdf")
    response["Content-Disposition"] = attachment(file_name(document))
    return response


# -- public verification -----------------------------------------------------------------------


@require_GET
def verify_number(request: HttpRequest) -> HttpResponse:
    """« /verifier/ »: the number typed as printed leads to its document's verification."""
    form = NumberForm(request.GET or None)
    if form.is_valid():
        return redirect("verify", public_id=form.cleaned_data["numero"])
    status = 400 if form.is_bound else 200
    return render(request, "documents/verify.html", {"number_form": form}, status=status)


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, public_id: str) -> HttpResponse:
    """Anyone holding a document checks it: valid, revoked or replaced, with only its title,
    holder and date of issue; and, if they wish, whether their file is the archived one."""
    document = (
        IssuedDocument.objects.defer("pdf", "data")
        .select_related("superseded_by")
        .filter(public_id=normalise_number(public_id))
        .first()
    )
    if document is None:
        context = {"public_id": public_id, "number_form": NumberForm(), "unknown": True}
        return render(request, "documents/verify.html", context, status=404)
    form = (
        CheckFileForm(request.POST, request.FILES) if request.method == "POST" else CheckFileForm()
    )
    matches = (
        form.cleaned_data["fichier"] == document.sha256
        if form.is_bound and form.is_valid()
        else None
    )
    return render(
        request,
        "documents/verify.html",
        {
            "document": document,
            "form": form,
            "matches": matches,
            "status_class": presenting.STATUS_CLASSES[document.status],
        },
    )


# -- a session's documents ---------------------------------------------------------------------


def _session_context(request: HttpRequest, session: ExamSession) -> dict[str, Any]:
    kind = request.GET.get("nature", "")
    return {
        "session": session,
        "rows": presenting.overview(session),
        "chosen_kind": kind if kind in Kind.values else "",
        "kinds": Kind.choices,
        "page": paginate(request, presenting.session_documents(session, kind)),
        "status_classes": presenting.STATUS_CLASSES,
    }


@role_required(Role.STAFF)
def session_documents(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_object_or_404(ExamSession, pk=session_id)
    return render(request, "documents/session.html", _session_context(request, session))


@role_required(Role.STAFF)
@require_POST
def generate(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_object_or_404(ExamSession, pk=session_id)
    form = KindForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez la nature des documents à produire."))
        return redirect("documents:session", session_id=session.pk)
    kind = form.kind()
    url = f"{reverse('documents:session', args=[session.pk])}?nature={kind.value}"
    try:
        services.check_generation(session, kind, acknowledged=is_confirmed(request))
    except services.NeedsAcknowledgement as told:
        return confirmation_page(
            request,
            Confirmation(
                title=_("Produire les documents : %(kind)s") % {"kind": kind.label},
                consequences=told.warnings,
                button=_("Produire quand même"),
                cancel_url=url,
                irreversible=False,
            ),
        )
    except services.DocumentRefused as refused:
        messages.error(request, str(refused))
        return redirect(url)
    job = start(
        generate_job,
        actor=request.user,
        shown={gettext_noop("Session"): session.code, gettext_noop("Nature"): kind.label},
        session=session.pk,
        kind=kind.value,
    )
    return redirect(job)


@role_required(Role.STAFF)
@require_POST
def send_convocations_view(request: HttpRequest, session_id: int) -> HttpResponse:
    """The session's convocations to their candidates by e-mail, once confirmed, by the
    worker; those already sent are not sent again."""
    session = get_object_or_404(ExamSession, pk=session_id)
    documents = convocations_of(session)
    with_address = sum(
        1 for document in documents if document.candidate and document.candidate.email
    )
    if not is_confirmed(request):
        return confirmation_page(
            request,
            Confirmation(
                title=_("Envoyer les convocations de la session %(code)s") % {"code": session.code},
                consequences=[
                    ngettext(
                        "%(count)d convocation en vigueur, dont %(sent)d à une adresse de courriel.",
                        "%(count)d convocations en vigueur, dont %(sent)d à une adresse de courriel.",
                        len(documents),
                    ) % {"count": len(documents), "sent": with_address},
                    _("Celles déjà envoyées ne le sont pas une seconde fois ; chaque envoi est journalisé."),
                ],
                button=_("Envoyer"),
                cancel_url=reverse("documents:session", args=[session.pk]),
                irreversible=False,
            ),
        )  # fmt: skip
    job = start(
        send_convocations_job,
        actor=request.user,
        shown={gettext_noop("Session"): session.code},
        session=session.pk,
    )
    return redirect(job)


@role_required(Role.STAFF)
def batch(request: HttpRequest, session_id: int) -> HttpResponseBase:
    """The session's valid documents of one kind, as a zip of their archived files."""
    session = get_object_or_404(ExamSession, pk=session_id)
    form = KindForm(request.GET)
    if not form.is_valid():
        raise Http404
    kind = form.kind()
    documents = (
        IssuedDocument.objects.filter(session=session, kind=kind, status=Status.VALID)
        .select_related("session", "candidate", "deliberation")
        .order_by("candidate__numero", "block_code", "pk")
    )
    if not documents.exists():
        messages.warning(request, _("Aucun document de cette nature n'a encore été produit."))
        return redirect("documents:session", session_id=session.pk)
    # Spooled to disk past a few megabytes: a session's batch can weigh hundreds.
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (FileResponse closes it)
    write_zip(archived(documents.iterator(chunk_size=100)), out)
    out.seek(0)
    name = f"{kind.value}-{session.code}.zip"
    return FileResponse(out, as_attachment=True, filename=name, content_type="application/zip")


# -- the timetable of the épreuves ------------------------------------------------------------


def _saved_message(request: HttpRequest, saved: timetable.TimetableSaved) -> None:
    if not saved.changed:
        messages.info(request, _("L'horaire des épreuves est inchangé."))
        return
    messages.success(request, _("L'horaire des épreuves est enregistré."))
    issued = valid_convocations(saved.timetable.session)
    if issued:
        messages.warning(
            request,
            ngettext(
                "%(count)d convocation déjà délivrée garde l'ancien horaire : rééditez-la "
                "depuis sa fiche pour que le candidat reçoive le nouveau.",
                "%(count)d convocations déjà délivrées gardent l'ancien horaire : rééditez-les "
                "depuis leur fiche pour que les candidats reçoivent le nouveau.",
                issued,
            )
            % {"count": issued},
        )


@role_required(Role.STAFF)
@require_http_methods(["GET", "POST"])
def session_timetable(request: HttpRequest, session_id: int) -> HttpResponse:
    """Day, time and room of each épreuve, as the convocations print them."""
    session = get_object_or_404(
        ExamSession.objects.select_related("referential_version"), pk=session_id
    )
    current = timetable.timetable(session)
    if request.method == "GET":
        form = TimetableForm(current.rows, initial={"fingerprint": current.fingerprint})
        return render(request, "documents/timetable.html", {"session": session, "form": form})
    form = TimetableForm(current.rows, request.POST)
    if form.is_valid():
        try:
            saved = timetable.set_timetable(
                session, form.slots(), request.user, expected=form.cleaned_data["fingerprint"]
            )
        except timetable.TimetableRefused as refused:
            for message in refused.problems:
                form.add_error(None, message)
        except Stale as changed:
            # What the other person saved is shown beside what was typed; saving again, now
            # knowingly, replaces it.
            data = request.POST.copy()
            data["fingerprint"] = changed.current
            form = TimetableForm(current.rows, data)
            form.is_valid()
            form.add_error(None, str(changed))
            context = {"session": session, "form": form, "saved_rows": current.rows}
            return render(request, "documents/timetable.html", context, status=409)
        else:
            _saved_message(request, saved)
            return redirect("documents:timetable", session_id=session.pk)
    return render(
        request, "documents/timetable.html", {"session": session, "form": form}, status=400
    )


# -- one document ------------------------------------------------------------------------------


@role_required(*DOWNLOADERS)
def download(request: HttpRequest, public_id: str) -> HttpResponse:
    document = _document(public_id)
    if not document.may_be_downloaded_by(request.user):
        raise PermissionDenied
    try:
        return _pdf_response(document)
    except ContentErased as erased:
        messages.error(request, str(erased))
        return redirect("documents:detail", public_id=document.public_id)


@role_required(Role.STAFF, *JURY)
def minutes(request: HttpRequest, deliberation_id: int) -> HttpResponse:
    """The archived minutes of a closed deliberation: the very file produced at closing."""
    deliberation = get_object_or_404(
        Deliberation.objects.select_related("session"), pk=deliberation_id
    )
    document = services.minutes_document(deliberation)
    if document is None:
        if not deliberation.is_closed:
            raise Http404
        # Closed while the certifier's identity was incomplete: the minutes wait for it.
        messages.error(
            request,
            _(
                "Le procès-verbal de cette délibération n'est pas encore établi : %(problem)s "
                "Un gestionnaire complète les paramètres du certificateur, puis le produit "
                "depuis les documents officiels de la session."
            )
            % {"problem": presenting.minutes_problem(deliberation)},
        )
        return redirect("deliberations:detail", pk=deliberation.pk)
    return _pdf_response(document)


# The acts on a document that take a reason: their form's prefix, and its name on the page.
REASON_FORMS = {"revocation": "revoke_form", "reedition": "reissue_form"}


def _detail(
    request: HttpRequest,
    document: IssuedDocument,
    posted: ReasonForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    """The document's page; ``posted``, a reason's form shown again in place of an empty one."""
    reason_forms = {name: ReasonForm(prefix=prefix) for prefix, name in REASON_FORMS.items()}
    if posted is not None:
        reason_forms[REASON_FORMS[posted.prefix or ""]] = posted
    return render(
        request,
        "documents/detail.html",
        {
            "document": document,
            "history": presenting.history(document),
            "status_class": presenting.STATUS_CLASSES[document.status],
            **reason_forms,
            "can_revoke": document.status == Status.VALID and document.kind != Kind.PV,
            "can_reissue": document.superseded_by_id is None and document.kind != Kind.PV,
            "error": error,
        },
        status=status,
    )


@role_required(Role.STAFF)
def detail(request: HttpRequest, public_id: str) -> HttpResponse:
    return _detail(request, _document(public_id))


@role_required(Role.STAFF)
@require_POST
def revoke(request: HttpRequest, public_id: str) -> HttpResponse:
    document = _document(public_id)

    def act(reason: str) -> HttpResponse:
        if not is_confirmed(request):
            return confirmation_page(request, _revocation(document, reason))
        services.revoke(document, request.user, reason)
        messages.success(
            request, _("Le document n° %(number)s est révoqué.") % {"number": document.number}
        )
        return redirect("documents:detail", public_id=document.public_id)

    return _with_reason(request, document, "revocation", act)


def _revocation(document: IssuedDocument, reason: str) -> Confirmation:
    holder = document.candidate.display_name if document.candidate else "—"
    return Confirmation(
        title=_("Révoquer le document n° %(number)s") % {"number": document.number},
        consequences=[
            _(
                "« %(title)s » de %(holder)s ne sera plus valide : sa vérification en "
                "ligne le dira révoqué, avec la date, et le candidat ne pourra plus le "
                "télécharger."
            )
            % {"title": document.title, "holder": holder},
            _("Motif enregistré : %(reason)s") % {"reason": reason},
        ],
        button=_("Révoquer"),
        cancel_url=reverse("documents:detail", args=[document.public_id]),
    )


@role_required(Role.STAFF)
@require_POST
def reissue(request: HttpRequest, public_id: str) -> HttpResponse:
    document = _document(public_id)

    def act(reason: str) -> HttpResponse:
        new = services.reissue(document, request.user, reason)
        messages.success(
            request,
            _("Le document n° %(new)s remplace le document n° %(old)s.")
            % {"new": new.number, "old": document.number},
        )
        return redirect("documents:detail", public_id=new.public_id)

    return _with_reason(request, document, "reedition", act)


def _with_reason(
    request: HttpRequest,
    document: IssuedDocument,
    prefix: str,
    act: Callable[[str], HttpResponse],
) -> HttpResponse:
    """An act on the document that takes a reason (revocation, re-edition): its form (fields
    prefixed ``prefix``) shown again on the document's page when invalid or when the service
    refuses, else ``act`` given the reason."""
    form = ReasonForm(request.POST, prefix=prefix)
    if not form.is_valid():
        return _detail(request, document, posted=form, status=400)
    try:
        return act(form.cleaned_data["motif"])
    except services.DocumentRefused as refused:
        return _detail(request, document, posted=form, error=str(refused), status=400)


# -- the certifier's settings ------------------------------------------------------------------


@role_required(Role.STAFF)
@require_http_methods(["GET", "POST"])
def certifier_settings(request: HttpRequest) -> HttpResponse:
    certifier = CertifierSettings.load()
    form = CertifierSettingsForm(instance=certifier)
    status = 200
    if request.method == "POST":
        try:
            services.save_certifier_settings(request.POST, request.FILES, request.user)
        except Invalid as invalid:
            form, status = invalid.form, 400
        else:
            messages.success(request, _("Les paramètres du certificateur sont enregistrés."))
            # The page it leads back to lists what the linter finds in them.
            return redirect("documents:settings")
    context = {"form": form, "certifier": certifier, "findings": lint_certifier(certifier)}
    return render(request, "documents/settings.html", context, status=status)
