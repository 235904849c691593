"""The candidate's deposits and mémoire subject, in Mon espace.

The candidate is always ``request.user``'s own: no page takes a candidate's id.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from certif.candidates.models import Candidate
from certif.core.errors import Refused
from certif.core.roles import Role, role_required
from certif.documents.receipts import receipt_pdf
from certif.sessions.models import ExamSession
from certif.submissions import services
from certif.submissions.forms import DepositForm, SubjectForm, subject_initial
from certif.submissions.models import SubjectStatus
from certif.submissions.queries import current_subject, everything_owed, owed_item
from certif.web.myspace.views import own_candidate
from certif.web.refusals import refusal_text, with_refusal
from certif.web.submissions.uploads import announced_too_large, bound_uploads


def _candidate(request: HttpRequest) -> Candidate:
    candidate = own_candidate(request)
    if candidate is None:
        raise Http404
    return candidate


def _deposits_page(
    request: HttpRequest,
    candidate: Candidate,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "candidate": candidate,
        "rows": [
            (item, (errors or {}).get(_key(item.session, item.code)))
            for item in everything_owed(candidate)
        ],
        "subject": current_subject(candidate),
        "annexes_form": DepositForm(),
    }
    return render(request, "myspace/deposits.html", context, status=status)


@role_required(Role.CANDIDATE)
def deposits(request: HttpRequest) -> HttpResponse:
    return _deposits_page(request, _candidate(request))


def _too_large(max_mb: int) -> str:
    return _(
        "Le fichier envoyé dépasse la taille maximale de %(size)s Mo : il n'a pas été lu. "
        "Compressez ses images avant de le déposer."
    ) % {"size": max_mb}


@csrf_exempt
@role_required(Role.CANDIDATE)
def deposit(request: HttpRequest, session_id: int, code: str) -> HttpResponse:
    """Receive one file. The upload handlers are set before anything reads the body (the CSRF
    check included, done by ``_deposit`` once they are in place)."""
    if request.method != "POST":
        return redirect("myspace:deposits")
    candidate = _candidate(request)
    session = get_object_or_404(
        ExamSession.objects.select_related("referential_version"), pk=session_id
    )
    item = owed_item(candidate, session, code)
    if item is None:
        raise Http404
    deliverable = item.placed.deliverable
    if announced_too_large(request, deliverable.max_size_bytes):
        message = _too_large(deliverable.max_size_mb)
        response = _deposits_page(request, candidate, {_key(session, code): message}, 413)
        response["Connection"] = "close"  # the unread body stays on the connection
        return response
    bound_uploads(request, deliverable.max_size_bytes)
    return _deposit(request, candidate, session, code, deliverable.max_size_mb)


def _key(session: ExamSession, code: str) -> str:
    return f"{session.pk}-{code}"


@csrf_protect
def _deposit(
    request: HttpRequest, candidate: Candidate, session: ExamSession, code: str, max_mb: int
) -> HttpResponse:
    upload = request.FILES.get("file")
    key = _key(session, code)
    if upload is None:
        if getattr(request.upload_handlers[0], "too_large", False):
            return _deposits_page(request, candidate, {key: _too_large(max_mb)})
        return _deposits_page(request, candidate, {key: _("Choisissez un fichier PDF à déposer.")})
    try:
        deposited = services.deposit_file(
            candidate, session, code, upload.chunks(), shown_name=upload.name or "",
            data=request.POST, actor=request.user, receipt=receipt_pdf,
        )  # fmt: skip
    except Refused as error:
        return _deposits_page(request, candidate, {key: refusal_text(error)})
    finally:
        upload.close()
    messages.success(
        request,
        _("« %(name)s » est déposé (version %(version)s). Votre accusé de dépôt est disponible.")
        % {"name": deposited.original_name[:80], "version": deposited.version},
    )
    return redirect("myspace:deposits")


@role_required(Role.CANDIDATE)
def subject(request: HttpRequest) -> HttpResponse:
    candidate = _candidate(request)
    current = current_subject(candidate)
    initial = subject_initial(current) if current is not None else {}
    form = SubjectForm(initial=initial)
    if request.method == "POST":
        try:
            services.propose_subject(candidate, request.POST, actor=request.user)
        except Refused as error:
            form = with_refusal(SubjectForm(request.POST), error)
        else:
            messages.success(request, _("Votre sujet est transmis à la Direction pédagogique."))
            return redirect("myspace:subject")
    may_propose = current is None or current.status in (
        SubjectStatus.CHANGES_REQUESTED,
        SubjectStatus.REFUSED,
    )
    context = {
        "candidate": candidate,
        "subject": current,
        "reviews": current.reviews.all() if current is not None else [],
        "form": form if may_propose else None,
    }
    return render(request, "myspace/subject.html", context)
