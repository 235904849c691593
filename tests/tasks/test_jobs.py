"""Jobs: started in one transaction with their queue entry and audit record, run by a worker,
their progress, outcome and errors recorded."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from certif.core.models import AuditEvent
from certif.core.roles import Role
from certif.tasks.compat import TaskResultStatus
from certif.tasks.models import Job, JobStatus
from certif.tasks.services import start
from tests.tasks.sample_jobs import (
    count_job,
    crash_job,
    failed_job,
    plain_task,
    refused_job,
    rejected_job,
    stray_file_job,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(make_user: Callable[..., AbstractUser]) -> AbstractUser:
    return make_user(Role.STAFF)


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, object_type="tasks.job"))


def test_starting_a_job_queues_it_and_journals_who_started_it(person: AbstractUser) -> None:
    job = start(count_job, actor=person, shown={"Jusqu'à": 3}, upto=3)

    assert job.status == JobStatus.QUEUED
    assert job.started_by == person
    assert job.arguments == {"Jusqu'à": "3"}
    queued = DBTaskResult.objects.get(id=job.task_id)
    assert queued.status == TaskResultStatus.READY
    assert queued.args_kwargs == {"args": [job.pk], "kwargs": {"upto": 3}}
    [started] = events("task.started")
    assert started.actor == person
    assert started.object_id == str(job.pk)
    assert started.after["kind"] == "tests.count"


def test_a_start_undone_by_its_caller_leaves_no_job_no_queue_entry_and_no_record(
    person: AbstractUser,
) -> None:
    def start_then_fail() -> None:
        with transaction.atomic():
            start(count_job, actor=person, upto=3)
            raise RuntimeError("the page's own write failed")

    with pytest.raises(RuntimeError):
        start_then_fail()

    assert not Job.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert events("task.started") == []


def test_a_queued_job_runs_in_the_worker_and_records_its_progress_and_outcome(
    person: AbstractUser, run_jobs: Callable[[], int]
) -> None:
    job = start(count_job, actor=person, upto=250)

    assert run_jobs() == 1

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert (job.phase, job.done, job.total) == ("Comptage", 250, 250)
    assert job.summary == ["250 comptés."]
    assert job.result == {"upto": 250}
    assert job.started_at is not None
    assert job.finished_at is not None
    assert DBTaskResult.objects.get(id=job.task_id).status == TaskResultStatus.SUCCESSFUL
    [finished] = events("task.finished")
    assert finished.actor == person


def test_a_job_file_is_kept_for_its_download(
    person: AbstractUser, run_jobs: Callable[[], int], task_files: Path
) -> None:
    job = start(count_job, actor=person, upto=3, write_file=True)
    run_jobs()

    job.refresh_from_db()
    assert job.has_file
    assert (job.file_name, job.file_type) == ("compte.csv", "text/csv; charset=utf-8")
    assert (task_files / job.file_path).read_text(encoding="utf-8") == "n\n0\n1\n2\n"


def test_a_failing_job_records_its_french_error_and_is_journalled_as_failed(
    person: AbstractUser, run_jobs: Callable[[], int]
) -> None:
    job = start(failed_job, actor=person)
    run_jobs()

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "Deux lignes ne vont pas."
    assert job.problems == [
        {"line": 3, "column": "numero", "value": "X", "message": "numéro inconnu"}
    ]
    assert job.problems_total == 2
    assert (job.phase, job.done, job.total) == ("Lecture", 4, 10)
    [failed] = events("task.failed")
    assert failed.actor == person
    assert failed.after == {"error": "Deux lignes ne vont pas."}
    assert DBTaskResult.objects.get(id=job.task_id).status == TaskResultStatus.FAILED


def test_a_refusal_is_recorded_with_its_own_message(
    person: AbstractUser, run_jobs: Callable[[], int]
) -> None:
    job = start(refused_job, actor=person)
    run_jobs()

    job.refresh_from_db()
    assert job.error == "La session est close : rien n'a été changé."


def test_a_refused_file_is_recorded_problem_by_problem_and_its_partial_output_removed(
    person: AbstractUser, run_jobs: Callable[[], int], task_files: Path
) -> None:
    job = start(rejected_job, actor=person)
    run_jobs()

    job.refresh_from_db()
    assert job.error == "Fichier refusé, rien n'a été écrit : 2 problèmes trouvés."
    assert job.problems == [
        {
            "line": 2,
            "column": "date_naissance",
            "value": "31/02/1990",
            "message": "date impossible",
        },
        {"line": 5, "column": None, "value": None, "message": "ligne vide au milieu du fichier"},
    ]
    assert not (task_files / str(job.pk)).exists()


def test_an_unexpected_error_is_recorded_in_french_without_its_details(
    person: AbstractUser, run_jobs: Callable[[], int]
) -> None:
    job = start(crash_job, actor=person)
    run_jobs()

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("Erreur inattendue (ZeroDivisionError)")
    assert "secret" not in job.error
    assert "secret internal detail" in DBTaskResult.objects.get(id=job.task_id).traceback


def test_an_outcome_that_cannot_be_recorded_fails_the_job_instead_of_leaving_it_running(
    person: AbstractUser, run_jobs: Callable[[], int], tmp_path: Path
) -> None:
    elsewhere = tmp_path / "ailleurs.csv"
    elsewhere.write_text("x", encoding="utf-8")
    job = start(stray_file_job, actor=person, elsewhere=str(elsewhere))
    run_jobs()

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.file_path == ""
    assert events("task.finished") == []


def test_jobs_started_while_no_worker_runs_wait_then_run_in_order(
    person: AbstractUser, run_jobs: Callable[[], int]
) -> None:
    first = start(count_job, actor=person, upto=1)
    second = start(count_job, actor=person, upto=2)
    assert Job.objects.filter(status=JobStatus.QUEUED).count() == 2

    assert run_jobs() == 2

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == JobStatus.SUCCEEDED
    assert first.started_at is not None
    assert second.started_at is not None
    assert first.started_at <= second.started_at


def test_a_job_started_by_the_system_has_no_person(run_jobs: Callable[[], int]) -> None:
    job = start(count_job, actor=None, upto=1)
    run_jobs()

    job.refresh_from_db()
    assert job.started_by is None
    assert job.status == JobStatus.SUCCEEDED
    assert events("task.started")[0].actor_label == "système"


def test_only_job_tasks_can_be_started(person: AbstractUser) -> None:
    with pytest.raises(ValueError, match="not a job task"):
        start(plain_task, actor=person)
