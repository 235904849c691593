"""Mistakes undone: a session or an enrolment removed while nothing depends on it, with a
reason, a confirmation and a journal entry; refused, saying why, when something does."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse

from certif.candidates.models import Candidate
from certif.core.errors import Forbidden, Invalid
from certif.core.models import AuditEvent
from certif.core.roles import Role
from certif.deliberations.services import open_deliberation
from certif.grading.models import ScoreSheet
from certif.grading.services import open_sheet
from certif.sessions import actions
from certif.sessions.models import Assignment, Enrolment, ExamSession
from certif.sessions.services import (
    SessionError,
    assign_evaluator,
    delete_session,
    enrol,
    remove_enrolment,
)
from tests.support.grading import full_marks, submitted

pytestmark = pytest.mark.django_db

REASON = {"motif": "Session créée par une faute de frappe dans l'import"}
OTHER_ROLES = [Role.EVALUATOR, Role.JURY_MEMBER, Role.JURY_PRESIDENT, Role.CANDIDATE]


@pytest.fixture
def deliberated(
    session: ExamSession, staff: AbstractUser, candidates: list[Candidate]
) -> ExamSession:
    """The session held last week with one candidate enrolled, its deliberation open today."""
    enrol(session, [candidates[0].pk], [("B1", "")])
    today = date.today()
    ExamSession.objects.filter(pk=session.pk).update(
        start_date=today - timedelta(days=10), end_date=today - timedelta(days=6)
    )
    session.refresh_from_db()
    open_deliberation(session, staff, today, acknowledge_unfinished=True)
    return session


@pytest.fixture
def enrolled(
    session: ExamSession, candidates: list[Candidate], evaluator: AbstractUser
) -> Assignment:
    enrol(session, [candidates[0].pk], [("B1", "")])
    assign_evaluator(session, candidates[0], "B1", "", evaluator, 1)
    return Assignment.objects.get()


def test_a_session_nothing_depends_on_is_deleted_with_its_enrolments_and_journalled(
    session: ExamSession, enrolled: Assignment, staff: AbstractUser
) -> None:
    open_sheet(enrolled, actor=enrolled.evaluator)
    delete_session(session, REASON, actor=staff)
    assert not ExamSession.objects.filter(pk=session.pk).exists()
    assert not Enrolment.objects.exists()
    assert not Assignment.objects.exists()
    assert not ScoreSheet.objects.exists()
    event = AuditEvent.objects.get(action=actions.SESSION_DELETED.code)
    assert (event.actor, event.reason, event.before["enrolments"]) == (staff, REASON["motif"], 1)
    assert event.object_label.startswith(session.code)


def test_a_session_whose_sheets_hold_scores_is_kept_and_the_refusal_says_why(
    session: ExamSession, enrolled: Assignment, staff: AbstractUser, ccab: object
) -> None:
    submitted(enrolled, full_marks(ccab, "B1"))  # type: ignore[arg-type]
    with pytest.raises(SessionError, match="1 feuille d'évaluation porte des notes"):
        delete_session(session, REASON, actor=staff)
    assert ExamSession.objects.filter(pk=session.pk).exists()
    assert not AuditEvent.objects.filter(action=actions.SESSION_DELETED.code).exists()


def test_a_session_with_a_deliberation_is_kept(
    deliberated: ExamSession, staff: AbstractUser
) -> None:
    with pytest.raises(SessionError, match="délibération"):
        delete_session(deliberated, REASON, actor=staff)


def test_a_removal_without_a_reason_is_invalid(session: ExamSession, staff: AbstractUser) -> None:
    with pytest.raises(Invalid) as refused:
        delete_session(session, {"motif": "oups"}, actor=staff)
    assert "motif" in refused.value.errors
    assert ExamSession.objects.filter(pk=session.pk).exists()


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_only_a_gestionnaire_removes_a_session_or_an_enrolment(
    role: Role,
    session: ExamSession,
    enrolled: Assignment,
    make_user: Callable[..., AbstractUser],
    candidates: list[Candidate],
) -> None:
    user = make_user(role, candidate=candidates[1] if role is Role.CANDIDATE else None)
    with pytest.raises(Forbidden):
        delete_session(session, REASON, actor=user)
    with pytest.raises(Forbidden):
        remove_enrolment(Enrolment.objects.get(), REASON, actor=user)
    assert Enrolment.objects.exists()


def test_an_enrolment_is_removed_with_its_assignments_and_journalled_on_its_session(
    session: ExamSession, enrolled: Assignment, staff: AbstractUser
) -> None:
    remove_enrolment(Enrolment.objects.get(), REASON, actor=staff)
    assert not Enrolment.objects.exists()
    assert not Assignment.objects.exists()
    event = AuditEvent.objects.get(action=actions.ENROLMENT_REMOVED.code)
    assert event.object_id == str(session.pk)
    assert (event.before["candidate"], event.before["unit"]) == ("C001", "B1")


def test_an_enrolment_whose_sheet_holds_scores_is_kept(
    session: ExamSession, enrolled: Assignment, staff: AbstractUser, ccab: object
) -> None:
    submitted(enrolled, full_marks(ccab, "B1"))  # type: ignore[arg-type]
    with pytest.raises(SessionError, match="ne peut pas être retirée"):
        remove_enrolment(Enrolment.objects.get(), REASON, actor=staff)
    assert Enrolment.objects.exists()


def test_the_session_page_deletes_after_a_reason_and_a_confirmation(
    client_as: Callable[..., Client], session: ExamSession, enrolled: Assignment
) -> None:
    client = client_as(Role.STAFF)
    url = reverse("sessions:delete", args=[session.pk])
    assert "Supprimer la session" in client.get(url).content.decode()
    asked = client.post(url, REASON)
    assert "Cette action est définitive" in asked.content.decode()
    assert ExamSession.objects.filter(pk=session.pk).exists()
    done = client.post(url, {**REASON, "confirmed": "1"})
    assert done.status_code == 302
    assert done["Location"] == reverse("sessions:list")
    assert not ExamSession.objects.filter(pk=session.pk).exists()


def test_the_removal_page_says_why_it_cannot_and_offers_no_form(
    client_as: Callable[..., Client], deliberated: ExamSession
) -> None:
    page = client_as(Role.STAFF).get(reverse("sessions:delete", args=[deliberated.pk]))
    html = page.content.decode()
    assert "pas possible" in html
    assert "délibération" in html
    assert 'name="motif"' not in html


def test_each_enrolment_row_links_to_its_removal(
    client_as: Callable[..., Client], session: ExamSession, enrolled: Assignment
) -> None:
    client = client_as(Role.STAFF)
    enrolment = Enrolment.objects.get()
    url = reverse("sessions:remove_enrolment", args=[session.pk, enrolment.pk])
    assert url in client.get(reverse("sessions:detail", args=[session.pk])).content.decode()
    client.post(url, {**REASON, "confirmed": "1"})
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_are_refused_the_removal_pages(
    role: Role,
    client_as: Callable[..., Client],
    session: ExamSession,
    enrolled: Assignment,
    candidates: list[Candidate],
) -> None:
    client = client_as(role, candidate=candidates[1] if role is Role.CANDIDATE else None)
    enrolment = Enrolment.objects.get()
    for url in (
        reverse("sessions:delete", args=[session.pk]),
        reverse("sessions:remove_enrolment", args=[session.pk, enrolment.pk]),
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, {**REASON, "confirmed": "1"}).status_code == 403
    assert Enrolment.objects.exists()
