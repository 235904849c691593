"""The imports' background tasks: exports, written by the worker, downloaded from their job."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from certif.imports.exports import export
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
