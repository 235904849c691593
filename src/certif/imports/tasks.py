"""The imports' background tasks: exports, written by the worker, downloaded from their job."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from certif.deliberations.models import Deliberation
from certif.deliberations.presenting import ALL, table_frame
from certif.imports.candidates import import_candidates
from certif.imports.exports import export, write_frame
from certif.imports.partners import import_partner_candidates
from certif.imports.scores import import_scores
from certif.partners.models import Partner
from certif.tasks import files
from certif.tasks.jobs import JobRun, job_task
from certif.tasks.services import Outcome

# The file names people get, in French: export-candidats-2026-06-30.csv.
EXPORT_NAMES = {"candidates": "candidats", "scores": "notes", "results": "resultats"}


@job_task("imports.export", _("Export"))
def export_job(run: JobRun, kind: str, fmt: str) -> Outcome:
    path = run.output_file(f"export-{EXPORT_NAMES[kind]}-{timezone.localdate():%Y-%m-%d}.{fmt}")
    rows = export(kind, path, run.reporter)
    return Outcome(
        summary=[
            ngettext(
                "%(count)d ligne écrite dans %(file)s.",
                "%(count)d lignes écrites dans %(file)s.",
                rows,
            )
            % {"count": rows, "file": path.name}
        ],
        data={"kind": kind, "format": fmt, "rows": rows},
        file=path,
    )


@job_task("deliberations.export", _("Export du tableau de délibération"))
def export_deliberation_job(
    run: JobRun, deliberation: int, fmt: str, filter_key: str = "", search: str = ""
) -> Outcome:
    """The deliberation's table as its page filters it, written by the worker."""
    found = Deliberation.objects.select_related("session").get(pk=deliberation)
    name = f"deliberation-{found.session.code}-n{found.number}-{timezone.localdate():%Y-%m-%d}"
    path = run.output_file(f"{name}.{fmt}")
    frame = table_frame(found, filter_key or ALL, search, run.reporter)
    write_frame(frame, path)
    return Outcome(
        summary=[
            ngettext(
                "%(count)d candidat écrit dans %(file)s.",
                "%(count)d candidats écrits dans %(file)s.",
                frame.height,
            )
            % {"count": frame.height, "file": path.name}
        ],
        data={"format": fmt, "rows": frame.height},
        file=path,
    )


# -- imports of files uploaded from the browser, too big to import within the request ----------


@job_task("imports.scores", _("Import de notes"))
def import_scores_job(
    run: JobRun,
    upload: str,
    replace: bool = False,
    create_sessions: bool = False,
    include_validated: bool = False,
) -> Outcome:
    """The file the page handed over (``files.incoming_path``), imported as ``certif import
    scores`` would; the handed file goes once the import is over, written or refused."""
    try:
        report = import_scores(
            files.incoming(upload),
            replace=replace,
            create_sessions=create_sessions,
            include_validated=include_validated,
            actor=run.actor,
            reporter=run.reporter,
        )
    finally:
        files.discard_incoming(upload)
    return Outcome(summary=report.lines(), data={"batch": report.batch_id})


@job_task("imports.candidates", _("Import de candidats"))
def import_candidates_job(run: JobRun, upload: str) -> Outcome:
    try:
        report = import_candidates(files.incoming(upload), actor=run.actor, reporter=run.reporter)
    finally:
        files.discard_incoming(upload)
    return Outcome(summary=report.lines(), data={"rows": report.rows})


@job_task("portal.candidates", _("Import des candidats d'un organisme"))
def import_portal_candidates_job(run: JobRun, upload: str, partner: int) -> Outcome:
    """The file the partners' portal handed over (``files.incoming_path``), every row linked to
    ``partner`` (the one the account that started it works for): the same service as within
    the request, ``import_partner_candidates``. The handed file goes once the import is over,
    written or refused."""
    try:
        report = import_partner_candidates(
            files.incoming(upload),
            Partner.objects.get(pk=partner),
            actor=run.actor,
            reporter=run.reporter,
        )
    finally:
        files.discard_incoming(upload)
    return Outcome(summary=report.lines(), data={"rows": report.rows})
