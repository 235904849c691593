"""Hostile input through the API: refused with problem details, never a 500, nothing written
on a refusal."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from typing import Any

import pytest
from django.db import connection

from certif.candidates.models import Candidate
from certif.domain.referential.schema import Referential
from certif.grading.models import Score
from certif.imports.guard import importing
from certif.referential.models import ReferentialVersion
from certif.sessions.models import ExamSession
from tests.support.api import Api, problem
from tests.support.builders import score_rows

pytestmark = pytest.mark.django_db

COLUMNS = ("candidat", "session", "bloc", "partie", "critere", "valeur")


@pytest.mark.parametrize("code", ["2026\x13", "2026\n06", "ju\u2028in", "é2026"])
def test_a_session_code_with_a_control_character_is_refused_and_not_created(
    staff_api: Api, version: ReferentialVersion, code: str
) -> None:
    response = staff_api.post("/sessions", {"code": code})
    assert response.status_code == 422, response.content
    assert problem(response)["errors"][0]["field"] == "code"
    assert not ExamSession.objects.exists()


def test_a_created_sessions_location_is_percent_encoded(
    staff_api: Api, version: ReferentialVersion
) -> None:
    response = staff_api.post("/sessions", {"code": "2026.S_1"})
    assert response.status_code == 201, response.content
    assert response["Location"] == "/api/v1/sessions/2026.S_1"


def test_a_candidate_name_with_a_control_character_is_refused_by_row_and_field(
    staff_api: Api, version: ReferentialVersion
) -> None:
    rows = [
        {"numero": "C001", "nom_naissance": "Dupont", "prenoms": "Marie", "date_naissance": "1990-03-12"},
        {"numero": "C002", "nom_naissance": "Le\x1froux", "prenoms": "Ana", "date_naissance": "1990-03-12"},
    ]  # fmt: skip
    response = staff_api.post("/candidates:bulk", {"rows": rows})
    assert response.status_code == 422, response.content
    (error,) = problem(response)["errors"]
    assert error["field"] == "rows[1].nom_naissance"
    assert error["value"] == "Le\\u001froux"
    assert "U+001F" in error["message"]
    assert not Candidate.objects.exists()


def _body(rows: list[tuple[str, ...]]) -> dict[str, Any]:
    return {
        "rows": [dict(zip(COLUMNS, row, strict=True)) for row in rows],
        "create_sessions": True,
    }


def test_the_same_scores_sent_while_being_imported_get_a_409_not_a_500(
    staff_api: Api, candidates: list[Candidate], ccab: Referential
) -> None:
    body = _body(score_rows(ccab, "C001", "B1", "12"))
    sent = json.dumps(body).encode()
    # The API client sends the body as json.dumps writes it: the lock of the first import is
    # the one the second request asks for.
    with importing("scores", hashlib.sha256(sent).hexdigest()):
        response = staff_api.post("/scores:bulk", body)
    assert response.status_code == 409, response.content
    assert "en cours d'import" in problem(response)["detail"]
    assert not Score.objects.exists()
    assert staff_api.post("/scores:bulk", body).status_code == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers need PostgreSQL; SQLite serialises them (the lock is tested above)",
)
def test_three_identical_bulk_posts_at_once_give_one_import_and_no_server_error(
    api_for: Any, candidates: list[Candidate], ccab: Referential, monkeypatch: pytest.MonkeyPatch
) -> None:
    from certif.core.roles import Role
    from certif.imports import scores

    staff: Api = api_for(Role.STAFF)
    body = _body(score_rows(ccab, "C001", "B1", "12"))
    checking = scores.check_scores_frame

    def slow_check(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.5)  # the three requests overlap, as they did on the server
        return checking(*args, **kwargs)

    monkeypatch.setattr(scores, "check_scores_frame", slow_check)
    start = threading.Barrier(3)
    statuses: list[int] = []

    def post() -> None:
        try:
            start.wait()
            statuses.append(staff.post("/scores:bulk", body).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 409, 409]
    assert Score.objects.count() == len(body["rows"])
