"""Imports and exports from the browser: the same importers as ``certif import``.

An import is all or nothing: a refused file lists its problems (line, column, value,
message) and nothing is written. Templates are written to a temporary file and sent as a
download; an export is a background job, whose page offers the file once written.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from certif.core.errors import Refused
from certif.core.roles import Role, role_required
from certif.imports import templates
from certif.imports.candidates import import_candidates
from certif.imports.exports import KINDS, write_frame
from certif.imports.forms import RevertForm
from certif.imports.models import ImportBatch
from certif.imports.queries import written_by
from certif.imports.reading import FileRejected, Problem
from certif.imports.reverting import revert_blockers, revert_import
from certif.imports.scores import import_scores
from certif.imports.tasks import export_job, import_candidates_job, import_scores_job
from certif.referential.services import current_version
from certif.tasks.services import start
from certif.web.confirmation import Confirmation
from certif.web.helpers import problems_context
from certif.web.imports.forms import (
    CandidatesImportForm,
    ScoresImportForm,
    handed_over,
    in_background,
    saved_upload,
)
from certif.web.shared_forms import Saved, reasoned_act_page

CANDIDATES, SCORES = "candidats", "notes"
RECENT_IMPORTS = 20
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# What an export's job page lists (French, translated on display).
EXPORT_CONTENTS = {
    "candidates": gettext_noop("Candidats"),
    "scores": gettext_noop("Notes"),
    "results": gettext_noop("Résultats"),
}


@role_required(Role.STAFF)
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    which = request.POST.get("import") if request.method == "POST" else None
    candidates_form = CandidatesImportForm(
        request.POST if which == CANDIDATES else None,
        request.FILES if which == CANDIDATES else None,
        prefix=CANDIDATES,
    )
    scores_form = ScoresImportForm(
        request.POST if which == SCORES else None,
        request.FILES if which == SCORES else None,
        prefix=SCORES,
    )
    context: dict[str, Any] = {"which": which}
    if which == CANDIDATES and candidates_form.is_valid():
        upload = candidates_form.cleaned_data["fichier"]
        if in_background(upload):
            return _to_the_worker(request, import_candidates_job, upload, {})
        context.update(
            _run_import(
                lambda path: import_candidates(path, actor=request.user),
                candidates_form.cleaned_data["fichier"],
            )
        )
    elif which == SCORES and scores_form.is_valid():
        options = {
            "replace": scores_form.cleaned_data["remplacer"],
            "create_sessions": scores_form.cleaned_data["creer_sessions"],
            "include_validated": scores_form.cleaned_data["inclure_valides"],
        }
        upload = scores_form.cleaned_data["fichier"]
        if in_background(upload):
            return _to_the_worker(request, import_scores_job, upload, options)
        context.update(
            _run_import(lambda path: import_scores(path, **options, actor=request.user), upload)
        )
    if context.get("report"):
        for line in context["report"]:
            messages.success(request, line)
        return redirect("imports:home")
    context.update(
        {
            "candidates_form": candidates_form,
            "scores_form": scores_form,
            "recent": ImportBatch.objects.select_related("imported_by")[:RECENT_IMPORTS],
            "has_referential": current_version() is not None,
            "export_kinds": [(kind, _(EXPORT_CONTENTS[kind])) for kind in KINDS],
            "export_formats": ("csv", "xlsx"),
        }
    )
    return render(request, "imports/home.html", context)


# What a scores import's job page lists beside the file (French, translated on display).
OPTION_LABELS = {
    "replace": gettext_noop("Remplacer les notes déjà enregistrées"),
    "create_sessions": gettext_noop("Créer les sessions inconnues"),
    "include_validated": gettext_noop("Inscrire aussi les blocs déjà validés"),
}


YES, NO = gettext_noop("oui"), gettext_noop("non")


def _to_the_worker(
    request: HttpRequest, task: Any, upload: Any, options: dict[str, bool]
) -> HttpResponse:
    """Hand the upload to a job (the same importer, run by the worker) and follow it on its
    page; its page lists the file and the options."""
    shown = {
        gettext_noop("Fichier"): upload.name or "",
        **{OPTION_LABELS[key]: YES if value else NO for key, value in options.items()},
    }
    job = start(task, actor=request.user, shown=shown, upload=handed_over(upload), **options)
    return redirect(job)


def _run_import(run: Callable[[Path], Any], upload: Any) -> dict[str, Any]:
    """Import the upload; the report's lines, or the problems of a refused file."""
    try:
        with saved_upload(upload) as path:
            report = run(path)
    except FileRejected as rejected:
        return problems_context(rejected)
    except Refused as refused:  # the same file being imported, a concurrent write
        return problems_context(FileRejected([Problem(None, None, None, str(refused))]))
    return {"report": report.lines()}


