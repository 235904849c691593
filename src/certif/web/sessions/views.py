"""The gestionnaire's sessions pages: sessions, enrolments, assignments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from certif.accounts.people import person
from certif.candidates.models import Candidate
from certif.candidates.queries import page_by_numero
from certif.core.errors import Invalid, Refused
from certif.core.roles import Role, role_required
from certif.domain.identity import agreed
from certif.domain.units import UnitRef, enrolment_units, labelled
from certif.grading.queries import enrolment_rows, session_counts, unit_progress
from certif.imports.numeros import candidates_from_file
from certif.imports.reading import FileRejected
from certif.referential.services import current_version
from certif.results.queries import matching_candidates
from certif.sessions.forms import AssignForm, BulkAssignForm, RemovalForm, SessionForm
from certif.sessions.models import Enrolment, ExamSession
from certif.sessions.queries import enrolled_candidates
from certif.sessions.services import (
    AssignOutcome,
    Removal,
    SessionError,
    assign,
    assign_all,
    create_session,
    delete_session,
    enrol,
    removal_blockers,
    remove_enrolment,
    update_session,
)
from certif.web.confirmation import Confirmation
from certif.web.helpers import filters_only, is_htmx, paginate, problems_context
from certif.web.imports.forms import saved_upload
from certif.web.refusals import with_refusal
from certif.web.sessions.forms import FROM_FILE, EnrolForm
from certif.web.shared_forms import Saved, reasoned_act_page, service_form_page

CANDIDATES_PER_PAGE = 25
PREVIEW_SIZE = 20
SINGLE, BULK = "un", "lot"

# One of the session page's two assignment forms.
AssignPageForm = TypeVar("AssignPageForm", AssignForm, BulkAssignForm)


@role_required(Role.STAFF)
@require_GET
def session_list(request: HttpRequest) -> HttpResponse:
    sessions = ExamSession.objects.select_related("referential_version").defer(
        "referential_version__document", "referential_version__source_text"
    )
    page = paginate(request, sessions)
    return render(request, "sessions/list.html", {"page": page})


@role_required(Role.STAFF)
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest) -> HttpResponse:

    def save() -> Saved:
        session = create_session(request.POST, actor=request.user)
        message = _("Session %(code)s créée.") % {"code": session.code}
        return Saved(message, reverse("sessions:detail", args=[session.pk]))

    form = SessionForm(request.POST or None)
    return service_form_page(request, form, save, "sessions/form.html", {"session": None})


@role_required(Role.STAFF)
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(ExamSession, pk=pk)
    # The form works on its own copy: cleaning writes the typed values into its instance.
    form = SessionForm(request.POST or None, instance=ExamSession.objects.get(pk=pk))

    def save() -> Saved:
        update_session(session, request.POST, actor=request.user)
        return Saved(_("Session enregistrée."), reverse("sessions:detail", args=[session.pk]))

    return service_form_page(request, form, save, "sessions/form.html", {"session": session})


@role_required(Role.STAFF)
@require_GET
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(ExamSession.objects.select_related("referential_version"), pk=pk)
    referential = session.referential_version.referential
    units = labelled(referential, enrolment_units(referential))
    chosen = request.GET.get("unite", "")
    unit = UnitRef.parse(chosen) if chosen in {u.key for u, _label in units} else None
    page = page_by_numero(
        enrolled_candidates(session, unit),
        after=request.GET.get("apres", ""),
        before=request.GET.get("avant", ""),
        size=CANDIDATES_PER_PAGE,
    )
    progress = unit_progress(session)
    context = {
        "session": session,
        "counts": session_counts(session, progress),
        "progress": progress,
        "units": [(u.key, label) for u, label in units],
        "chosen": chosen if unit else "",
        "page": page,
        "rows": enrolment_rows(session, page.rows, unit),
        "filters": filters_only(request.GET),
    }
    return render(request, "sessions/detail.html", context)


@role_required(Role.STAFF)
@require_http_methods(["GET", "POST"])
def session_enrol(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(ExamSession.objects.select_related("referential_version"), pk=pk)
    version = current_version()
    referential = version.referential if version is not None else None
    form = EnrolForm(
        request.POST or None, request.FILES or None, session=session, referential=referential
    )
    context: dict[str, Any] = {"session": session, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            ids = _chosen_candidates(form)
        except FileRejected as rejected:
            context.update(problems_context(rejected))
            return render(request, "sessions/enrol.html", context)
        if request.POST.get("action") == "apercu":
            context["preview"] = _preview(ids)
            return render(request, "sessions/enrol.html", context)
        try:
            outcome = enrol(
                session,
                ids,
                form.units(),
                actor=request.user,
                include_acquired=form.cleaned_data["y_compris_acquis"],
                override_reason=form.cleaned_data["motif_derogation"],
            )
        except SessionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _(
                    "%(candidates)s candidat(s) : %(created)s inscription(s) créée(s), "
                    "%(existing)s déjà présente(s)."
                )
                % {
                    "candidates": outcome.candidates,
                    "created": outcome.created,
                    "existing": outcome.existing,
                },
            )
            if outcome.acquired:
                messages.warning(request, _left_out(outcome.acquired))
            return redirect("sessions:detail", pk=session.pk)
    return render(request, "sessions/enrol.html", context)


def _left_out(numeros: tuple[str, ...]) -> str:
    named = ", ".join(numeros[:PREVIEW_SIZE]) + ("…" if len(numeros) > PREVIEW_SIZE else "")
    return ngettext(
        "%(count)s candidat laissé de côté : le bloc est déjà acquis par décision du jury "
        "(%(numeros)s). Cochez « Inscrire aussi… » pour l'inscrire quand même.",
        "%(count)s candidats laissés de côté : le bloc est déjà acquis par décision du jury "
        "(%(numeros)s). Cochez « Inscrire aussi… » pour les inscrire quand même.",
        len(numeros),
    ) % {"count": len(numeros), "numeros": named}


def _chosen_candidates(form: EnrolForm) -> list[int]:
    if form.cleaned_data["source"] == FROM_FILE:
        with saved_upload(form.cleaned_data["fichier"]) as path:
            return candidates_from_file(path)
    return list(matching_candidates(form.query()).order_by().values_list("pk", flat=True))


def _preview(ids: list[int]) -> dict[str, Any]:
    first = Candidate.objects.filter(pk__in=sorted(ids)[:PREVIEW_SIZE]).order_by("numero")
    return {"count": len(ids), "candidates": list(first)}


@role_required(Role.STAFF)
@require_http_methods(["GET", "POST"])
def session_assign(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(ExamSession.objects.select_related("referential_version"), pk=pk)
    mode = request.POST.get("mode") if request.method == "POST" else None
    single = AssignForm(request.POST if mode == SINGLE else None, session=session, prefix=SINGLE)
    bulk = BulkAssignForm(request.POST if mode == BULK else None, session=session, prefix=BULK)
    done = ""
    if mode == SINGLE:
        single, done = _assign_one(request, session, single)
        if done:
            single = AssignForm(session=session, prefix=SINGLE)
    elif mode == BULK:
        bulk, done = _assign_all(request, session, bulk)
    if done and not is_htmx(request):
        messages.success(request, done)
        return redirect("sessions:assign", pk=session.pk)
    context = {
        "session": session,
        "progress": unit_progress(session),
        "single": single,
        "bulk": bulk,
        "done": done,
    }
    template = "sessions/_assign.html" if is_htmx(request) else "sessions/assign.html"
    return render(request, template, context)


def _unprefixed(data: Any, prefix: str) -> dict[str, Any]:
    """The fields of one of the page's two forms, as their form names them."""
    start = f"{prefix}-"
    return {key[len(start) :]: data.get(key) for key in data if key.startswith(start)}


