"""Bulk scores: the rows of a scores file, checked and written by the importer's own pipeline."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from certif.candidates.models import Candidate
from certif.domain.referential.schema import Referential
from certif.grading.models import Score
from certif.imports.models import ImportBatch
from certif.results.models import CandidateResult
from certif.sessions.models import ExamSession
from tests.support.api import Api, fields, problem
from tests.support.builders import points_criteria, score_rows, thesis_rows
from tests.support.deliberations import threshold

pytestmark = pytest.mark.django_db

COLUMNS = ("candidat", "session", "bloc", "partie", "critere", "valeur")


def as_json(rows: list[tuple[str, ...]]) -> list[dict[str, Any]]:
    return [dict(zip(COLUMNS, row, strict=True)) for row in rows]


def test_rows_are_written_and_the_decisions_recomputed(
    staff_api: Api, candidates: list[Candidate], ccab: Referential
) -> None:
    rows = as_json(score_rows(ccab, "C001", "B1", threshold(ccab, "B1") + 2))
    response = staff_api.post("/scores:bulk", {"rows": rows, "create_sessions": True})
    report = response.json()
    assert response.status_code == 200, response.content
    assert report["created"] == len(rows)
    assert report["sessions_created"] == ["2026-06"]
    assert report["candidates_recomputed"] == 1
    assert ImportBatch.objects.get(pk=report["batch"]).rows == len(rows)
    summary = CandidateResult.objects.get(candidate__numero="C001").summary
    assert summary["blocks"]["B1"]["status"] == "validated"


def test_yes_no_values_travel_as_booleans(
    staff_api: Api, candidates: list[Candidate], ccab: Referential
) -> None:
    rows = as_json(thesis_rows(ccab, "C001"))
    for row in rows:
        if row["valeur"] in ("oui", "non"):
            row["valeur"] = row["valeur"] == "oui"
        elif row["valeur"].isdigit():
            row["valeur"] = int(row["valeur"])
    response = staff_api.post("/scores:bulk", {"rows": rows, "create_sessions": True})
    assert response.status_code == 200, response.content
    assert Score.objects.count() == len(rows)


def test_any_error_writes_nothing_and_names_each_row_and_field(
    staff_api: Api, candidates: list[Candidate], ccab: Referential
) -> None:
    rows = as_json(score_rows(ccab, "C001", "B1", 10))
    rows[1]["valeur"] = "99"
    rows[2]["candidat"] = "C999"
    response = staff_api.post("/scores:bulk", {"rows": rows, "create_sessions": True})
    named = fields(response)
    assert response.status_code == 422
    assert "hors barème" in named["rows[1].valeur"]
    assert named["rows[2].candidat"] == "candidat inconnu"
    assert problem(response)["total"] == 2
    assert not Score.objects.exists()
    assert not ExamSession.objects.exists()


def test_a_different_value_is_replaced_only_when_asked(
    staff_api: Api, candidates: list[Candidate], ccab: Referential
) -> None:
    first = as_json(score_rows(ccab, "C001", "B1", 10))
    staff_api.post("/scores:bulk", {"rows": first, "create_sessions": True})
    changed = [{**first[0], "valeur": "0"}]
    refused = staff_api.post("/scores:bulk", {"rows": changed, "create_sessions": True})
    replaced = staff_api.post(
        "/scores:bulk", {"rows": changed, "replace": True, "create_sessions": True}
    )
    assert refused.status_code == 422
    assert "« replace »: true" in fields(refused)["rows[0].valeur"]
    assert replaced.json()["replaced"] == 1
    assert Score.objects.get(criterion__code=first[0]["critere"]).value == 0


def test_a_float_value_is_refused_by_the_schema(
    staff_api: Api, candidates: list[Candidate], ccab: Referential
) -> None:
    rows = as_json(score_rows(ccab, "C001", "B1", 10))
    rows[0]["valeur"] = float(Decimal(rows[0]["valeur"].replace(",", ".")) + Decimal("0.5"))
    response = staff_api.post("/scores:bulk", {"rows": rows, "create_sessions": True})
    assert response.status_code == 422
    assert "rows[0].valeur" in fields(response)
    assert not Score.objects.exists()


def test_an_unknown_field_in_a_row_is_refused(
    staff_api: Api, candidates: list[Candidate], ccab: Referential
) -> None:
    rows = as_json(score_rows(ccab, "C001", "B1", 10))
    rows[0]["note"] = "3"
    response = staff_api.post("/scores:bulk", {"rows": rows, "create_sessions": True})
    assert fields(response)["rows[0].note"] == "champ inconnu"


def test_an_unknown_session_is_refused_unless_asked_to_create_it(
    staff_api: Api, candidates: list[Candidate], ccab: Referential
) -> None:
    rows = [
        {"candidat": "C001", "session": "2027-21", "bloc": "B1", "partie": "", "critere": code,
         "valeur": "1"}
        for code, _points in points_criteria(ccab.block("B1"))[:1]
    ]  # fmt: skip
    refused = staff_api.post("/scores:bulk", {"rows": rows})
    assert refused.status_code == 422
    assert "session inconnue" in refused.content.decode()
    assert not ExamSession.objects.filter(code="2027-21").exists()
