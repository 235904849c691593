"""The journal as a file: the entries a filter keeps, over a period, written by the worker."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path

import polars as pl
import pytest
import time_machine
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from certif.candidates.models import Candidate
from certif.candidates.services import update_candidate
from certif.core.roles import Role
from certif.journal.entries import JournalQuery
from certif.journal.exports import export_journal
from certif.tasks.models import Job
from tests.tasks.fixtures import run_jobs, task_files  # noqa: F401

pytestmark = pytest.mark.django_db

OTHER_ROLES = [Role.EVALUATOR, Role.JURY_MEMBER, Role.JURY_PRESIDENT, Role.CANDIDATE]
FIRST, SECOND = date(2026, 3, 2), date(2026, 3, 9)


@pytest.fixture
def renamed(candidates: list[Candidate], staff: AbstractUser) -> Candidate:
    """C001 renamed once on each of two days a week apart."""
    candidate = candidates[0]
    for day, name in ((FIRST, "Premier"), (SECOND, "Second")):
        with time_machine.travel(timezone.make_aware(datetime.combine(day, time(10)))):
            update_candidate(candidate, {"usage_name": name}, actor=staff)
    return candidate


def rows(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, separator=";")


def test_an_export_keeps_only_the_days_asked_for(renamed: Candidate, tmp_path: Path) -> None:
    path = tmp_path / "journal.csv"
    written = export_journal(JournalQuery(candidate=renamed, since=SECOND, until=SECOND), path)
    frame = rows(path)
    assert written == frame.height == 1
    assert "Second" in frame["Modifications"][0]
    assert frame["Date"][0].startswith(SECOND.isoformat())


def test_a_whole_journal_export_keeps_every_entry_newest_first(
    renamed: Candidate, tmp_path: Path
) -> None:
    path = tmp_path / "journal.csv"
    export_journal(JournalQuery(candidate=renamed), path)
    dates = list(rows(path)["Date"])
    assert dates == sorted(dates, reverse=True)
    assert sum(d.startswith((FIRST.isoformat(), SECOND.isoformat())) for d in dates) == 2


def test_the_page_exports_what_it_shows_through_the_worker(
    renamed: Candidate,
    client_as: Callable[..., Client],
    run_jobs: Callable[[], int],  # noqa: F811
) -> None:
    client = client_as(Role.STAFF)
    asked = client.post(
        reverse("journal:export", args=["csv"]),
        {"candidat": renamed.numero, "du": FIRST.isoformat(), "au": FIRST.isoformat()},
    )
    job = Job.objects.get()
    assert asked["Location"] == reverse("tasks:detail", args=[job.pk])
    assert run_jobs() == 1
    job.refresh_from_db()
    content = b"".join(client.get(reverse("tasks:download", args=[job.pk])).streaming_content)
    assert "Premier" in content.decode("utf-8-sig")
    assert "Second" not in content.decode("utf-8-sig")


def test_a_period_ending_before_it_starts_is_refused(client_as: Callable[..., Client]) -> None:
    client = client_as(Role.STAFF)
    response = client.get(
        reverse("journal:list"), {"du": SECOND.isoformat(), "au": FIRST.isoformat()}
    )
    assert "précède son début" in response.content.decode()
    refused = client.post(
        reverse("journal:export", args=["csv"]), {"du": SECOND.isoformat(), "au": FIRST.isoformat()}
    )
    assert refused.status_code == 422
    assert not Job.objects.exists()


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_cannot_export_the_journal(
    role: Role, client_as: Callable[..., Client], candidates: list[Candidate]
) -> None:
    client = client_as(role, candidate=candidates[1] if role is Role.CANDIDATE else None)
    assert client.post(reverse("journal:export", args=["csv"])).status_code == 403
    assert not Job.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login_page(db: None) -> None:
    response = Client().post(reverse("journal:export", args=["csv"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
