"""Writing a task: a function that calls a service with the run's reporter.

    @job_task("imports.export", _("Export"))
    def export_job(run: JobRun, kind: str) -> Outcome:
        path = run.output_file(f"{kind}.csv")
        rows = export(kind, path, run.reporter)
        return Outcome(summary=[f"{rows} lignes"], file=path)

``job_task`` turns it into a django-tasks ``Task`` (enqueued with the job's id and the
function's keyword arguments, JSON values) and wraps each run: the job is marked running, its
progress written as the service reports it, then its outcome or its error recorded, each with
its audit record. A failure is also re-raised, so that the backend's row says failed too.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils import translation

from certif.tasks import files, services
from certif.tasks.compat import Task, task
from certif.tasks.progress import JobReporter, heartbeat
from certif.tasks.registry import JobKind, register

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

    from certif.tasks.models import Job

JobFunction = Callable[..., services.Outcome | None]


@dataclass(frozen=True)
class JobRun:
    """What a task function gets: its job, the reporter to hand to the service, the person."""

    job: Job
    reporter: JobReporter

    @property
    def actor(self) -> Any:
        """The person who started the job, for the services' audit records."""
        return self.job.started_by

    def output_file(self, name: str) -> Path:
        """Where to write a file the person will download (kept with the job)."""
        return files.output_path(self.job.pk, name)


def job_task(
    name: str, label: _StrOrPromise, *, priority: int = 0, queue_name: str = "default"
) -> Callable[[JobFunction], Task[Any, Any]]:
    """Declare a kind of job (``name`` stored with each job, ``label`` shown in French) run by
    the decorated function. Use it at module level, in the app's ``tasks`` module."""

    def decorate(function: JobFunction) -> Task[Any, Any]:
        # The task's own function carries the decorated function's name and module, so that
        # the worker finds this Task by the path the backend stored.
        @functools.wraps(function)
        def run(job_id: int, **arguments: Any) -> dict[str, Any]:
            return execute(function, job_id, arguments)

        job_kind_task = task(priority=priority, queue_name=queue_name)(run)
        register(JobKind(name, label, job_kind_task))
        return job_kind_task

    return decorate


def execute(function: JobFunction, job_id: int, arguments: dict[str, Any]) -> dict[str, Any]:
    job = services.mark_running(job_id)
    reporter = JobReporter(job.pk)
    try:
        # What the task writes for people (its summary, its errors) is stored in French, the
        # pages translating what they can; whatever language the worker was started in.
        with heartbeat(reporter), translation.override("fr"):
            outcome = function(JobRun(job, reporter), **arguments)
        # Inside the try: an outcome that cannot be recorded (a file outside the job's folder)
        # fails the job rather than leaving it running.
        services.finish(job, outcome or services.Outcome(), reporter.state)
    except BaseException as error:
        services.fail(job, error, reporter.state)
        raise
    return {"job": job.pk}