def _assigned(
    request: HttpRequest,
    session: ExamSession,
    form: AssignPageForm,
    verb: Callable[..., AssignOutcome],
    prefix: str,
) -> tuple[AssignPageForm, AssignOutcome | None]:
    """``verb`` given the fields of one of the page's two forms: the form to show (validated,
    or with the refusal) and the outcome (None when refused)."""
    try:
        outcome = verb(session, _unprefixed(request.POST, prefix), actor=request.user)
    except Refused as error:
        return with_refusal(form, _prefixed(error, prefix)), None
    form.is_valid()
    return form, outcome


def _assign_one(
    request: HttpRequest, session: ExamSession, form: AssignForm
) -> tuple[AssignForm, str]:
    """The form to show and the outcome as a sentence ("" when refused: the form says why)."""
    form, outcome = _assigned(request, session, form, assign, SINGLE)
    if outcome is None:
        return form, ""
    candidate: Candidate = form.cleaned_data["candidat"]
    unit = form.unit()
    evaluator, marker = form.cleaned_data["evaluateur"], form.cleaned_data["correcteur"]
    names = {
        "evaluator": person(evaluator),
        "candidate": str(candidate),
        "unit": unit.label(session.referential_version.referential),
        "marker": marker,
    }
    if outcome.unchanged:
        return form, _("Rien à changer : %(evaluator)s était déjà correcteur %(marker)s de "
                       "%(candidate)s pour %(unit)s.") % names  # fmt: skip
    return form, _(
        "%(evaluator)s est correcteur %(marker)s de %(candidate)s pour %(unit)s."
    ) % names


