"""An import through the API: read what it wrote, revert it while nothing depends on it."""

from __future__ import annotations

from typing import Any

import pytest

from certif.candidates.models import Candidate
from certif.domain.referential.schema import Referential
from certif.grading.models import Score
from certif.sessions.models import ExamSession
from tests.support.api import Api
from tests.support.builders import score_rows

pytestmark = pytest.mark.django_db

COLUMNS = ("candidat", "session", "bloc", "partie", "critere", "valeur")


def typo_import(staff_api: Api, ccab: Referential) -> dict[str, Any]:
    rows = [
        dict(zip(COLUMNS, row, strict=True))
        for row in score_rows(ccab, "C001", "B1", "12", "2027-21")
    ]
    response = staff_api.post("/scores:bulk", {"rows": rows, "create_sessions": True})
    assert response.status_code == 200, response.content
    report: dict[str, Any] = response.json()
    return report


def test_an_import_says_what_it_wrote_in_each_session(
    staff_api: Api, candidates: list[Candidate], ccab: Referential
) -> None:
    report = typo_import(staff_api, ccab)
    read = staff_api.get(f"/imports/{report['batch']}").json()
    assert read["kind"] == "scores"
    assert read["reverted_at"] is None
    (written,) = read["written"]
    assert written["session"] == "2027-21"
    assert written["scores_created"] == report["created"]
    assert written["enrolments_created"] == 1


def test_a_revert_undoes_the_import_and_says_what_it_undid(
    staff_api: Api, candidates: list[Candidate], ccab: Referential
) -> None:
    report = typo_import(staff_api, ccab)
    response = staff_api.post(
        f"/imports/{report['batch']}/revert", {"reason": "Session mal saisie"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["sessions_removed"] == ["2027-21"]
    assert not ExamSession.objects.filter(code="2027-21").exists()
    assert not Score.objects.exists()
    again = staff_api.post(f"/imports/{report['batch']}/revert", {"reason": "Session mal saisie"})
    assert again.status_code == 409
    assert "déjà annulé" in again.json()["detail"]


def test_an_unknown_import_is_404(staff_api: Api, candidates: list[Candidate]) -> None:
    assert staff_api.get("/imports/999999").status_code == 404
