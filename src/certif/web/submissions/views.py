"""Deposited files and mémoire subjects for the staff: opening a file (journalled), its receipt,
the Direction pédagogique's review of subjects, missing deposits and extensions per session."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from certif.candidates.models import Candidate
from certif.core.errors import Forbidden, NotFound, Refused
from certif.core.roles import Role, role_required
from certif.deposits.storage import StoredFileMissing, StoredStream
from certif.documents.receipts import receipt_pdf
from certif.sessions.models import ExamSession
from certif.submissions import policies, services
from certif.submissions.forms import ExtensionForm, ReviewForm
from certif.submissions.models import Deposit
from certif.submissions.queries import all_subjects, missing_deposits, owed_item
from certif.web.refusals import with_refusal

OPENERS = (Role.CANDIDATE, Role.STAFF, Role.EVALUATOR, Role.JURY_MEMBER, Role.JURY_PRESIDENT)


def _attachment_name(deposit: Deposit, suffix: str = "") -> str:
    return f"{deposit.candidate.numero}-{deposit.session.code}-{deposit.deliverable}-v{deposit.version}{suffix}.pdf"


def _streamed_pdf(
    open_file: Callable[[], tuple[Deposit, StoredStream]], disposition: str, prefix: str = ""
) -> StreamingHttpResponse:
    """A deposit's stored PDF (the file or its receipt) as ``open_file`` opens it, streamed:
    what the services refuse answers as a page would (404 or 403), so that both downloads
    answer alike."""
    try:
        deposit, stream = open_file()
    except NotFound as error:
        raise Http404 from error
    except Forbidden as error:
        raise PermissionDenied from error
    except StoredFileMissing as error:
        raise Http404 from error
    response = StreamingHttpResponse(stream, content_type="application/pdf")
    response["Content-Length"] = str(stream.size)
    response["Content-Disposition"] = (
        f'{disposition}; filename="{prefix}{_attachment_name(deposit)}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@role_required(*OPENERS)
def deposit_file(request: HttpRequest, deposit_id: int) -> HttpResponseBase:
    """The deposited PDF, streamed; each opening is journalled."""
    return _streamed_pdf(lambda: services.open_deposit(deposit_id, actor=request.user), "inline")


@role_required(Role.CANDIDATE, Role.STAFF)
def receipt(request: HttpRequest, deposit_id: int) -> HttpResponseBase:
    """The receipt as it was issued (kept with the deposit), streamed."""
    return _streamed_pdf(
        lambda: services.open_receipt(deposit_id, actor=request.user, render=receipt_pdf),
        "attachment",
        prefix="accuse-",
    )


@role_required(Role.PEDAGOGY, Role.STAFF)
def subjects(request: HttpRequest) -> HttpResponse:
    listed = list(all_subjects())
    pending = [s for s in listed if s.status == "proposed"]
    others = [s for s in listed if s.status != "proposed"]
    context = {"pending": pending, "others": others}
    return render(request, "submissions/subjects.html", context)


@role_required(Role.PEDAGOGY, Role.STAFF)
def subject(request: HttpRequest, subject_id: int) -> HttpResponse:
    found = get_object_or_404(all_subjects(), pk=subject_id)
    may_review = policies.may_review_subjects(request.user) and found.status == "proposed"
    form = ReviewForm(initial={"revision": found.revision}) if may_review else None
    if request.method == "POST":
        try:
            services.review_subject(found.pk, request.POST, actor=request.user)
        except Forbidden as error:
            raise PermissionDenied from error
        except Refused as error:
            form = with_refusal(ReviewForm(request.POST), error)
        else:
            messages.success(request, _("Votre décision est enregistrée et transmise au candidat."))
            return redirect("submissions:subjects")
    context = {"subject": found, "reviews": found.reviews.all(), "form": form}
    return render(request, "submissions/subject.html", context)


def _session(session_id: int) -> ExamSession:
    return get_object_or_404(
        ExamSession.objects.select_related("referential_version"), pk=session_id
    )


@role_required(Role.STAFF)
def missing(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session(session_id)
    return render(
        request,
        "submissions/missing.html",
        {"session": session, "missing": missing_deposits(session)},
    )


@role_required(Role.STAFF)
def extension(request: HttpRequest, session_id: int, candidate_id: int, code: str) -> HttpResponse:
    session = _session(session_id)
    candidate = get_object_or_404(Candidate, pk=candidate_id)
    item = owed_item(candidate, session, code)
    if item is None:
        raise Http404
    form = ExtensionForm(initial={"until": item.extension.until if item.extension else None})
    if request.method == "POST":
        try:
            services.grant_extension(candidate, session, code, request.POST, actor=request.user)
        except Refused as error:
            form = with_refusal(ExtensionForm(request.POST), error)
        else:
            messages.success(request, _("La prolongation est accordée."))
            return redirect("submissions:missing", session.pk)
    context = {"session": session, "candidate": candidate, "item": item, "form": form}
    return render(request, "submissions/extension.html", context)
