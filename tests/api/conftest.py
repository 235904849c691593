"""API clients holding a token of a given role, and a session with scores to work on."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client

from certif.accounts.tokens import issue_token
from certif.candidates.models import Candidate
from certif.core.roles import Role
from certif.domain.referential.schema import Referential
from certif.sessions.models import ExamSession
from tests.builders import score_rows
from tests.deliberations.conftest import SESSION, every_block_rows, import_rows, threshold

BASE = "/api/v1"


class Api:
    """A client of the API, with a token (or without any credentials)."""

    def __init__(self, token: str | None = None, user: AbstractUser | None = None) -> None:
        self.client = Client()
        self.token = token
        self.user = user

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return {**headers, **(extra or {})}

    def get(self, path: str, headers: dict[str, str] | None = None, **params: Any) -> Any:
        return self.client.get(BASE + path, params, headers=self.headers(headers))

    def send(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> Any:
        call = getattr(self.client, method.lower())
        data = json.dumps(body) if body is not None else ""
        return call(
            BASE + path, data, content_type="application/json", headers=self.headers(headers)
        )

    def post(self, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        return self.send("post", path, body, headers)

    def put(self, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        return self.send("put", path, body, headers)

    def patch(self, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        return self.send("patch", path, body, headers)

    def delete(self, path: str, headers: dict[str, str] | None = None) -> Any:
        return self.send("delete", path, None, headers)


def other_candidate(numero: str) -> Candidate:
    return Candidate.objects.create(
        numero=numero, birth_name="Rôle", first_name="Test", birth_date=date(2000, 1, 1)
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
    return ExamSession.objects.get(code=SESSION)


def problem(response: Any) -> dict[str, Any]:
    """The body of a problem-details answer, after checking that it is one."""
    assert response["Content-Type"].startswith("application/problem+json"), response.content
    body: dict[str, Any] = response.json()
    assert body["status"] == response.status_code
    assert {"type", "title", "detail", "instance"} <= set(body)
    return body


def fields(response: Any) -> dict[str, str]:
    """The fields a problem names, with their message."""
    return {e.get("field") or "": e["message"] for e in problem(response).get("errors", [])}
