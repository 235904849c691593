"""A session a month ahead: C001 enrolled in B1 and the mémoire, her subject approved, both
files deposited; an evaluator assigned to her B1, a juror seated on the session's jury."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AbstractUser
from django.utils import timezone

from certif.candidates.models import Candidate
from certif.core.roles import Role
from certif.deliberations.models import Deliberation, JuryMember
from certif.referential.models import Block, ReferentialVersion
from certif.sessions.models import Assignment, ExamSession
from certif.submissions.models import Deposit, Subject
from tests.support.buckets import bucket  # noqa: F401
from tests.support.deliberations import client_for  # noqa: F401
from tests.support.submissions import approved_subject, deposited, session_in


@dataclass(frozen=True)
class World:
    session: ExamSession
    candidate: Candidate
    owner: AbstractUser
    subject: Subject
    support: Deposit
    memoire: Deposit
    evaluator: AbstractUser
    mem_evaluator: AbstractUser
    juror: AbstractUser
    staff: AbstractUser
    assignment: Assignment
    mem_assignment: Assignment


@pytest.fixture
def world(
    version: ReferentialVersion,
    candidates: list[Candidate],
    make_user: Callable[..., AbstractUser],
) -> World:
    candidate = candidates[0]
    owner = make_user(Role.CANDIDATE, candidate=candidate)
    staff = make_user(Role.STAFF)
    session = session_in(version, candidate, 30)
    subject = approved_subject(candidate, owner, make_user(Role.PEDAGOGY))
    support = deposited(candidate, session, "B1Support", owner, pages=4)
    memoire = deposited(
        candidate, session, "MEMDocument", owner, pages=40, annexes=33, name="m.pdf"
    )
    evaluator, mem_evaluator = make_user(Role.EVALUATOR), make_user(Role.EVALUATOR)
    assignments = [
        Assignment.objects.create(
            session=session,
            candidate=candidate,
            block=Block.objects.get(version=version, code=code),
            evaluator=who,
        )
        for code, who in (("B1", evaluator), ("MEM", mem_evaluator))
    ]
    juror = make_user(Role.JURY_MEMBER)
    deliberation = Deliberation.objects.create(
        session=session, number=1, date=session.end_date, opened_by=staff, opened_at=timezone.now()
    )
    JuryMember.objects.create(
        deliberation=deliberation, user=juror, full_name="Juré", affiliation="external"
    )
    return World(
        session=session,
        candidate=candidate,
        owner=owner,
        subject=subject,
        support=support,
        memoire=memoire,
        evaluator=evaluator,
        mem_evaluator=mem_evaluator,
        juror=juror,
        staff=staff,
        assignment=assignments[0],
        mem_assignment=assignments[1],
    )
