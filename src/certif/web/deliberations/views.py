"""The jury's pages: the sessions to deliberate, a deliberation's table, its jury, closing.

Views parse a form, call one service, and render: the whole page, or with htmx the fragment
that changed (a row of the table, or the jury panel), with the panels that depend on it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from certif.candidates.models import Candidate
from certif.core.errors import Forbidden, Refused
from certif.core.policies import require
from certif.core.roles import JURY, Role, role_required
from certif.deliberations import policies, presenting, services
from certif.deliberations.checks import Counts, composition_report, counts
from certif.deliberations.forms import (
    AmendmentForm,
    MemberForm,
    OpenForm,
    OverrideForm,
    PresenceForm,
    RecusalForm,
)
from certif.deliberations.models import (
    JURY_STATUSES,
    Decision,
    Deliberation,
    DeliberationForbidden,
    JuryMember,
    Kind,
    Recusal,
    State,
)
from certif.deliberations.proposals import grading_left
from certif.grading.models import ScoreSheet
from certif.imports.tasks import export_deliberation_job
from certif.sessions.models import ExamSession
from certif.submissions.queries import missing_by_candidate
from certif.tasks.services import start
from certif.web.confirmation import Confirmation, confirmation_page, is_confirmed
from certif.web.deliberations.forms import FilterForm
from certif.web.helpers import paginate
from certif.web.refusals import refusal_text
from certif.web.shared_forms import Saved, service_form_page

READERS = (Role.STAFF, *JURY)
OPENERS = (Role.STAFF,)
MANAGERS = (Role.STAFF, Role.JURY_PRESIDENT)
# The table's filters and page, carried through a form post so that the page comes back as it was.
KEPT = ("filtre", "q", "page")


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _kept(data: QueryDict) -> dict[str, str]:
    return {key: str(data[key]) for key in KEPT if data.get(key)}


def _detail_url(deliberation: Deliberation, kept: dict[str, str], anchor: str = "") -> str:
    url = reverse("deliberations:detail", args=[deliberation.pk])
    if kept:
        query = QueryDict(mutable=True)
        query.update(kept)
        url += f"?{query.urlencode()}"
    return url + (f"#{anchor}" if anchor else "")


def _deliberation(pk: int) -> Deliberation:
    return get_object_or_404(
        Deliberation.objects.select_related("session", "opened_by", "closed_by", "published_by"),
        pk=pk,
    )


def _permissions(request: HttpRequest, deliberation: Deliberation) -> dict[str, bool]:
    """What this person may do on this jury: the policies the services enforce."""
    user = request.user
    is_open = deliberation.is_open
    sits = is_open and policies.may_sit(user, deliberation)
    return {
        "can_decide": sits,
        "can_confirm_all": sits,
        "can_manage": is_open and policies.may_govern(user, deliberation),
        "can_close": is_open and policies.may_preside(user, deliberation),
        "can_publish": (
            deliberation.is_closed and not deliberation.is_published and policies.may_publish(user)
        ),
    }


def _readable(request: HttpRequest, pk: int) -> Deliberation:
    """The deliberation, for gestionnaires and the people seated on its jury (403 otherwise)."""
    deliberation = _deliberation(pk)
    try:
        require(request.user, policies.may_read, deliberation, message=policies.READ_REFUSED)
    except Forbidden as refused:
        raise PermissionDenied(str(refused)) from refused
    return deliberation


def _composition_context(
    request: HttpRequest,
    deliberation: Deliberation,
    member_form: MemberForm | None = None,
    error: str = "",
) -> dict[str, Any]:
    return {
        "deliberation": deliberation,
        "members": list(deliberation.members.select_related("user")),
        "recusals": list(
            Recusal.objects.filter(member__deliberation=deliberation)
            .select_related("member", "candidate")
            .order_by("candidate__numero", "member__full_name")
        ),
        "report": composition_report(deliberation),
        "member_form": member_form or MemberForm(),
        "composition_error": error,
        "counts": counts(deliberation),
        "missing_deposits": missing_by_candidate(deliberation.session),
        "kept": _kept(request.POST if request.method == "POST" else request.GET),
        **_permissions(request, deliberation),
    }


def _detail_context(
    request: HttpRequest, deliberation: Deliberation, **composition: Any
) -> dict[str, Any]:
    filters = FilterForm(request.GET or None)
    filter_key, search = filters.filter_key(), filters.search()
    ids = presenting.candidate_ids(deliberation, filter_key, search)
    page = paginate(request, ids, presenting.PAGE_SIZE)
    columns = presenting.columns(deliberation)
    return {
        **_composition_context(request, deliberation, **composition),
        "filters": filters,
        "filter_key": filter_key,
        "search": search,
        "page": page,
        "columns": columns,
        "rows": presenting.rows(deliberation, list(page.object_list)),
        "labels": presenting.labels(),
        "jury_statuses": [(status.value, status.label) for status in JURY_STATUSES],
        "kept": _kept(request.GET),
    }


# -- list and opening -------------------------------------------------------------------------


@role_required(*READERS)
def deliberation_list(request: HttpRequest) -> HttpResponse:
    """Gestionnaires see every session; a jury member the deliberations they sit on."""
    readable = policies.readable(request.user)
    shown = ExamSession.objects.annotate(
        has_sheets=Exists(ScoreSheet.objects.filter(session=OuterRef("pk")))
    )
    if not policies.may_open(request.user):
        shown = shown.filter(pk__in=readable.values("session_id"))
    sessions = list(shown)
    acts: dict[int, list[Deliberation]] = {}
    for act in readable.filter(session__in=[s.pk for s in sessions]).order_by("number"):
        acts.setdefault(act.session_id, []).append(act)
    items = []
    for session in sessions:
        deliberations = acts.get(session.pk, [])
        has_open = any(d.is_open for d in deliberations)
        has_initial = any(d.kind == Kind.INITIAL for d in deliberations)
        items.append(
            {
                "session": session,
                "deliberations": deliberations,
                "can_open": not has_initial and not has_open,
                "can_amend": (
                    not has_open and any(d.status == State.CLOSED for d in deliberations)
                ),
            }
        )
    return render(
        request,
        "deliberations/list.html",
        {"items": items, "can_open": policies.may_open(request.user)},
    )


def _opening_page(
    request: HttpRequest,
    session_id: int,
    form_class: type[OpenForm],
    opens: Callable[[ExamSession, Any, dict[str, Any]], Deliberation],
    template: str,
    opened: str,
) -> HttpResponse:
    """The page that opens an act of the session's jury: its form, then the act it opens
    (``opens`` given the form's cleaned data), or the refusal beside the fields."""
    session = get_object_or_404(ExamSession, pk=session_id)
    form = form_class(request.POST or None, session=session)

    def save() -> Saved:
        deliberation = opens(session, request.user, form.cleaned_data)
        return Saved(opened, reverse("deliberations:detail", args=[deliberation.pk]))

    context = {"session": session, "grading_left": grading_left(session)}
    return service_form_page(request, form, save, template, context, cleaned_first=True)


@role_required(*OPENERS)
def open_view(request: HttpRequest, session_id: int) -> HttpResponse:
    def opens(session: ExamSession, user: Any, data: dict[str, Any]) -> Deliberation:
        return services.open_deliberation(
            session,
            user,
            data["date"],
            data["place"],
            acknowledge_unfinished=data["acknowledge_unfinished"],
        )

    return _opening_page(
        request,
        session_id,
        OpenForm,
        opens,
        "deliberations/open.html",
        _("Délibération ouverte : les propositions sont figées."),
    )


@role_required(*OPENERS)
def amend_view(request: HttpRequest, session_id: int) -> HttpResponse:
    def opens(session: ExamSession, user: Any, data: dict[str, Any]) -> Deliberation:
        return services.open_amendment(
            session,
            user,
            data["reason"],
            data["candidates"],
            date=data["date"],
            place=data["place"],
            acknowledge_unfinished=data["acknowledge_unfinished"],
        )

    return _opening_page(
        request,
        session_id,
        AmendmentForm,
        opens,
        "deliberations/amend.html",
        _("Acte modificatif ouvert."),
    )


# -- the deliberation -------------------------------------------------------------------------


@role_required(*READERS)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    deliberation = _readable(request, pk)
    return render(request, "deliberations/detail.html", _detail_context(request, deliberation))


def _row_response(
    request: HttpRequest,
    deliberation: Deliberation,
    candidate: Candidate,
    error: str,
    success: str,
) -> HttpResponse:
    deliberation.refresh_from_db()
    if _is_htmx(request) and deliberation.is_open:
        context = {
            **_composition_context(request, deliberation),
            "row": presenting.row(deliberation, candidate),
            "labels": presenting.labels(),
            "columns": presenting.columns(deliberation),
            "jury_statuses": [(status.value, status.label) for status in JURY_STATUSES],
            "row_error": error,
            "row_message": "" if error else success,
            "oob": True,
        }
        return render(request, "deliberations/_row_response.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, success)
    if _is_htmx(request):
        # Closed meanwhile: the whole page changes (no more actions), not just the row.
        return HttpResponseClientRefresh()
    return redirect(_detail_url(deliberation, _kept(request.POST), f"row-{candidate.pk}"))


@role_required(*JURY)
@require_POST
def confirm_row_view(request: HttpRequest, pk: int, candidate_id: int) -> HttpResponse:
    deliberation = _readable(request, pk)
    candidate = get_object_or_404(Candidate, pk=candidate_id)
    error, success = "", ""
    try:
        confirmed = services.confirm_row(deliberation, candidate, request.user)
    except Refused as refused:
        error = refusal_text(refused)
    else:
        success = ngettext(
            "%(count)d proposition confirmée pour %(numero)s.",
            "%(count)d propositions confirmées pour %(numero)s.",
            confirmed,
        ) % {"count": confirmed, "numero": candidate.numero}
    return _row_response(request, deliberation, candidate, error, success)


def _form_errors(form: OverrideForm) -> str:
    return " ".join(str(message) for errors in form.errors.values() for message in errors)


@role_required(*JURY)
@require_POST
def override_view(request: HttpRequest, pk: int, candidate_id: int) -> HttpResponse:
    deliberation = _readable(request, pk)
    candidate = get_object_or_404(Candidate, pk=candidate_id)
    form = OverrideForm(request.POST, columns=presenting.columns(deliberation))
    error, success = "", ""
    if form.is_valid():
        decision = get_object_or_404(
            Decision, deliberation=deliberation, candidate=candidate, unit=form.cleaned_data["unit"]
        )
        try:
            services.override(
                decision,
                form.cleaned_data["status"],
                form.cleaned_data["justification"],
                request.user,
            )
        except Refused as refused:
            error = refusal_text(refused)
        else:
            success = _("Décision du jury enregistrée pour %(numero)s (%(unit)s).") % {
                "numero": candidate.numero,
                "unit": decision.unit,
            }
    else:
        error = _form_errors(form)
    return _row_response(request, deliberation, candidate, error, success)


@role_required(*JURY)
@require_POST
def confirm_all_view(request: HttpRequest, pk: int) -> HttpResponse:
    deliberation = _readable(request, pk)
    if not is_confirmed(request):
        decisions, candidates = services.pending_summary(deliberation)
        return confirmation_page(
            request,
            Confirmation(
                title=_("Confirmer toutes les propositions restantes"),
                consequences=[
                    ngettext(
                        "%(decisions)d décision restant à prendre sera confirmée telle que "
                        "proposée, pour %(candidates)d candidat(s).",
                        "%(decisions)d décisions restant à prendre seront confirmées telles que "
                        "proposées, pour %(candidates)d candidat(s).",
                        decisions,
                    )
                    % {"decisions": decisions, "candidates": candidates},
                    _(
                        "La certification de chaque candidat suivra ses blocs ; les candidats "
                        "pour lesquels vous êtes récusé(e) ou lié(e) restent à décider par un "
                        "autre membre."
                    ),
                ],
                button=_("Confirmer toutes les propositions"),
                cancel_url=_detail_url(deliberation, _kept(request.POST)),
                irreversible=False,
            ),
        )
    try:
        outcome = services.confirm_all_pending(deliberation, request.user)
    except Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d proposition confirmée.",
                "%(count)d propositions confirmées.",
                outcome.confirmed,
            )
            % {"count": outcome.confirmed},
        )
        if outcome.skipped:
            messages.warning(
                request,
                _(
                    "Restent à décider par un autre membre du jury (récusation ou lien "
                    "d'intérêt) : %(numeros)s."
                )
                % {"numeros": ", ".join(outcome.skipped)},
            )
    return redirect(_detail_url(deliberation, _kept(request.POST)))