def _download(path: Path, name: str, fmt: str) -> HttpResponse:
    """Send the file, then forget it: on POSIX an open file outlives its name, so the name goes
    at once and the disk space when the response is closed."""
    handle = path.open("rb")
    os.unlink(path)
    response = FileResponse(
        handle, as_attachment=True, filename=name, content_type=CONTENT_TYPES[fmt]
    )
    # Streamed, not an HttpResponse; role_required types the views it wraps as returning one.
    return cast(HttpResponse, response)


def _temporary(fmt: str) -> Path:
    descriptor, name = tempfile.mkstemp(prefix="certif-", suffix=f".{fmt}")
    os.close(descriptor)
    return Path(name)


@role_required(Role.STAFF)
@require_GET
def template(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    if kind == CANDIDATES:
        frame = templates.candidates_template()
    else:
        version = current_version()
        if version is None:
            raise Http404(_("Aucun référentiel chargé."))
        frame = templates.scores_template(version.referential)
    path = _temporary(fmt)
    try:
        write_frame(frame, path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return _download(path, f"{kind}.{fmt}", fmt)


@role_required(Role.STAFF)
@require_POST
def export_file(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    """Queue the export and follow it on its job's page, which offers the file when written."""
    job = start(
        export_job,
        actor=request.user,
        shown={gettext_noop("Contenu"): EXPORT_CONTENTS[kind], gettext_noop("Format"): fmt.upper()},
        kind=kind,
        fmt=fmt,
    )
    return redirect(job)


@role_required(Role.STAFF)
@require_GET
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """What one import brought: its file, its counts, per session what it wrote; its revert."""
    batch = get_object_or_404(
        ImportBatch.objects.select_related("imported_by", "reverted_by"), pk=pk
    )
    context = {
        "batch": batch,
        "sessions": written_by(batch),
        "revertible": batch.kind == "scores" and batch.reverted_at is None,
    }
    return render(request, "imports/report.html", context)


@role_required(Role.STAFF)
@require_http_methods(["GET", "POST"])
def revert(request: HttpRequest, pk: int) -> HttpResponse:
    """Why the import cannot be reverted, or its reason asked, confirmed, then the revert."""
    batch = get_object_or_404(ImportBatch, pk=pk)
    blockers = revert_blockers(batch)
    written = written_by(batch)
    confirmation = Confirmation(
        title=_("Annuler l'import n° %(id)d") % {"id": batch.pk},
        consequences=[
            _(
                "Les notes que l'import a remplacées reprennent leur valeur d'avant ; celles qu'il a créées sont retirées."
            ),
            _(
                "Les feuilles, inscriptions et sessions qu'il a créées sont retirées si rien d'autre n'y est attaché : %(sessions)s."
            )
            % {"sessions": ", ".join(row.code for row in written) or "—"},
            _(
                "Les résultats des candidats concernés sont recalculés ; le journal garde l'import, son annulation et le motif."
            ),
        ],
        button=_("Annuler l'import"),
        cancel_url=reverse("imports:report", args=[batch.pk]),
    )

    def revert() -> Saved:
        outcome = revert_import(batch, request.POST, actor=request.user)
        message = _("Import n° %(id)d annulé.") % {"id": batch.pk}
        return Saved(message, reverse("imports:report", args=[batch.pk]), outcome.lines())

    form = RevertForm(request.POST or None)
    return reasoned_act_page(
        request, form, blockers, confirmation, revert, "imports/revert.html", {"batch": batch}
    )
