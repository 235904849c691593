"""A job's progress: the Reporter protocol of the services, written at most every half second."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.contrib.auth.models import AbstractUser
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from certif.core.progress import Reporter
from certif.core.roles import Role
from certif.tasks.models import Job, JobStatus
from certif.tasks.progress import Heartbeat, JobReporter
from certif.tasks.services import mark_running, start
from tests.tasks.sample_jobs import count_job


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def running(db: None, make_user: Callable[..., AbstractUser]) -> Job:
    job = start(count_job, actor=make_user(Role.STAFF), upto=1)
    return mark_running(job.pk)


def updates(queries: CaptureQueriesContext) -> int:
    return sum(1 for query in queries.captured_queries if query["sql"].startswith("UPDATE"))


def test_a_job_reporter_is_a_reporter_the_services_accept(running: Job) -> None:
    reporter: Reporter = JobReporter(running.pk)
    reporter.phase("Lecture du fichier")
    assert Job.objects.get(pk=running.pk).phase == "Lecture du fichier"


def test_a_hundred_thousand_advances_over_a_second_write_the_row_at_most_three_times(
    running: Job,
) -> None:
    clock = FakeClock()
    reporter = JobReporter(running.pk, clock=clock)
    with CaptureQueriesContext(connection) as queries:
        reporter.phase("Vérification", 100_000)
        for _ in range(100_000):
            clock.now += 0.00001
            reporter.advance()

    assert updates(queries) == reporter.writes
    assert reporter.writes <= 3
    assert reporter.state.done == 100_000


def test_progress_is_written_again_once_half_a_second_has_passed(running: Job) -> None:
    clock = FakeClock()
    reporter = JobReporter(running.pk, clock=clock)
    reporter.phase("Écriture", 10)
    reporter.advance(3)
    assert Job.objects.get(pk=running.pk).done == 0

    clock.now += 0.5
    reporter.advance(2)

    job = Job.objects.get(pk=running.pk)
    assert (job.phase, job.done, job.total) == ("Écriture", 5, 10)
    assert job.progress_at is not None
    assert job.heartbeat_at is not None


def test_progress_is_left_pending_while_the_service_holds_a_transaction(running: Job) -> None:
    clock = FakeClock()
    reporter = JobReporter(running.pk, clock=clock)
    with transaction.atomic():
        reporter.phase("Écriture des notes", 10)
        clock.now += 1
        reporter.advance(10)
        assert reporter.writes == 0

    assert reporter.flush()
    assert Job.objects.get(pk=running.pk).done == 10


def test_a_heartbeat_writes_a_sign_of_life_even_when_nothing_advanced(running: Job) -> None:
    reporter = JobReporter(running.pk)
    assert not reporter.flush()
    assert reporter.flush(beat=True)


def test_a_finished_job_keeps_its_final_progress(running: Job) -> None:
    Job.objects.filter(pk=running.pk).update(status=JobStatus.SUCCEEDED, done=7)
    reporter = JobReporter(running.pk)
    reporter.phase("Trop tard", 99)
    assert Job.objects.get(pk=running.pk).done == 7


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_shows_progress_made_inside_a_service_transaction_before_it_commits(
    make_user: Callable[..., AbstractUser],
) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite has one writer: the progress waits for the service's commit")
    job = mark_running(start(count_job, actor=make_user(Role.STAFF), upto=1).pk)
    reporter = JobReporter(job.pk)
    seen: list[int] = []

    def look() -> None:
        # Another connection, as the page's request would have.
        seen.append(Job.objects.get(pk=job.pk).done)
        connections.close_all()

    heartbeat = Heartbeat(reporter, tick=0.05)
    heartbeat.start()
    try:
        with transaction.atomic():
            reporter.phase("Écriture des notes", 10)
            reporter.advance(6)
            time.sleep(0.5)
            looker = threading.Thread(target=look)
            looker.start()
            looker.join()
    finally:
        heartbeat.stop()

    assert seen == [6]