# -- the jury ---------------------------------------------------------------------------------


def _composition_response(
    request: HttpRequest,
    deliberation: Deliberation,
    error: str = "",
    success: str = "",
    member_form: MemberForm | None = None,
) -> HttpResponse:
    deliberation.refresh_from_db()
    if _is_htmx(request) and deliberation.is_open:
        context = _composition_context(request, deliberation, member_form, error)
        context["composition_message"] = "" if error else success
        return render(request, "deliberations/_composition.html", context)
    if member_form is not None and member_form.errors:
        if deliberation.is_open:
            context = _detail_context(request, deliberation, member_form=member_form, error=error)
            return render(request, "deliberations/detail.html", context)
        error = error or " ".join(str(message) for message in member_form.non_field_errors())
    if error:
        messages.error(request, error)
    elif success:
        messages.success(request, success)
    if _is_htmx(request):
        return HttpResponseClientRefresh()
    return redirect(_detail_url(deliberation, _kept(request.POST), "composition"))


def _composition_act(
    request: HttpRequest, deliberation: Deliberation, act: Callable[[], object], success: str
) -> HttpResponse:
    """An act on the jury: the composition shows its refusal, or ``success``."""
    try:
        act()
    except Refused as refused:
        return _composition_response(request, deliberation, error=str(refused))
    return _composition_response(request, deliberation, success=success)


