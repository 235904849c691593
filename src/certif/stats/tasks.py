"""The statistics' background jobs: the XLSX workbook and the printed report of a scope."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certif.core.errors import Forbidden
from certif.stats.policies import READ_REFUSED, may_read_statistics
from certif.stats.presenting import statistics, write_xlsx
from certif.stats.report import render_report
from certif.stats.scope import Scope
from certif.tasks.jobs import JobRun, job_task
from certif.tasks.services import Outcome


def scope_arguments(scope: Scope) -> dict[str, Any]:
    return {"session": scope.session, "year": scope.year, "access_path": scope.access_path}


def _scope(run: JobRun, arguments: dict[str, Any]) -> Scope:
    scope = Scope(**arguments)
    if run.actor is not None and not may_read_statistics(run.actor, scope):
        raise Forbidden(READ_REFUSED)
    return scope


def _name(scope: Scope, extension: str) -> str:
    words = [scope.session, str(scope.year or ""), scope.access_path]
    return "-".join(["statistiques", *(w for w in words if w)]) + f".{extension}"


@job_task("stats.xlsx", gettext_lazy("Statistiques (XLSX)"))
def statistics_xlsx_job(run: JobRun, **arguments: Any) -> Outcome:
    scope = _scope(run, arguments)
    path = write_xlsx(statistics(scope), run.output_file(_name(scope, "xlsx")))
    return Outcome(summary=[_("Classeur écrit : %(file)s.") % {"file": path.name}], file=path)


@job_task("stats.report", gettext_lazy("Rapport statistique (PDF)"))
def statistics_report_job(run: JobRun, **arguments: Any) -> Outcome:
    scope = _scope(run, arguments)
    path = run.output_file(_name(scope, "pdf"))
    path.write_bytes(render_report(statistics(scope)))
    return Outcome(summary=[_("Rapport écrit : %(file)s.") % {"file": path.name}], file=path)


EXPORTS = {"xlsx": statistics_xlsx_job, "pdf": statistics_report_job}
