"""Sessions, assignments and evaluators for the grading tests; points come from the référentiel."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client

from certif.candidates.models import Candidate
from certif.core.roles import Role
from certif.referential.models import ReferentialVersion
from certif.sessions.models import Assignment, ExamSession
from tests.support.grading import block_row


@pytest.fixture
def session(version: ReferentialVersion) -> ExamSession:
    return ExamSession.objects.create(code="2026-06", referential_version=version)


@pytest.fixture
def evaluator(make_user: Callable[..., AbstractUser]) -> AbstractUser:
    return make_user(Role.EVALUATOR)


@pytest.fixture
def assign(session: ExamSession, candidates: list[Candidate]) -> Callable[..., Assignment]:
    def make(
        evaluator: AbstractUser,
        block: str = "B1",
        part: str = "",
        marker: int = 1,
        candidate: Candidate | None = None,
    ) -> Assignment:
        return Assignment.objects.create(
            session=session,
            candidate=candidate or candidates[0],
            block=block_row(session, block),
            part=part,
            evaluator=evaluator,
            marker=marker,
        )

    return make


@pytest.fixture
def assignment(assign: Callable[..., Assignment], evaluator: AbstractUser) -> Assignment:
    return assign(evaluator)


@pytest.fixture
def as_role(
    client_as: Callable[..., Client], candidates: list[Candidate]
) -> Callable[[Role], Client]:
    """A client signed in with one role; a candidate account is linked to the second candidate."""

    def make(role: Role) -> Client:
        return client_as(role, candidate=candidates[1] if role is Role.CANDIDATE else None)

    return make