@role_required(*MANAGERS)
@require_POST
def add_member_view(request: HttpRequest, pk: int) -> HttpResponse:
    deliberation = _readable(request, pk)
    form = MemberForm(request.POST)
    if not form.is_valid():
        return _composition_response(request, deliberation, member_form=form)
    try:
        member = services.record_member(deliberation, request.user, **form.cleaned_data)
    except Refused as refused:
        form.add_error(None, str(refused))
        return _composition_response(request, deliberation, member_form=form)
    return _composition_response(
        request, deliberation, success=_("%(name)s ajouté(e) au jury.") % {"name": member.full_name}
    )


@role_required(*MANAGERS)
@require_POST
def presence_view(request: HttpRequest, pk: int, member_id: int) -> HttpResponse:
    deliberation = _readable(request, pk)
    member = get_object_or_404(JuryMember, pk=member_id, deliberation=deliberation)
    form = PresenceForm(request.POST)
    present = bool(form.is_valid() and form.cleaned_data["present"])
    success = (
        _("%(name)s : présence enregistrée.") if present else _("%(name)s : absence enregistrée.")
    ) % {"name": member.full_name}
    return _composition_act(
        request,
        deliberation,
        lambda: services.set_presence(member, present, request.user),
        success,
    )


@role_required(*MANAGERS)
@require_POST
def remove_member_view(request: HttpRequest, pk: int, member_id: int) -> HttpResponse:
    deliberation = _readable(request, pk)
    member = get_object_or_404(JuryMember, pk=member_id, deliberation=deliberation)
    if not is_confirmed(request):
        return confirmation_page(
            request,
            Confirmation(
                title=_("Retirer %(name)s du jury") % {"name": member.full_name},
                consequences=[
                    _(
                        "%(name)s (%(role)s) ne figurera plus dans la composition du jury ni au "
                        "procès-verbal ; ses récusations sont supprimées avec lui ou elle."
                    )
                    % {"name": member.full_name, "role": member.get_role_display()},
                    _(
                        "Pour un membre qui n'a pas pu venir, enregistrez plutôt son absence : "
                        "elle figure au procès-verbal."
                    ),
                ],
                button=_("Retirer du jury"),
                cancel_url=_detail_url(deliberation, _kept(request.POST), "composition"),
            ),
        )
    return _composition_act(
        request,
        deliberation,
        lambda: services.remove_member(member, request.user),
        _("%(name)s retiré(e) du jury.") % {"name": member.full_name},
    )


