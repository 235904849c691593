"""The evaluators' grading pages: their list, the grid, reopening, and double-marking reconciliation.

Views parse with forms and call one service each; every rule (maxima, thresholds, what a
complete sheet is) comes from the session's référentiel version through the services.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import BoundField
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.middleware import HtmxDetails

from certif.candidates.models import Candidate
from certif.core.errors import Invalid, Refused, Stale
from certif.core.roles import Role, has_role, role_required
from certif.domain import values
from certif.domain.numbers import format_quantity, format_score
from certif.domain.referential.schema import Block as BlockSpec
from certif.domain.referential.schema import Criterion as CriterionSpec
from certif.domain.referential.schema import CriterionKind
from certif.domain.rules.engine import SheetPreview
from certif.domain.rules.explain import status_label as explained_status
from certif.domain.rules.results import Failure, Status
from certif.domain.values import Value
from certif.grading.forms import AgreedForm, GridForm, ReopenForm, comment_name, value_name
from certif.grading.models import Marking, ScoreChange, ScoreSheet, SheetStatus
from certif.grading.queries import (
    Comparison,
    CriterionGap,
    PendingReconciliation,
    assignments_of,
    compare,
    describe_pending,
    find_sheet,
    gap_threshold,
    in_state,
    markers_of,
    next_to_grade,
    pending_first_sheets,
    sheet_comments,
    sheet_state,
    to_grade,
    unit_sheets,
)
from certif.grading.services import (
    ConflictRefused,
    GradedUnit,
    GradingError,
    IncompleteSheet,
    SheetLocked,
    block_spec,
    may_reconcile,
    open_sheet,
    preview,
    record_agreed_sheet,
    reopen_sheet,
    save_sheet,
    sheet_values,
    submit_sheet,
)
from certif.referential.models import Block, Part
from certif.sessions.models import Assignment, ExamSession
from certif.submissions.queries import owed_for_block, starting_values
from certif.web.confirmation import Confirmation, confirmation_page, is_confirmed
from certif.web.grading.forms import MineFilterForm, SessionFilterForm
from certif.web.helpers import paginate, query_without_page


class HtmxRequest(HttpRequest):
    htmx: HtmxDetails


# -- Shared helpers ----------------------------------------------------------------------------


def sheet_url(assignment_id: int) -> str:
    return reverse("grading:sheet", args=[assignment_id])


def reconcile_url(unit: GradedUnit) -> str:
    """The reconciliation page of a unit; a block without parts has a URL without a part."""
    args: list[Any] = [unit.session_id, unit.candidate_id, unit.block_id]
    if unit.part:
        args.append(unit.part)
    return reverse("grading:reconcile", args=args)


def part_label(spec: BlockSpec, part: str) -> str:
    return next((p.label for p in spec.parts if p.code == part), part)


def state_label(status: str | None) -> str:
    if status == SheetStatus.SUBMITTED:
        return _("Soumise")
    if status == SheetStatus.DRAFT:
        return _("Brouillon")
    return _("À faire")


def status_label(status: Status) -> str:
    return explained_status(status, get_language() or "fr")


def failure_text(failure: Failure) -> str:
    kind, _sep, expected = failure.expected.partition(":")
    if kind == "at_least":
        wanted = _("au moins %(value)s") % {"value": expected}
    else:
        wanted = _("oui") if expected == "true" else _("non")
    value = {"True": _("oui"), "False": _("non")}.get(failure.value, failure.value)
    return _("%(criterion)s : %(value)s (attendu : %(expected)s)") % {
        "criterion": failure.criterion,
        "value": value,
        "expected": wanted,
    }


@dataclass(frozen=True)
class Summary:
    """A preview as the page shows it: French numbers, status label, what is missing."""

    running: str | None
    out_of: str | None
    threshold: str | None
    status: str
    status_label: str
    complete: bool
    missing: list[str]
    failures: list[str]


def summarise(result: SheetPreview, spec: BlockSpec) -> Summary:
    printed = {c.code: c.code_as_printed for c in spec.criteria}
    scored = result.out_of is not None
    return Summary(
        running=format_score(result.running) if scored else None,
        out_of=format_quantity(result.out_of) if result.out_of is not None else None,
        threshold=format_quantity(result.threshold) if result.threshold is not None else None,
        status=result.status.value,
        status_label=status_label(result.status),
        complete=result.complete,
        missing=[printed.get(code, code) for code in result.missing],
        failures=[failure_text(f) for f in result.failures],
    )


def expected_text(criterion: CriterionSpec) -> str:
    """What the field accepts, in the reader's language (the domain's own text is French)."""
    if criterion.kind == CriterionKind.POINTS:
        return _("des points de 0 à %(maximum)s, au plus deux décimales (2,5 ou 2.5)") % {
            "maximum": maximum_text(criterion)
        }
    if criterion.kind == CriterionKind.YES_NO:
        return _("oui ou non")
    return _("un nombre entier")


def points_text(points: Decimal | None) -> str:
    """Points as the grid shows values: « 1,50 »."""
    return values.display(CriterionKind.POINTS, points)


def maximum_text(criterion: CriterionSpec) -> str:
    return format_quantity(criterion.max_points) if criterion.max_points is not None else ""


# -- "Mes grilles" -----------------------------------------------------------------------------


@role_required(Role.EVALUATOR)
def mine(request: HtmxRequest) -> HttpResponse:
    assignments = assignments_of(request.user)
    sessions = (
        ExamSession.objects.filter(assignments__evaluator_id=request.user.pk)
        .distinct()
        .only("pk", "code", "title")
        .order_by("-code")
    )
    form = MineFilterForm(sessions, request.GET or None)
    if form.is_valid():
        if form.cleaned_data["session"] is not None:
            assignments = assignments.filter(session=form.cleaned_data["session"])
        if form.cleaned_data["state"]:
            assignments = in_state(assignments, form.cleaned_data["state"])
    page = paginate(request, assignments)
    context = {
        "form": form,
        "page": page,
        "rows": _mine_rows(list(page.object_list)),
        "query": query_without_page(request),
        "to_grade": to_grade(assignments_of(request.user)).count(),
    }
    template = "grading/_mine_table.html" if request.htmx else "grading/mine.html"
    return render(request, template, context)


@dataclass(frozen=True)
class MineRow:
    assignment: Assignment
    part: str
    marking: str
    state: str
    state_key: str
    url: str


def marking_label(markers: int, marker: int) -> str:
    if markers < 2:
        return _("Correction unique")
    return _("Correcteur %(marker)s sur 2") % {"marker": marker}


def _mine_rows(assignments: Sequence[Assignment]) -> list[MineRow]:
    rows = list(assignments)
    labels = {
        (block_id, code): label
        for block_id, code, label in Part.objects.filter(
            block_id__in={a.block_id for a in rows}
        ).values_list("block_id", "code", "label")
    }
    return [
        MineRow(
            assignment=a,
            part=labels.get((a.block_id, a.part), a.part),
            marking=marking_label(markers_of(a), a.marker),
            state=state_label(sheet_state(a)),
            state_key=sheet_state(a) or "todo",
            url=sheet_url(a.pk),
        )
        for a in rows
    ]


# -- The grid ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionRow:
    criterion: CriterionSpec
    maximum: str
    expected: str
    value: BoundField | None
    comment: BoundField | None
    shown_value: str
    shown_comment: str


def _criterion_rows(
    spec: BlockSpec, form: GridForm | None, stored: dict[str, Value], comments: dict[str, str]
) -> list[CriterionRow]:
    return [
        CriterionRow(
            criterion=c,
            maximum=maximum_text(c),
            expected=expected_text(c),
            value=form[value_name(c.code)] if form is not None else None,
            comment=(
                form[comment_name(c.code)]
                if form is not None and comment_name(c.code) in form.fields
                else None
            ),
            shown_value=values.display(c.kind, stored.get(c.code)),
            shown_comment=comments.get(c.code, ""),
        )
        for c in spec.criteria
    ]


def _starting(assignment: Assignment) -> dict[str, int]:
    return starting_values(assignment.candidate, assignment.session, assignment.block.code)


def _initial(
    spec: BlockSpec, sheet: ScoreSheet | None, starting: dict[str, int] | None = None
) -> dict[str, Any]:
    """The grid as stored; a criterion never recorded starts from what the deposits say (the
    mémoire's page count), which the evaluator keeps or changes."""
    offered = {value_name(code): str(value) for code, value in (starting or {}).items()}
    if sheet is None:
        return {"revision": 0, **offered}
    stored, comments = sheet_values(sheet), sheet_comments(sheet)
    initial: dict[str, Any] = {"revision": sheet.revision}
    for c in spec.criteria:
        initial[value_name(c.code)] = values.display(c.kind, stored.get(c.code))
        initial[comment_name(c.code)] = comments.get(c.code, "")
        if stored.get(c.code) is None and value_name(c.code) in offered:
            initial[value_name(c.code)] = offered[value_name(c.code)]
    return initial


def _get_assignment(assignment_id: int) -> Assignment:
    return get_object_or_404(
        Assignment.objects.select_related(
            "session__referential_version", "candidate", "block", "evaluator"
        ),
        pk=assignment_id,
    )


def _is_assigned(request: HttpRequest, assignment: Assignment) -> bool:
    return assignment.evaluator_id == request.user.pk and has_role(request.user, Role.EVALUATOR)


def _refused(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "grading/refused.html", {"message": message}, status=403)


def _history(sheet: ScoreSheet | None) -> list[dict[str, Any]]:
    if sheet is None:
        return []
    changes = ScoreChange.objects.filter(sheet=sheet).select_related("criterion", "changed_by")
    return [
        {
            "change": change,
            "before": values.display_stored(change.criterion.kind, change.before, "—"),
            "after": values.display_stored(change.criterion.kind, change.after, "—"),
        }
        for change in changes[:100]
    ]


def _sheet_page(
    request: HttpRequest,
    assignment: Assignment,
    sheet: ScoreSheet | None,
    *,
    form: GridForm | None = None,
    refusal: str = "",
    stale: list[dict[str, str]] | None = None,
) -> HttpResponse:
    """The grid: editable for its evaluator while a draft, read-only otherwise."""
    spec = block_spec(assignment.session, assignment.block.code)
    editable = (
        sheet is not None
        and sheet.status == SheetStatus.DRAFT
        and sheet.evaluator_id == request.user.pk
        and _is_assigned(request, assignment)
    )
    stored = sheet_values(sheet) if sheet is not None else {}
    if editable and form is None:
        form = GridForm(spec.criteria, initial=_initial(spec, sheet, _starting(assignment)))
    if not editable:
        form = None
    given = form.parsed_values() if form is not None and form.is_bound else stored
    result = preview(assignment.session, spec.code, assignment.part, given)
    double = sheet is not None and sheet.marking in (Marking.FIRST, Marking.SECOND)
    unit = GradedUnit.of(assignment)
    context = {
        "assignment": assignment,
        "sheet": sheet,
        "spec": spec,
        "part": part_label(spec, assignment.part),
        "editable": editable,
        "form": form,
        "rows": _criterion_rows(
            spec, form, stored, sheet_comments(sheet) if sheet is not None else {}
        ),
        "summary": summarise(result, spec),
        "refusal": refusal,
        "stale": stale,
        "is_staff": has_role(request.user, Role.STAFF),
        "reopen_form": ReopenForm(),
        "history": _history(sheet),
        "reconcile_url": reconcile_url(unit) if double else "",
        "started": bool(stored),
        "deliverables": owed_for_block(assignment.candidate, assignment.session, spec.code),
        # Once a sheet is done, its evaluator goes straight on to the next one.
        "next_sheet": (
            next_to_grade(request.user, assignment)
            if not editable and _is_assigned(request, assignment)
            else None
        ),
    }
    return render(request, "grading/sheet.html", context)


@role_required(Role.EVALUATOR, Role.STAFF)
def sheet(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = _get_assignment(assignment_id)
    if not _is_assigned(request, assignment):
        if not has_role(request.user, Role.STAFF) or request.method == "POST":
            raise PermissionDenied
        return _sheet_page(request, assignment, find_sheet(assignment))
    try:
        opened = open_sheet(assignment, actor=request.user)
    except ConflictRefused as error:
        return _refused(request, str(error))
    except GradingError as error:
        return _sheet_page(request, assignment, find_sheet(assignment), refusal=str(error))
    if request.method != "POST":
        return _sheet_page(request, assignment, opened)
    return _save_grid(request, assignment, opened)


def _save_grid(request: HttpRequest, assignment: Assignment, opened: ScoreSheet) -> HttpResponse:
    if opened.is_locked:
        return _sheet_page(request, assignment, opened, refusal=str(SheetLocked()))
    spec = block_spec(assignment.session, assignment.block.code)
    submitting = request.POST.get("action") == "submit"
    try:
        if submitting and not is_confirmed(request):
            confirmation = _submission(assignment, spec, request)
            if confirmation is not None:
                # What was typed is kept as a draft: cancelling the confirmation loses nothing.
                saved = save_sheet(opened.pk, request.POST, actor=request.user)
                return confirmation_page(
                    request, confirmation, {"revision": str(saved.sheet.revision)}
                )
        if submitting:
            submit_sheet(opened.pk, request.POST, actor=request.user)
            messages.success(request, _("Feuille soumise : elle est maintenant verrouillée."))
        else:
            save_sheet(opened.pk, request.POST, actor=request.user)
            messages.success(request, _("Brouillon enregistré."))
    except Stale as error:
        return _stale_page(request, assignment, GridForm(spec.criteria, request.POST), error)
    except SheetLocked as error:
        opened.refresh_from_db()
        return _sheet_page(request, assignment, opened, refusal=str(error))
    except Invalid as error:
        form = (
            error.form
            if isinstance(error.form, GridForm)
            else GridForm(spec.criteria, request.POST)
        )
        return _sheet_page(request, assignment, opened, form=form, refusal=_refusal(error))
    except Refused as error:
        form = GridForm(spec.criteria, request.POST)
        return _sheet_page(request, assignment, opened, form=form, refusal=str(error))
    return redirect(sheet_url(assignment.pk))


def _submission(
    assignment: Assignment, spec: BlockSpec, request: HttpRequest
) -> Confirmation | None:
    """What submitting the grid as typed will do: lock it, with its total and status. None
    when it is incomplete: the submission is then refused at once, naming what is missing."""
    form = GridForm(spec.criteria, request.POST)
    form.is_valid()
    summary = summarise(
        preview(assignment.session, spec.code, assignment.part, form.parsed_values()), spec
    )
    unit = assignment.block.unit_label(assignment.part)
    consequences = [
        _(
            "La feuille de %(numero)s — %(unit)s sera soumise et verrouillée : vous ne pourrez "
            "plus la modifier ; seul un gestionnaire peut la rouvrir, en le motivant."
        )
        % {"numero": assignment.candidate.numero, "unit": unit}
    ]
    if summary.running is not None:
        consequences.append(
            _("Total saisi : %(total)s/%(out_of)s — %(status)s.")
            % {"total": summary.running, "out_of": summary.out_of, "status": summary.status_label}
        )
    if not summary.complete:
        return None
    return Confirmation(
        title=_("Soumettre la feuille"),
        consequences=consequences,
        button=_("Soumettre et verrouiller"),
        cancel_url=sheet_url(assignment.pk),
    )


def _refusal(error: Invalid) -> str:
    """A refusal the grid does not show beside its fields (an incomplete submission, an
    unknown criterion), as the banner above the grid says it."""
    if isinstance(error, IncompleteSheet) or error.form is None:
        return str(error)
    return ""


def _stale_page(
    request: HttpRequest, assignment: Assignment, form: GridForm, error: Stale
) -> HttpResponse:
    """Keep what the person typed, show what was saved meanwhile, and let them decide: their
    next save states the current revision, so it replaces those values knowingly."""
    current = find_sheet(assignment)
    data = request.POST.copy()
    data["revision"] = error.current
    rebound = GridForm(form.criteria, data)
    rebound.is_valid()
    stored = sheet_values(current) if current is not None else {}
    typed = form.parsed_values()
    differences = [
        {
            "code": c.code_as_printed,
            "stored": values.display(c.kind, stored.get(c.code)) or "—",
            "typed": values.display(c.kind, typed.get(c.code)) or "—",
        }
        for c in form.criteria
        if values.display(c.kind, stored.get(c.code)) != values.display(c.kind, typed.get(c.code))
    ]
    return _sheet_page(
        request, assignment, current, form=rebound, refusal=str(error), stale=differences
    )


@role_required(Role.EVALUATOR)
@require_POST
def preview_grid(request: HtmxRequest, assignment_id: int) -> HttpResponse:
    """The running total and provisional status of the values typed so far; nothing is saved."""
    assignment = _get_assignment(assignment_id)
    if not _is_assigned(request, assignment):
        raise PermissionDenied
    spec = block_spec(assignment.session, assignment.block.code)
    form = GridForm(spec.criteria, request.POST)
    form.is_valid()
    if not request.htmx:
        # Without JavaScript, « Recalculer » re-renders the whole grid with what was typed.
        try:
            opened = open_sheet(assignment, actor=request.user)
        except ConflictRefused as error:
            return _refused(request, str(error))
        return _sheet_page(request, assignment, opened, form=form)
    result = preview(assignment.session, spec.code, assignment.part, form.parsed_values())
    errors = form.value_errors()
    context = {
        "summary": summarise(result, spec),
        "live_errors": [
            {"id": f"id_{value_name(c.code)}-error", "errors": errors.get(c.code, [])}
            for c in spec.criteria
        ],
        "value_errors": [message for messages_ in errors.values() for message in messages_],
    }
    return render(request, "grading/_preview.html", context)


# -- Reopening ---------------------------------------------------------------------------------


def _page_of_sheet(sheet: ScoreSheet) -> str:
    unit = GradedUnit.of(sheet)
    if sheet.marking == Marking.AGREED:
        return reconcile_url(unit)
    assignments = Assignment.objects.filter(**unit.lookup())
    assignment = assignments.filter(evaluator_id=sheet.evaluator_id).first() or assignments.first()
    return sheet_url(assignment.pk) if assignment is not None else reverse("home")


@role_required(Role.STAFF)
@require_POST
def reopen(request: HttpRequest, sheet_id: int) -> HttpResponse:
    sheet_ = get_object_or_404(ScoreSheet, pk=sheet_id)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    else:
        try:
            reopen_sheet(sheet_.pk, request.user, form.cleaned_data["reason"])
            messages.success(request, _("Feuille rouverte : elle peut de nouveau être modifiée."))
        except GradingError as error:
            messages.error(request, str(error))
    return redirect(_page_of_sheet(sheet_))


# -- Double marking ----------------------------------------------------------------------------


@dataclass(frozen=True)
class GapRow:
    gap: CriterionGap
    maximum: str
    first: str
    second: str
    difference: str
    field: BoundField | None
    agreed: str


def _gap_rows(
    comparison: Comparison, form: AgreedForm | None, agreed: dict[str, Value]
) -> list[GapRow]:
    rows = []
    for gap in comparison.rows:
        kind = gap.criterion.kind
        rows.append(
            GapRow(
                gap=gap,
                maximum=maximum_text(gap.criterion),
                first=values.display(kind, gap.first) or "—",
                second=values.display(kind, gap.second) or "—",
                difference=points_text(gap.gap),
                field=form[value_name(gap.criterion.code)] if form is not None else None,
                agreed=values.display(kind, agreed.get(gap.criterion.code)) or "—",
            )
        )
    return rows


def _agreed_initial(comparison: Comparison, agreed: dict[str, Value]) -> dict[str, Any]:
    """The agreed sheet's own values once it exists; before, the values both markers share."""
    initial: dict[str, Any] = {
        "revision": comparison.agreed.revision if comparison.agreed is not None else 0
    }
    for gap in comparison.rows:
        kind, code = gap.criterion.kind, gap.criterion.code
        if comparison.agreed is not None:
            initial[value_name(code)] = values.display(kind, agreed.get(code))
        elif gap.agree:
            initial[value_name(code)] = values.display(kind, gap.first)
    return initial


def _reconcile_page(
    request: HttpRequest,
    unit: GradedUnit,
    context: dict[str, Any],
    *,
    form: AgreedForm | None = None,
    refusal: str = "",
) -> HttpResponse:
    comparison = compare(unit)
    context = {**context, "refusal": refusal, "comparison": comparison}
    if comparison is None:
        sheets = unit_sheets(unit)
        context["waiting"] = [
            (_("Correcteur 1"), state_label(getattr(sheets.get(Marking.FIRST), "status", None))),
            (_("Correcteur 2"), state_label(getattr(sheets.get(Marking.SECOND), "status", None))),
        ]
        return render(request, "grading/reconcile.html", context)
    agreed_sheet = comparison.agreed
    agreed = sheet_values(agreed_sheet) if agreed_sheet is not None else {}
    editable = agreed_sheet is None or agreed_sheet.status == SheetStatus.DRAFT
    if editable and form is None:
        form = AgreedForm(comparison.spec.criteria, initial=_agreed_initial(comparison, agreed))
    if not editable:
        form = None
    first, second = comparison.first_preview, comparison.second_preview
    totals_gap = (
        format_score(abs(first.running - second.running))
        if first.running is not None and second.running is not None
        else None
    )
    context.update(
        {
            "editable": editable,
            "form": form,
            "rows": _gap_rows(comparison, form, agreed),
            "first_summary": summarise(first, comparison.spec),
            "second_summary": summarise(second, comparison.spec),
            "totals_gap": totals_gap,
            "threshold": format_quantity(comparison.threshold),
            "agreed_sheet": agreed_sheet,
            "agreed_summary": (
                summarise(
                    preview(context["session"], comparison.spec.code, unit.part, agreed),
                    comparison.spec,
                )
                if agreed_sheet is not None
                else None
            ),
            "reopen_form": ReopenForm(),
            "is_staff": has_role(request.user, Role.STAFF),
        }
    )
    return render(request, "grading/reconcile.html", context)


@role_required(Role.STAFF, Role.EVALUATOR)
def reconcile(
    request: HttpRequest, session_id: int, candidate_id: int, block_id: int, part: str = ""
) -> HttpResponse:
    session = get_object_or_404(
        ExamSession.objects.select_related("referential_version"), pk=session_id
    )
    candidate = get_object_or_404(Candidate, pk=candidate_id)
    block = get_object_or_404(Block, pk=block_id)
    unit = GradedUnit(session.pk, candidate.pk, block.pk, part)
    if not may_reconcile(request.user, unit):
        raise PermissionDenied
    spec = block_spec(session, block.code)
    markers = Assignment.objects.filter(**unit.lookup()).select_related("evaluator")
    context: dict[str, Any] = {
        "session": session,
        "candidate": candidate,
        "spec": spec,
        "part": part_label(spec, part),
        "markers": markers.order_by("marker"),
        "threshold": format_quantity(gap_threshold()),
    }
    if request.method != "POST":
        return _reconcile_page(request, unit, context)
    try:
        record_agreed_sheet(unit, request.POST, actor=request.user)
    except Stale as error:
        data = request.POST.copy()
        data["revision"] = error.current
        rebound = AgreedForm(spec.criteria, data)
        rebound.is_valid()
        return _reconcile_page(request, unit, context, form=rebound, refusal=str(error))
    except Invalid as error:
        form = (
            error.form
            if isinstance(error.form, AgreedForm)
            else AgreedForm(spec.criteria, request.POST)
        )
        return _reconcile_page(request, unit, context, form=form, refusal=_refusal(error))
    except Refused as error:
        form = AgreedForm(spec.criteria, request.POST)
        form.is_valid()
        return _reconcile_page(request, unit, context, form=form, refusal=str(error))
    messages.success(request, _("Correction concertée enregistrée : c'est elle qui compte."))
    return redirect(reconcile_url(unit))


@dataclass(frozen=True)
class PendingRow:
    first: ScoreSheet
    part: str
    largest_gap: str
    flagged: int
    above: bool
    url: str


@role_required(Role.STAFF)
def reconciliations(request: HtmxRequest) -> HttpResponse:
    form = SessionFilterForm(request.GET or None)
    session = form.cleaned_data["session"] if form.is_valid() else None
    page = paginate(request, pending_first_sheets(session.pk if session is not None else None))
    threshold = gap_threshold()
    rows = [_pending_row(item, threshold) for item in describe_pending(list(page.object_list))]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "threshold": format_quantity(threshold),
        "query": query_without_page(request),
    }
    template = (
        "grading/_reconciliations_table.html" if request.htmx else "grading/reconciliations.html"
    )
    return render(request, template, context)


def _pending_row(item: PendingReconciliation, threshold: Decimal) -> PendingRow:
    gap = item.largest_gap
    return PendingRow(
        first=item.first,
        part=part_label(item.spec, item.first.part),
        largest_gap=points_text(gap) or "—",
        flagged=item.flagged,
        above=gap is not None and gap > threshold,
        url=reconcile_url(item.unit),
    )
