"""Convocations sent by e-mail, the PDF attached, each send journalled, never twice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.core import mail
from django.urls import reverse

from certif.core.errors import Forbidden
from certif.core.models import AuditEvent
from certif.core.roles import Role
from certif.documents import actions, services
from certif.documents.mailing import send_convocations
from certif.documents.models import Kind
from certif.sessions.models import ExamSession
from tests.support.documents import candidate
from tests.tasks.fixtures import run_jobs, task_files  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def convoked(session: ExamSession, staff: AbstractUser) -> ExamSession:
    """C001 with an e-mail address, C002 without; both convoked."""
    first = candidate("C001")
    first.email = "c001@example.org"
    first.save(update_fields=["email"])
    second = candidate("C002")
    second.email = ""
    second.save(update_fields=["email"])
    for numero in ("C001", "C002"):
        services.issue(services.Subject(Kind.CONVOCATION, session, candidate(numero)), staff)
    return session


def test_each_convocation_goes_to_its_candidate_with_its_pdf_and_is_journalled(
    convoked: ExamSession, staff: AbstractUser, mailoutbox: list[Any]
) -> None:
    outcome = send_convocations(convoked, staff)
    assert (outcome.sent, outcome.without_address) == (["C001"], ["C002"])
    [message] = mailoutbox
    assert message.to == ["c001@example.org"]
    [(name, content, kind)] = message.attachments
    assert (name, kind) == ("convocation-C001.pdf", "application/pdf")
    assert content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action=actions.SENT.code).count() == 1


def test_sending_again_sends_nothing_twice(
    convoked: ExamSession, staff: AbstractUser, mailoutbox: list[Any]
) -> None:
    send_convocations(convoked, staff)
    again = send_convocations(convoked, staff)
    assert (again.sent, again.already_sent) == ([], ["C001"])
    assert len(mailoutbox) == 1


def test_only_a_gestionnaire_sends_convocations(
    convoked: ExamSession, make_user: Callable[..., AbstractUser], mailoutbox: list[Any]
) -> None:
    with pytest.raises(Forbidden):
        send_convocations(convoked, make_user(Role.JURY_PRESIDENT))
    assert mailoutbox == []


def test_the_page_confirms_then_sends_through_the_worker(
    convoked: ExamSession,
    client_for: Callable[..., Any],
    run_jobs: Callable[[], int],  # noqa: F811
    mailoutbox: list[Any],
) -> None:
    client = client_for(Role.STAFF)
    url = reverse("documents:send_convocations", args=[convoked.pk])
    asked = client.post(url)
    assert "dont 1 à une adresse de courriel" in asked.content.decode()
    assert mailoutbox == []
    started = client.post(url, {"confirmed": "1"})
    assert run_jobs() == 1
    page = client.get(started["Location"]).content.decode()
    assert "1 convocation envoyée." in page
    assert "C002" in page
    assert len(mail.outbox) == 1
