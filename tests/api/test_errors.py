"""Errors as problem details (RFC 9457), in French, naming what is wrong."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from certif.core.roles import Role
from certif.referential.models import ReferentialVersion
from tests.support.api import Api, fields, problem

pytestmark = pytest.mark.django_db


def test_a_body_that_is_not_json_is_a_400_problem(
    staff_api: Api, version: ReferentialVersion
) -> None:
    response = staff_api.client.post(
        "/api/v1/sessions", "{pas du json", content_type="application/json",
        headers=staff_api.headers(),
    )  # fmt: skip
    assert response.status_code == 400
    assert "JSON" in problem(response)["detail"]


def test_a_query_parameter_of_the_wrong_type_is_named_with_its_location(
    staff_api: Api, version: ReferentialVersion
) -> None:
    response = staff_api.get("/sessions", limit="beaucoup")
    error = problem(response)["errors"][0]
    assert response.status_code == 422
    assert (error["field"], error["location"]) == ("limit", "query")
    assert error["message"] == "attendu un nombre entier"


def test_a_body_error_carries_a_json_pointer(staff_api: Api, version: ReferentialVersion) -> None:
    response = staff_api.post(
        "/sessions/2026-06/enrolments", {"candidates": ["C001"], "units": [{"part": "x"}]}
    )
    error = problem(response)["errors"][0]
    assert error["field"] == "units[0].block"
    assert error["pointer"] == "#/units/0/block"


def test_the_problem_type_and_instance_say_what_and_where(
    staff_api: Api, version: ReferentialVersion
) -> None:
    body = problem(staff_api.get("/sessions/2099-01"))
    assert body["type"] == "urn:certif:probleme:introuvable"
    assert body["instance"] == "/api/v1/sessions/2099-01"


def test_an_unexpected_error_is_a_500_problem_and_is_logged(
    api_for: Any, version: ReferentialVersion, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("panne")

    monkeypatch.setattr("certif.api.endpoints.sessions.unit_progress", broken)
    staff = api_for(Role.STAFF)
    staff.client = Client(raise_request_exception=False)
    staff.post("/sessions", {"code": "2026-11"})
    response = staff.get("/sessions/2026-11")
    assert response.status_code == 500
    assert "panne" not in problem(response)["detail"]
    assert "panne" in caplog.text


def test_french_messages_name_each_field(staff_api: Api, version: ReferentialVersion) -> None:
    response = staff_api.post("/sessions", {"code": "x" * 40, "start_date": "demain"})
    named = fields(response)
    assert named["code"] == "trop long : 32 caractères au plus"
    assert named["start_date"].startswith("date invalide")


def test_a_body_over_the_servers_limit_is_a_413_problem(
    staff_api: Api, version: ReferentialVersion, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    rows = [{"candidat": "C001", "session": "2026-06", "bloc": "B1", "critere": "B1Cr1",
             "valeur": "1"}] * 10  # fmt: skip
    response = staff_api.post("/scores:bulk", {"rows": rows})
    assert response.status_code == 413
    assert "plusieurs lots" in problem(response)["detail"]


@pytest.mark.parametrize(
    ("path", "params", "body"),
    [
        ("/candidates", {"q": "Du\x00pont"}, None),
        ("/scores:bulk", {}, {"rows": [{"candidat": "C\x00", "session": "s", "bloc": "B1",
                                       "critere": "B1Cr1", "valeur": "1"}]}),
    ],
)  # fmt: skip
def test_a_nul_character_is_refused_before_anything_reads_it(
    staff_api: Api, version: ReferentialVersion, path: str, params: dict[str, str], body: Any
) -> None:
    response = staff_api.post(path, body) if body else staff_api.get(path, **params)
    assert response.status_code == 422
    assert "caractère nul" in problem(response)["detail"]


def test_an_id_beyond_any_stored_one_is_refused_not_looked_up(
    staff_api: Api, version: ReferentialVersion
) -> None:
    response = staff_api.get(f"/sheets/{2**64}")
    assert response.status_code == 422
    assert "sheet_id" in fields(response)