def _assign_all(
    request: HttpRequest, session: ExamSession, form: BulkAssignForm
) -> tuple[BulkAssignForm, str]:
    form, outcome = _assigned(request, session, form, assign_all, BULK)
    if outcome is None:
        return form, ""
    unit = form.unit()
    return form, _(
        "%(unit)s, correcteur %(marker)s, %(evaluator)s : %(created)s affectation(s) créée(s), "
        "%(replaced)s remplacée(s), %(unchanged)s inchangée(s), %(skipped)s candidat(s) "
        "laissé(s) à leur correcteur."
    ) % {
        "unit": unit.label(session.referential_version.referential),
        "marker": form.cleaned_data["correcteur"],
        "evaluator": person(form.cleaned_data["evaluateur"]),
        "created": outcome.created,
        "replaced": outcome.replaced,
        "unchanged": outcome.unchanged,
        "skipped": outcome.skipped,
    }


def _prefixed(error: Refused, prefix: str) -> Refused:
    """The service validated the page's form without its prefix: its form is not the page's."""
    if isinstance(error, Invalid):
        return Invalid(error.errors, error.message, values=error.values)
    return error


def _removal_page(
    request: HttpRequest,
    session: ExamSession,
    blockers: list[str],
    confirmation: Confirmation,
    remove: Callable[[], Saved],
) -> HttpResponse:
    """Why the removal cannot happen, or its reason asked, confirmed, then done."""
    form = RemovalForm(request.POST or None)
    context = {"session": session}
    return reasoned_act_page(
        request, form, blockers, confirmation, remove, "sessions/remove.html", context
    )


@role_required(Role.STAFF)
@require_http_methods(["GET", "POST"])
def session_delete(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(ExamSession, pk=pk)
    confirmation = Confirmation(
        title=_("Supprimer la session %(code)s") % {"code": session.code},
        consequences=[
            _("La session %(code)s est supprimée.") % {"code": session.code},
            _("%(enrolments)s inscription(s) et %(assigned)s affectation(s) sont retirées.")
            % {"enrolments": session.enrolments.count(), "assigned": session.assignments.count()},
            _("Le journal garde ce qu'elle était, qui l'a supprimée et pourquoi."),
        ],
        button=_("Supprimer la session"),
        cancel_url=reverse("sessions:detail", args=[session.pk]),
    )

    def delete() -> Saved:
        delete_session(session, request.POST, actor=request.user)
        return Saved(
            _("Session %(code)s supprimée.") % {"code": session.code}, reverse("sessions:list")
        )

    return _removal_page(request, session, removal_blockers(session), confirmation, delete)


@role_required(Role.STAFF)
@require_http_methods(["GET", "POST"])
def enrolment_remove(request: HttpRequest, pk: int, enrolment: int) -> HttpResponse:
    session = get_object_or_404(ExamSession, pk=pk)
    row = get_object_or_404(
        Enrolment.objects.select_related("candidate", "block"), pk=enrolment, session=session
    )
    unit = row.block.unit_label(row.part)
    confirmation = Confirmation(
        title=_("Retirer %(numero)s de %(unit)s") % {"numero": row.candidate.numero, "unit": unit},
        consequences=[
            agreed(
                row.candidate.sex,
                _("%(candidate)s n'est plus inscrit en %(unit)s dans la session %(code)s."),
                _("%(candidate)s n'est plus inscrite en %(unit)s dans la session %(code)s."),
                _("%(candidate)s n'est plus inscrit(e) en %(unit)s dans la session %(code)s."),
            )
            % {"candidate": row.candidate, "unit": unit, "code": session.code},
            _("Ses affectations pour cette épreuve sont retirées avec l'inscription."),
        ],
        button=_("Retirer l'inscription"),
        cancel_url=reverse("sessions:detail", args=[session.pk]),
    )

    def remove() -> Saved:
        remove_enrolment(row, request.POST, actor=request.user)
        message = _("Inscription de %(numero)s en %(unit)s retirée.") % {
            "numero": row.candidate.numero,
            "unit": unit,
        }
        return Saved(message, confirmation.cancel_url)

    blockers = removal_blockers(session, [Removal(row.candidate_id, row.block_id, row.part)])
    return _removal_page(request, session, blockers, confirmation, remove)
