"""Publishing a deliberation tells its candidates by e-mail, once, without the decision."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser

from certif.candidates.models import Candidate
from certif.core.models import AuditEvent
from certif.deliberations import actions
from certif.deliberations.models import Deliberation, JuryMember
from certif.deliberations.notices import notify_publication
from certif.deliberations.services import publish_results
from certif.tasks.models import Job
from tests.support.deliberations import closed_on_its_day
from tests.tasks.fixtures import run_jobs, task_files  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    president: AbstractUser,
    staff: AbstractUser,
    candidates: list[Candidate],
) -> Deliberation:
    """C001 has an address, C002 none; the deliberation closed and published."""
    first, second = candidates[0], candidates[1]
    first.email, second.email = "c001@example.org", ""
    first.save(update_fields=["email"])
    second.save(update_fields=["email"])
    closed_on_its_day(deliberation, president)
    return publish_results(deliberation, staff)


def test_publishing_queues_the_notices_and_the_worker_sends_them(
    published: Deliberation,
    run_jobs: Callable[[], int],  # noqa: F811
    mailoutbox: list[Any],
) -> None:
    assert Job.objects.filter(kind="deliberations.notify").count() == 1
    assert run_jobs() == 1
    [message] = mailoutbox
    assert message.to == ["c001@example.org"]
    assert published.session.code in message.subject
    assert "validé" not in message.body
    assert AuditEvent.objects.filter(action=actions.RESULTS_NOTIFIED.code).count() == 1


def test_a_candidate_is_told_once(
    published: Deliberation, staff: AbstractUser, mailoutbox: list[Any]
) -> None:
    first = notify_publication(published, staff)
    again = notify_publication(published, staff)
    assert (first.sent, first.without_address) == (["C001"], ["C002"])
    assert (again.sent, again.already_sent) == ([], ["C001"])
    assert len(mailoutbox) == 1