@role_required(*READERS)
@require_POST
def recuse_view(request: HttpRequest, pk: int, member_id: int) -> HttpResponse:
    deliberation = _readable(request, pk)
    member = get_object_or_404(JuryMember, pk=member_id, deliberation=deliberation)
    try:
        require(
            request.user,
            policies.may_recuse,
            member,
            message=policies.RECUSE_REFUSED,
            error=DeliberationForbidden,
        )
    except Forbidden as refused:
        raise PermissionDenied(str(refused)) from refused
    form = RecusalForm(request.POST)
    if not form.is_valid():
        return _composition_response(request, deliberation, error=_("Candidat inconnu."))
    candidate = form.cleaned_data["candidate"]
    return _composition_act(
        request,
        deliberation,
        lambda: services.recuse(member, candidate, request.user, form.cleaned_data["reason"]),
        _("%(name)s est récusé(e) pour le candidat %(numero)s.")
        % {"name": member.full_name, "numero": candidate.numero},
    )


@role_required(*MANAGERS)
@require_POST
def withdraw_recusal_view(request: HttpRequest, pk: int, recusal_id: int) -> HttpResponse:
    deliberation = _readable(request, pk)
    recusal = get_object_or_404(Recusal, pk=recusal_id, member__deliberation=deliberation)
    return _composition_act(
        request,
        deliberation,
        lambda: services.withdraw_recusal(recusal, request.user),
        _("Récusation levée."),
    )


