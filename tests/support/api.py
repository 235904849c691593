"""API clients holding a token of a given role, and a session with scores to work on."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.test import Client

from certif.candidates.models import Candidate

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
