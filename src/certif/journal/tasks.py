"""The journal's background task: its export, written by the worker, downloaded from its job."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from certif.candidates.models import Candidate
from certif.journal.entries import JournalQuery
from certif.journal.exports import export_journal
from certif.sessions.models import ExamSession
from certif.tasks.jobs import JobRun, job_task
from certif.tasks.services import Outcome


def query_from(arguments: dict[str, Any]) -> JournalQuery:
    """The filter a job was started with (JSON values: ids and ISO dates)."""
    candidate, session = arguments.get("candidate"), arguments.get("session")
    since, until = arguments.get("since"), arguments.get("until")
    return JournalQuery(
        candidate=Candidate.objects.get(pk=candidate) if candidate else None,
        session=ExamSession.objects.get(pk=session) if session else None,
        action=arguments.get("action") or "",
        since=date.fromisoformat(since) if since else None,
        until=date.fromisoformat(until) if until else None,
    )


def arguments_of(query: JournalQuery) -> dict[str, Any]:
    """The filter as a job's JSON arguments."""
    return {
        "candidate": query.candidate.pk if query.candidate else None,
        "session": query.session.pk if query.session else None,
        "action": query.action,
        "since": query.since.isoformat() if query.since else None,
        "until": query.until.isoformat() if query.until else None,
    }


@job_task("journal.export", _("Export du journal"))
def export_journal_job(run: JobRun, fmt: str, **filters: Any) -> Outcome:
    path = run.output_file(f"journal-{timezone.localdate():%Y-%m-%d}.{fmt}")
    rows = export_journal(query_from(filters), path, run.reporter)
    return Outcome(
        summary=[
            ngettext(
                "%(count)d entrée écrite dans %(file)s.",
                "%(count)d entrées écrites dans %(file)s.",
                rows,
            )
            % {"count": rows, "file": path.name}
        ],
        data={"format": fmt, "rows": rows},
        file=path,
    )
