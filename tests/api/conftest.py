"""API clients holding a token of a given role, and a session with scores to work on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser

from certif.accounts.tokens import issue_token
from certif.candidates.models import Candidate
from certif.core.roles import Role
from certif.domain.referential.schema import Referential
from certif.sessions.models import ExamSession
from tests.support.api import Api, other_candidate
from tests.support.builders import score_rows
from tests.support.deliberations import (
    SESSION,
    SESSION_DAYS,
    every_block_rows,
    held,
    import_rows,
    threshold,
)


@pytest.fixture
def api_for(make_user: Callable[..., AbstractUser]) -> Callable[..., Api]:
    """An API client with a token of a new user holding ``roles`` (a candidate account gets a
    candidate of its own unless one is given)."""
    counter = iter(range(1, 10_000))

    def make(*roles: Role, candidate: Candidate | None = None) -> Api:
        if Role.CANDIDATE in roles and candidate is None:
            candidate = other_candidate(f"R{next(counter):04d}")
        user = make_user(*roles, candidate=candidate)
        return Api(issue_token(user, "tests").secret, user)

    return make


@pytest.fixture
def api_as_user() -> Callable[[AbstractUser], Api]:
    def make(user: AbstractUser) -> Api:
        return Api(issue_token(user, "tests").secret, user)

    return make


@pytest.fixture
def anonymous() -> Api:
    return Api()


@pytest.fixture
def staff_api(api_for: Callable[..., Api]) -> Api:
    return api_for(Role.STAFF)


@pytest.fixture
def session(ccab: Referential, candidates: list[Candidate], tmp_path: Path) -> ExamSession:
    """Session 2026-06: C001 passes every block well above its threshold; C002 has B1 only,
    below its threshold."""
    validated = threshold(ccab, "B1") + 4
    failed = threshold(ccab, "B1") - 4
    import_rows(
        tmp_path,
        every_block_rows(ccab, "C001", validated) + score_rows(ccab, "C002", "B1", failed),
    )
    return held(SESSION, *SESSION_DAYS)
