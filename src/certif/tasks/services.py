"""Every write to jobs: start (enqueue), running, finished, failed, and the stale rule.

Each runs in one transaction with its audit record; the start enqueues the task in that same
transaction, so that a job exists, is queued and is journalled together or not at all.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from certif.core.audit import Actor, account_of, record
from certif.core.errors import Refused
from certif.tasks import files
from certif.tasks.actions import FAILED, FINISHED, STARTED
from certif.tasks.compat import Task, TaskResultStatus
from certif.tasks.models import Job, JobStatus, stale_after
from certif.tasks.progress import ProgressState
from certif.tasks.registry import kind_of

logger = logging.getLogger(__name__)


# Problems kept per job, as many as the importers report.
MAX_PROBLEMS = 100


class WorkerStopped(BaseException):
    """The worker was asked to stop and its grace period ran out: the task is abandoned.

    A BaseException, so that no service's ``except Exception`` mistakes it for its own error.
    """


class JobFailed(Exception):
    """Raised by a task function to fail with a French message and, maybe, problems by line."""

    def __init__(
        self,
        message: str,
        problems: Sequence[Mapping[str, Any]] = (),
        total: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.problems = [dict(problem) for problem in problems]
        self.total = total if total is not None else len(self.problems)


@dataclass(frozen=True)
class Outcome:
    """What a task function returns: lines for people, data for programs, maybe a file (made
    with ``JobRun.output_file``)."""

    summary: Sequence[str] = ()
    data: Mapping[str, Any] | None = None
    file: Path | None = None
    file_type: str | None = None


@dataclass(frozen=True)
class Failure:
    message: str
    problems: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0


def start(
    task: Task[Any, Any],
    *,
    actor: Actor,
    shown: Mapping[str, Any] | None = None,
    **arguments: Any,
) -> Job:
    """Queue ``task`` (a ``job_task``) with ``arguments`` (JSON values) on behalf of ``actor``.

    ``shown`` is what the job's page lists: French labels and their values.
    """
    kind = kind_of(task)
    shown_arguments = {str(label): str(value) for label, value in (shown or {}).items()}
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind.name, started_by=account_of(actor), arguments=shown_arguments
        )
        result = task.enqueue(job.pk, **arguments)
        # An update, not a save: a backend that runs the task at once has already written to
        # the row, and a save would put back what this object still holds.
        Job.objects.filter(pk=job.pk).update(task_id=str(result.id))
        record(
            STARTED,
            job,
            actor=actor,
            # Field names: the journal shows them with the model's labels.
            after={"kind": kind.name, "arguments": shown_arguments, "task_id": str(result.id)},
        )
    job.refresh_from_db()
    return job


def mark_running(job_id: int) -> Job:
    now = timezone.now()
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        job.status = JobStatus.RUNNING
        job.started_at = job.heartbeat_at = now
        job.save(update_fields=["status", "started_at", "heartbeat_at"])
    return job


def finish(job: Job, outcome: Outcome, progress: ProgressState) -> None:
    now = timezone.now()
    path = outcome.file
    with transaction.atomic():
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.SUCCEEDED,
            finished_at=now,
            heartbeat_at=now,
            phase=progress.phase[:200],
            total=progress.total,
            done=progress.done,
            phase_started_at=progress.phase_started_at,
            progress_at=now,
            summary=[str(line) for line in outcome.summary],
            result=dict(outcome.data) if outcome.data is not None else None,
            file_path=files.relative(path) if path is not None else "",
            file_name=path.name if path is not None else "",
            file_type=(outcome.file_type or files.content_type(path.name)) if path else "",
            error="",
            problems=[],
            problems_total=0,
        )
        after: dict[str, Any] = {"summary": [str(line) for line in outcome.summary]}
        if path is not None:
            after["file_name"] = path.name
        record(FINISHED, job, actor=job.started_by, after=after)


def fail(job: Job, error: BaseException, progress: ProgressState | None = None) -> Failure:
    failure = describe(error)
    now = timezone.now()
    changes: dict[str, Any] = {}
    if progress is not None:
        changes = {
            "phase": progress.phase[:200],
            "total": progress.total,
            "done": progress.done,
            "phase_started_at": progress.phase_started_at,
            "progress_at": now,
        }
    with transaction.atomic():
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            finished_at=now,
            error=failure.message,
            problems=failure.problems,
            problems_total=failure.total,
            **changes,
        )
        record(FAILED, job, actor=job.started_by, after={"error": failure.message})
    files.discard(job.pk)
    return failure


def describe(error: BaseException) -> Failure:
    """The French account of ``error`` that the job's page shows."""
    with translation.override("fr"):
        return _describe(error)


def _describe(error: BaseException) -> Failure:
    if isinstance(error, JobFailed):
        return Failure(error.message, error.problems[:MAX_PROBLEMS], error.total)
    problems = getattr(error, "problems", None)
    if isinstance(problems, list) and all(hasattr(p, "message") for p in problems):
        # A refused file (``FileRejected`` and its kin): line, column, value, message.
        total = int(getattr(error, "total", len(problems)))
        rows = [_problem(problem) for problem in problems[:MAX_PROBLEMS]]
        message = translation.ngettext(
            "Fichier refusé, rien n'a été écrit : %(count)d problème trouvé.",
            "Fichier refusé, rien n'a été écrit : %(count)d problèmes trouvés.",
            total,
        ) % {"count": total}
        return Failure(message, rows, total)
    if isinstance(error, Refused):
        return Failure(str(error) or _("La demande a été refusée."))
    if isinstance(error, WorkerStopped | SystemExit | KeyboardInterrupt):
        return Failure(
            _("Tâche interrompue : le processus de travail a été arrêté avant la fin. Relancez-la.")
        )
    logger.error("Job failed on an unexpected error", exc_info=error)
    return Failure(
        _(
            "Erreur inattendue (%(error)s) : la tâche n'a pas abouti. Le détail est dans le "
            "journal du serveur."
        )
        % {"error": type(error).__name__}
    )


def _problem(problem: Any) -> dict[str, Any]:
    return {
        "line": getattr(problem, "line", None),
        "column": getattr(problem, "column", None),
        "value": getattr(problem, "value", None),
        "message": str(problem.message),
    }


def reap_stale(now: datetime | None = None) -> int:
    """Fail the running jobs whose worker died (no sign of life for ``WORKER_STALE_AFTER``);
    their queue rows too, so that the backend agrees. The number of jobs failed."""
    moment = now or timezone.now()
    limit = moment - stale_after()
    stale = list(Job.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=limit))
    reaped = 0
    for job in stale:
        with translation.override("fr"):
            message = _(
                "Le processus de travail qui exécutait cette tâche ne donne plus signe de vie "
                "(arrêté ou tué) : la tâche n'a pas abouti. Relancez-la."
            )
        with transaction.atomic():
            # Filtered on the state read: a worker that comes back to life in between wins.
            changed = Job.objects.filter(
                pk=job.pk, status=JobStatus.RUNNING, heartbeat_at__lt=limit
            ).update(status=JobStatus.FAILED, finished_at=moment, error=message)
            if not changed:
                continue
            if job.task_id:
                DBTaskResult.objects.filter(id=job.task_id, status=TaskResultStatus.RUNNING).update(
                    status=TaskResultStatus.FAILED,
                    finished_at=moment,
                    exception_class_path=f"{WorkerStopped.__module__}.WorkerStopped",
                    traceback=message,
                )
            record(FAILED, job, actor=job.started_by, after={"error": message})
        reaped += 1
    return reaped
