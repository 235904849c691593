"""Candidates through the API: the same rules as the web forms, found and paged by numero."""

from __future__ import annotations

from typing import Any

import pytest

from certif.candidates.models import Candidate
from certif.core.models import AuditEvent
from certif.results.models import CandidateResult
from certif.sessions.models import ExamSession
from tests.support.api import Api, fields, problem

pytestmark = pytest.mark.django_db

NEW = {
    "numero": "C100",
    "birth_name": "Martin",
    "first_name": "Léa",
    "birth_date": "1995-04-02",
    "access_path": "VAE",
}


def test_a_candidate_is_created_with_a_stored_decision_and_a_journal_entry(
    staff_api: Api, version: Any
) -> None:
    response = staff_api.post("/candidates", NEW)
    assert response.status_code == 201, response.content
    assert response["Location"] == "/api/v1/candidates/C100"
    assert response.json()["display_name"] == "MARTIN Léa"
    assert CandidateResult.objects.filter(candidate__numero="C100").exists()
    assert AuditEvent.objects.get(action="candidate.created").actor == staff_api.user


def test_the_forms_rules_apply_and_name_each_field_in_french(staff_api: Api, version: Any) -> None:
    response = staff_api.post(
        "/candidates",
        {**NEW, "birth_date": "2999-01-01", "birth_country_code": "FR", "access_path": "AUTRE"},
    )
    named = fields(response)
    assert response.status_code == 422
    assert named["birth_date"] == "Date de naissance invraisemblable."
    assert "3 chiffres" in named["birth_country_code"]
    assert "access_path" in named
    assert not Candidate.objects.exists()


def test_a_taken_numero_is_refused(staff_api: Api, candidates: list[Candidate]) -> None:
    response = staff_api.post("/candidates", {**NEW, "numero": "C001"})
    assert response.status_code == 422
    assert "numero" in fields(response)


def test_a_missing_field_and_a_misspelt_one_are_named(staff_api: Api, version: Any) -> None:
    body = {key: value for key, value in NEW.items() if key != "birth_name"}
    response = staff_api.post("/candidates", {**body, "birthname": "Martin"})
    named = fields(response)
    assert named["birth_name"] == "champ obligatoire"
    assert named["birthname"] == "champ inconnu"
    assert problem(response)["errors"][0]["location"] == "body"


def test_a_candidate_is_read_with_their_enrolments(staff_api: Api, session: ExamSession) -> None:
    body = staff_api.get("/candidates/C002").json()
    assert body["birth_name"] == "Lefèvre"
    assert body["enrolments"] == [{"session": "2026-06", "units": ["B1"]}]


def test_an_unknown_numero_is_a_404_problem(staff_api: Api, version: Any) -> None:
    response = staff_api.get("/candidates/C404")
    assert response.status_code == 404
    assert "C404" in problem(response)["detail"]


def test_a_patch_changes_only_the_fields_sent_and_keeps_their_history(
    staff_api: Api, candidates: list[Candidate]
) -> None:
    response = staff_api.patch("/candidates/C001", {"usage_name": "Durand", "sex": "F"})
    event = AuditEvent.objects.get(action="candidate.updated")
    assert response.json()["usage_name"] == "Durand"
    assert response.json()["first_name"] == "Marie"
    assert event.before == {"usage_name": "", "sex": ""}
    assert event.after == {"usage_name": "Durand", "sex": "F"}


def test_a_patch_cannot_empty_a_required_field(staff_api: Api, candidates: list[Candidate]) -> None:
    response = staff_api.patch("/candidates/C001", {"birth_name": None})
    assert response.status_code == 422
    assert "birth_name" in fields(response)


def test_the_numero_cannot_be_patched(staff_api: Api, candidates: list[Candidate]) -> None:
    response = staff_api.patch("/candidates/C001", {"numero": "C009"})
    assert fields(response)["numero"] == "champ inconnu"


def test_candidates_page_by_numero_with_a_next_link_keeping_the_filters(
    staff_api: Api, candidates: list[Candidate]
) -> None:
    first = staff_api.get("/candidates", limit=1, q="C00").json()
    second = staff_api.client.get(first["next"], headers=staff_api.headers()).json()
    assert [c["numero"] for c in first["items"]] == ["C001"]
    assert "q=C00" in first["next"]
    assert [c["numero"] for c in second["items"]] == ["C002"]
    assert second["next"] is None


def test_the_search_filters_by_stored_status(staff_api: Api, session: ExamSession) -> None:
    found = staff_api.get("/candidates", unite="B1", statut="not_validated").json()
    assert [c["numero"] for c in found["items"]] == ["C002"]
    assert found["items"][0]["statuses"]["blocks"]["B1"] == "not_validated"


def test_a_status_without_a_unit_is_refused_as_on_the_web(
    staff_api: Api, session: ExamSession
) -> None:
    response = staff_api.get("/candidates", statut="validated")
    assert response.status_code == 422
    assert "bloc" in problem(response)["detail"]


def test_a_forged_cursor_is_refused(staff_api: Api, candidates: list[Candidate]) -> None:
    response = staff_api.get("/candidates", cursor="pas-un-curseur")
    assert response.status_code == 422
    assert fields(response) == {"cursor": "curseur invalide"}


def test_a_limit_out_of_range_is_named(staff_api: Api, candidates: list[Candidate]) -> None:
    response = staff_api.get("/candidates", limit=0)
    assert fields(response)["limit"] == "attendu au moins 1"


def test_the_stored_decision_is_explained_in_french_or_english(
    staff_api: Api, session: ExamSession
) -> None:
    french = staff_api.get("/candidates/C002/result").json()
    english = staff_api.get("/candidates/C002/result", lang="en").json()
    b1 = next(block for block in french["blocks"] if block["code"] == "B1")
    assert b1["status"] == "not_validated"
    assert b1["score"] is not None
    assert "non validé" in b1["explanation"]
    assert "not validated" in english["blocks"][0]["explanation"]
    assert french["certified"] is False


def test_a_batch_of_rows_creates_and_updates_as_the_file_importer_does(
    staff_api: Api, candidates: list[Candidate]
) -> None:
    rows = [
        {"numero": "C001", "nom_naissance": "Dupont", "prenoms": "Marie", "date_naissance": "12/03/1990", "email": "m@example.org"},
        {"numero": "C300", "nom_naissance": "Nouveau", "prenoms": "Jean, Paul", "date_naissance": "2001-05-06", "temps_majore": 33},
    ]  # fmt: skip
    response = staff_api.post("/candidates:bulk", {"rows": rows})
    assert response.json() == {"rows": 2, "created": 1, "updated": 1, "unchanged": 0}
    new = Candidate.objects.get(numero="C300")
    assert (new.second_first_name, new.extra_time_percent) == ("Paul", 33)
    assert Candidate.objects.get(numero="C001").email == "m@example.org"


def test_a_batch_with_one_bad_row_writes_nothing_and_names_it(staff_api: Api, version: Any) -> None:
    rows = [
        {"numero": "C300", "nom_naissance": "A", "prenoms": "B", "date_naissance": "2001-05-06"},
        {"numero": "C301", "nom_naissance": "A", "prenoms": "B", "date_naissance": "31/02/2001"},
    ]
    response = staff_api.post("/candidates:bulk", {"rows": rows})
    assert response.status_code == 422
    assert "date invalide" in fields(response)["rows[1].date_naissance"]
    assert not Candidate.objects.exists()
