"""The bank of cases' pages: the bank, a case with its versions and usage, creating a case, a
new version, retiring; a session's draws; a drawn case as its evaluator or its candidate reads
it. Every write goes through ``certif.casebank.services``; every reading of a case's content is
journalled there."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from certif.casebank import queries, services
from certif.casebank.forms import CaseForm, ContentForm, ReasonForm
from certif.casebank.models import Case, CaseVersion, Draw
from certif.core.errors import Forbidden, NotFound
from certif.core.http import attachment
from certif.core.roles import Role, role_required
from certif.sessions.models import ExamSession
from certif.web.helpers import paginate
from certif.web.shared_forms import Saved, act_and_redirect, service_form_page


@role_required(Role.STAFF)
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    version = queries.bank_referential()
    referential = version.referential if version is not None else None
    page = paginate(request, queries.bank())
    rows = [(case, queries.slot_label(referential, case.slot)) for case in page.object_list]
    context = {"page": page, "rows": rows, "limit": services.max_uses_per_session()}
    return render(request, "casebank/list.html", context)


@role_required(Role.STAFF)
@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    slots = queries.slot_choices(queries.bank_referential())

    def save() -> Saved:
        case = services.create_case(request.POST, request.FILES.get("pdf"), actor=request.user)
        message = _("Cas %(reference)s créé.") % {"reference": case.reference}
        return Saved(message, reverse("casebank:detail", args=[case.pk]))

    form = CaseForm(request.POST or None, slots=slots)
    return service_form_page(request, form, save, "casebank/form.html", {"case": None})


@role_required(Role.STAFF)
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(Case, pk=pk)
    try:
        shown = services.open_case(case.pk, actor=request.user)
    except NotFound:
        shown = None
    version = queries.bank_referential()
    context = {
        "case": case,
        "slot": queries.slot_label(version.referential if version else None, case.slot),
        "shown": shown,
        "versions": queries.versions(case),
        "usage": queries.usage(case),
        "retire_form": ReasonForm(),
    }
    return render(request, "casebank/detail.html", context)


@role_required(Role.STAFF)
@require_http_methods(["GET", "POST"])
def case_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(Case, pk=pk)
    latest = queries.latest_version(case)
    initial = {"text": latest.text, "client_script": latest.client_script} if latest else {}
    form = ContentForm(request.POST or None, initial=initial)

    def save() -> Saved:
        version = services.add_version(
            case.pk, request.POST, request.FILES.get("pdf"), actor=request.user
        )
        message = _("Version %(number)s enregistrée.") % {"number": version.number}
        return Saved(message, reverse("casebank:detail", args=[case.pk]))

    context = {"case": case, "latest": latest}
    return service_form_page(request, form, save, "casebank/form.html", context)


@role_required(Role.STAFF)
@require_POST
def case_retire(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(Case, pk=pk)

    def act() -> str:
        services.retire_case(case.pk, request.POST, actor=request.user)
        return _("Cas %(reference)s retiré.") % {"reference": case.reference}

    return act_and_redirect(request, act, reverse("casebank:detail", args=[case.pk]))


def _opened_draw(request: HttpRequest, pk: int) -> Draw:
    get_object_or_404(Draw, pk=pk)
    try:
        return services.open_draw(pk, actor=request.user)
    except Forbidden as error:
        raise PermissionDenied(str(error)) from error


def _opened_version(request: HttpRequest, pk: int, number: int) -> CaseVersion:
    get_object_or_404(Case, pk=pk)
    try:
        return services.open_case(pk, actor=request.user, version_number=number)
    except Forbidden as error:
        raise PermissionDenied(str(error)) from error
    except NotFound as error:
        raise Http404(str(error)) from error


def _pdf(version: CaseVersion) -> StreamingHttpResponse:
    try:
        stream = services.attachment_stream(version)
    except NotFound as error:
        raise Http404(str(error)) from error
    response = StreamingHttpResponse(stream, content_type="application/pdf")
    response["Content-Length"] = str(stream.size)
    response["Content-Disposition"] = attachment(f"{version.case.reference}-v{version.number}.pdf")
    return response


@role_required(Role.STAFF, Role.EVALUATOR)
@require_GET
def version_pdf(request: HttpRequest, pk: int, number: int) -> HttpResponseBase:
    return _pdf(_opened_version(request, pk, number))


# -- draws ------------------------------------------------------------------------------------


@role_required(Role.STAFF)
@require_http_methods(["GET", "POST"])
def session_draws(request: HttpRequest, session_pk: int) -> HttpResponse:
    session = get_object_or_404(
        ExamSession.objects.select_related("referential_version"), pk=session_pk
    )
    if request.method == "POST":

        def act() -> str:
            outcome = services.draw_cases(session, actor=request.user)
            return _("%(count)s cas tiré(s).") % {"count": outcome.drawn}

        return act_and_redirect(request, act, reverse("casebank:session", args=[session.pk]))
    referential = session.referential_version.referential
    draws = [
        (
            draw,
            queries.slot_label(referential, draw.slot),
            queries.epreuve_start(session, draw.slot),
        )
        for draw in queries.session_draws(session)
    ]
    context = {
        "session": session,
        "draws": draws,
        "slots": [queries.slot_label(referential, slot.key) for slot in referential.case_slots()],
        "limit": services.max_uses_per_session(),
    }
    return render(request, "casebank/session.html", context)


@role_required(Role.STAFF)
@require_POST
def draw_again(request: HttpRequest, pk: int) -> HttpResponse:
    draw = get_object_or_404(Draw, pk=pk)

    def act() -> str:
        replacement = services.redraw(draw.pk, request.POST, actor=request.user)
        return _("Nouveau cas tiré : %(reference)s.") % {"reference": replacement.case.reference}

    return act_and_redirect(request, act, reverse("casebank:session", args=[draw.session_id]))


@role_required(Role.STAFF, Role.EVALUATOR, Role.CANDIDATE)
@require_GET
def drawn_case(request: HttpRequest, pk: int) -> HttpResponse:
    """A drawn case as its reader may see it: the candidate never sees the client's script."""
    draw = _opened_draw(request, pk)
    context = {
        "draw": draw,
        "label": queries.slot_label(draw.session.referential_version.referential, draw.slot),
        "own": draw.candidate.user_id == request.user.pk,
    }
    return render(request, "casebank/drawn.html", context)


@role_required(Role.STAFF, Role.EVALUATOR, Role.CANDIDATE)
@require_GET
def drawn_case_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _pdf(_opened_draw(request, pk).version)
