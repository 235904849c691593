"""Sessions, assignments and evaluators for the grading tests; points come from the référentiel."""

from __future__ import annotations

import html
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client

from certif.candidates.models import Candidate
from certif.core.roles import Role
from certif.domain.referential.schema import Referential
from certif.domain.values import Value
from certif.grading.forms import grid_data
from certif.grading.models import ScoreSheet
from certif.grading.services import open_sheet, save_sheet, submit_sheet
from certif.referential.models import Block, ReferentialVersion
from certif.sessions.models import Assignment, ExamSession
from tests.builders import values_totalling


@pytest.fixture
def session(version: ReferentialVersion) -> ExamSession:
    return ExamSession.objects.create(code="2026-06", referential_version=version)


def block_row(session: ExamSession, code: str) -> Block:
    return Block.objects.get(version=session.referential_version, code=code)


def full_marks(ccab: Referential, block: str) -> dict[str, Value]:
    """Every criterion of a points block at its maximum."""
    return {c.code: c.max_points or Decimal(0) for c in ccab.block(block).criteria}


def totalling(ccab: Referential, block: str, total: str) -> dict[str, Value]:
    return values_totalling(ccab.block(block), Decimal(total))


def as_typed(values: dict[str, Value]) -> dict[str, str]:
    """Values as a person types them in the grid, with a French decimal comma."""
    return {f"v_{code}": str(value).replace(".", ",") for code, value in values.items()}


def signed_in(user: AbstractUser) -> Client:
    client = Client()
    client.force_login(user)
    return client


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


def submitted(assignment: Assignment, values: dict[str, Value]) -> ScoreSheet:
    """The assignment's sheet, filled with ``values`` and submitted by its evaluator."""
    sheet = open_sheet(assignment, actor=assignment.evaluator)
    save_sheet(sheet.pk, grid_data(values, revision=sheet.revision), actor=assignment.evaluator)
    return submit_sheet(sheet.pk, actor=assignment.evaluator)


@pytest.fixture
def as_role(
    client_as: Callable[..., Client], candidates: list[Candidate]
) -> Callable[[Role], Client]:
    """A client signed in with one role; a candidate account is linked to the second candidate."""

    def make(role: Role) -> Client:
        return client_as(role, candidate=candidates[1] if role is Role.CANDIDATE else None)

    return make


def text_of(response: Any) -> str:
    """A page's HTML with its entities decoded (« l'intérêt », not « l&#x27;intérêt »)."""
    return html.unescape(response.content.decode())
