"""A job whose worker died (no sign of life for WORKER_STALE_AFTER seconds) is shown failed,
then recorded failed by the next worker."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from certif.core.models import AuditEvent
from certif.core.roles import Role
from certif.tasks.compat import TaskResultStatus
from certif.tasks.models import Job, JobStatus
from certif.tasks.services import mark_running, reap_stale, start
from tests.tasks.sample_jobs import count_job

pytestmark = pytest.mark.django_db

STALE_AFTER = 300
T0 = datetime(2026, 6, 15, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def stale_after(settings: object) -> None:
    settings.WORKER_STALE_AFTER = STALE_AFTER  # type: ignore[attr-defined]


@pytest.fixture
def person(make_user: Callable[..., AbstractUser]) -> AbstractUser:
    return make_user(Role.STAFF)


@pytest.fixture
def abandoned(person: AbstractUser) -> Job:
    """A job a worker claimed at T0, then died running (its queue row says running too)."""
    with time_machine.travel(T0, tick=False):
        job = start(count_job, actor=person, upto=10)
        DBTaskResult.objects.filter(id=job.task_id).update(status=TaskResultStatus.RUNNING)
        return mark_running(job.pk)


def page(person: AbstractUser, job: Job) -> str:
    client = Client()
    client.force_login(person)
    return client.get(reverse("tasks:detail", args=[job.pk])).content.decode()


def test_a_running_job_is_not_stale_within_the_delay(person: AbstractUser, abandoned: Job) -> None:
    with time_machine.travel(T0 + timedelta(seconds=STALE_AFTER - 1), tick=False):
        abandoned.refresh_from_db()
        assert not abandoned.is_stale()
        assert "En cours" in page(person, abandoned)
        assert reap_stale() == 0


def test_a_job_without_sign_of_life_past_the_delay_is_shown_failed(
    person: AbstractUser, abandoned: Job
) -> None:
    with time_machine.travel(T0 + timedelta(seconds=STALE_AFTER + 1), tick=False):
        abandoned.refresh_from_db()
        assert abandoned.is_stale()
        shown = page(person, abandoned)

    assert "Échouée" in shown
    assert "ne donne plus signe de vie" in shown
    assert "hx-trigger" not in shown


def test_the_stale_rule_records_the_job_failed_journalled_and_its_queue_row_too(
    person: AbstractUser, abandoned: Job
) -> None:
    with time_machine.travel(T0 + timedelta(seconds=STALE_AFTER + 1), tick=False):
        assert reap_stale() == 1

    abandoned.refresh_from_db()
    assert abandoned.status == JobStatus.FAILED
    assert "ne donne plus signe de vie" in abandoned.error
    assert DBTaskResult.objects.get(id=abandoned.task_id).status == TaskResultStatus.FAILED
    [failed] = AuditEvent.objects.filter(action="task.failed")
    assert failed.actor == person


def test_a_sign_of_life_puts_the_delay_off(person: AbstractUser, abandoned: Job) -> None:
    with time_machine.travel(T0 + timedelta(seconds=STALE_AFTER - 10), tick=False):
        Job.objects.filter(pk=abandoned.pk).update(heartbeat_at=T0 + timedelta(seconds=290))
    with time_machine.travel(T0 + timedelta(seconds=STALE_AFTER + 1), tick=False):
        assert reap_stale() == 0


def test_the_next_worker_fails_the_abandoned_jobs_before_running_the_queue(
    person: AbstractUser, abandoned: Job, run_jobs: Callable[[], int]
) -> None:
    waiting = start(count_job, actor=person, upto=2)
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        assert run_jobs() == 1

    abandoned.refresh_from_db()
    waiting.refresh_from_db()
    assert abandoned.status == JobStatus.FAILED
    assert waiting.status == JobStatus.SUCCEEDED
