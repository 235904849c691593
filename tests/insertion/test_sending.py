"""Holders are surveyed at 6 months and 2 years, by one e-mail each and a set number of
reminders after a set delay: never twice, journalled, through the worker too."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser

from certif.candidates.models import Candidate
from certif.core.errors import Forbidden
from certif.core.models import AuditEvent
from certif.core.roles import Role
from certif.insertion import actions
from certif.insertion.models import Point, Survey
from certif.insertion.queries import holders
from certif.insertion.services import send_due
from certif.insertion.tasks import send_surveys_job
from certif.insertion.timing import REMINDER_DAYS, REMINDERS
from certif.tasks.services import start
from tests.support.deliberations import on
from tests.support.insertion import CERTIFIED_ON, PUBLIC_URL, SIX_MONTHS_DUE, answered, employed
from tests.tasks.fixtures import run_jobs, task_files  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_holder_is_a_candidate_a_published_jury_certified(certified: Candidate) -> None:
    [holder] = holders()
    assert (holder.candidate_id, holder.certified_on) == (certified.pk, CERTIFIED_ON)


def test_nothing_is_due_before_six_months(certified: Candidate, mailoutbox: list[Any]) -> None:
    outcome = send_due(today=SIX_MONTHS_DUE - timedelta(days=1))
    assert (outcome.opened, outcome.first) == (0, 0)
    assert not Survey.objects.exists()
    assert mailoutbox == []


def test_the_six_month_survey_is_sent_once_with_a_personal_link(
    certified: Candidate, mailoutbox: list[Any]
) -> None:
    with on(SIX_MONTHS_DUE):
        first = send_due()
        again = send_due()
    assert (first.opened, first.first, first.reminders) == (1, 1, 0)
    assert (again.opened, again.first, again.reminders) == (0, 0, 0)
    [message] = mailoutbox
    assert message.to == ["c001@example.org"]
    assert f"{PUBLIC_URL}/enquete/" in message.body
    survey = Survey.objects.get()
    assert (survey.point, survey.cohort, survey.due_on) == (Point.SIX_MONTHS, 2026, SIX_MONTHS_DUE)
    assert AuditEvent.objects.filter(action=actions.SURVEY_SENT.code).count() == 1


def test_reminders_follow_the_delay_up_to_their_number(
    certified: Candidate, mailoutbox: list[Any]
) -> None:
    day = SIX_MONTHS_DUE
    with on(day):
        send_due()
    with on(day + timedelta(days=REMINDER_DAYS - 1)):
        assert send_due().reminders == 0
    for reminder in range(1, REMINDERS + 1):
        day += timedelta(days=REMINDER_DAYS)
        with on(day):
            assert send_due().reminders == 1, reminder
    with on(day + timedelta(days=REMINDER_DAYS)):
        assert send_due().reminders == 0
    assert len(mailoutbox) == 1 + REMINDERS
    assert mailoutbox[1].body.startswith("Rappel")
    assert Survey.objects.get().reminders_sent == REMINDERS


def test_no_reminder_once_answered(certified: Candidate, mailoutbox: list[Any]) -> None:
    with on(SIX_MONTHS_DUE):
        send_due()
        answered(Survey.objects.get(), **employed())
    with on(SIX_MONTHS_DUE + timedelta(days=REMINDER_DAYS)):
        assert send_due().reminders == 0
    assert len(mailoutbox) == 1


def test_a_survey_missed_by_more_than_its_window_is_not_opened(
    certified: Candidate, mailoutbox: list[Any]
) -> None:
    """Three years later, only the 2-year survey is still answerable."""
    with on(CERTIFIED_ON.replace(year=2028) + timedelta(days=10)):
        send_due()
    assert list(Survey.objects.values_list("point", flat=True)) == [Point.TWO_YEARS]


def test_a_dry_run_counts_and_writes_nothing(certified: Candidate, mailoutbox: list[Any]) -> None:
    with on(SIX_MONTHS_DUE):
        outcome = send_due(dry_run=True)
    assert (outcome.opened, outcome.first) == (1, 1)
    assert not Survey.objects.exists()
    assert mailoutbox == []


def test_only_a_gestionnaire_sends(
    certified: Candidate, make_user: Callable[..., AbstractUser]
) -> None:
    with pytest.raises(Forbidden):
        send_due(make_user(Role.EVALUATOR), today=SIX_MONTHS_DUE)


def test_the_worker_sends_the_surveys(
    certified: Candidate,
    staff: AbstractUser,
    run_jobs: Callable[[], int],  # noqa: F811
    mailoutbox: list[Any],
) -> None:
    with on(SIX_MONTHS_DUE):
        start(send_surveys_job, actor=staff, shown={})
        run_jobs()  # the publication's notice too
    [survey_mail] = [m for m in mailoutbox if "après la certification" in m.subject]
    assert f"{PUBLIC_URL}/enquete/" in survey_mail.body
    assert AuditEvent.objects.get(action=actions.SURVEY_SENT.code).actor == staff