# -- closing and publishing -------------------------------------------------------------------


def _final_act(
    request: HttpRequest,
    pk: int,
    title: str,
    consequences: Callable[[Counts], list[str]],
    act: Callable[[Deliberation, Any], object],
    done: str,
) -> HttpResponse:
    """Closing or publishing: first a confirmation page saying, counted, what becomes final;
    then the act, its refusal shown on the deliberation's page (each reason a closing is
    refused for)."""
    deliberation = _readable(request, pk)
    if not is_confirmed(request):
        return confirmation_page(
            request,
            Confirmation(
                title=title,
                consequences=consequences(counts(deliberation)),
                button=title,
                cancel_url=_detail_url(deliberation, {}),
            ),
        )
    try:
        act(deliberation, request.user)
    except services.CompositionProblems as refused:
        messages.error(request, _("La délibération ne peut pas être close :"))
        for problem in refused.problems:
            messages.error(request, problem)
    except Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, done)
    return redirect("deliberations:detail", pk=deliberation.pk)


@role_required(Role.JURY_PRESIDENT)
@require_POST
def close_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _final_act(
        request,
        pk,
        _("Clore la délibération"),
        lambda tallied: [
            _(
                "Les décisions sur %(candidates)d candidat(s) deviennent définitives : "
                "%(certified)d certifié(s), %(partial)d validation(s) partielle(s), "
                "%(refused)d non validé(s), %(without)d sans décision."
            )
            % {
                "candidates": tallied.candidates,
                "certified": tallied.certified,
                "partial": tallied.partial,
                "refused": tallied.refused,
                "without": tallied.without_decision,
            },
            _(
                "Le procès-verbal est scellé et archivé ; toute modification ultérieure "
                "passera par un acte modificatif motivé."
            ),
        ],
        services.close_deliberation,
        _("Délibération close : ses décisions ne peuvent plus être modifiées."),
    )


@role_required(Role.STAFF)
@require_POST
def publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _final_act(
        request,
        pk,
        _("Publier les résultats"),
        lambda tallied: [
            _(
                "%(candidates)d candidat(s) verront leurs décisions dans leur espace "
                "(%(certified)d certifié(s)) ; les documents pourront leur être délivrés."
            )
            % {"candidates": tallied.candidates, "certified": tallied.certified},
        ],
        services.publish_results,
        _("Résultats publiés : chaque candidat voit désormais ses décisions."),
    )


EXPORT_FORMATS = ("csv", "xlsx")


@role_required(*READERS)
@require_POST
def export_view(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The table as its page filters it, written to a file by the worker (whoever may read
    the deliberation may take it away); followed on the job's page."""
    deliberation = _readable(request, pk)
    if fmt not in EXPORT_FORMATS:
        raise Http404
    filters = FilterForm(request.POST)
    filters.is_valid()
    job = start(
        export_deliberation_job,
        actor=request.user,
        shown={
            gettext_noop("Délibération"): f"{deliberation.session.code} n° {deliberation.number}",
            gettext_noop("Format"): fmt.upper(),
        },
        deliberation=deliberation.pk,
        fmt=fmt,
        filter_key=filters.filter_key(),
        search=filters.search(),
    )
    return redirect(job)
