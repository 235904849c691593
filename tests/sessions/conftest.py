"""A session on the référentiel in force, two candidates, evaluators."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AbstractUser

from certif.candidates.models import Candidate
from certif.core.roles import Role
from certif.referential.models import ReferentialVersion
from certif.sessions.models import ExamSession


@pytest.fixture
def session(version: ReferentialVersion, candidates: list[Candidate]) -> ExamSession:
    start = date.today() + timedelta(days=30)
    return ExamSession.objects.create(
        code="2026-11", title="Session d'automne", start_date=start, referential_version=version
    )


@pytest.fixture
def evaluator(make_user: Callable[..., AbstractUser]) -> AbstractUser:
    return make_user(Role.EVALUATOR, username="eva")


@pytest.fixture
def second_evaluator(make_user: Callable[..., AbstractUser]) -> AbstractUser:
    return make_user(Role.EVALUATOR, username="hugo")
