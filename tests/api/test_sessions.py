"""Sessions, enrolments and assignments through the API, under the services' rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser

from certif.accounts.models import ConflictKind
from certif.accounts.services import declare_conflict
from certif.candidates.models import Candidate
from certif.core.roles import Role
from certif.referential.models import ReferentialVersion
from certif.sessions.models import Assignment, Enrolment, ExamSession
from tests.support.api import Api, fields, problem

pytestmark = pytest.mark.django_db


def test_a_session_is_created_on_the_version_in_force(
    staff_api: Api, version: ReferentialVersion
) -> None:
    response = staff_api.post(
        "/sessions", {"code": "2026-11", "start_date": "2026-11-02", "end_date": "2026-11-06"}
    )
    assert response.status_code == 201, response.content
    assert response["Location"] == "/api/v1/sessions/2026-11"
    assert response.json()["referential_version"] == version.pk


def test_an_end_before_the_start_is_named(staff_api: Api, version: ReferentialVersion) -> None:
    response = staff_api.post(
        "/sessions", {"code": "2026-11", "start_date": "2026-11-06", "end_date": "2026-11-02"}
    )
    assert fields(response)["end_date"] == "La date de fin précède la date de début."


def test_a_session_is_read_with_the_progress_of_each_unit(
    staff_api: Api, session: ExamSession
) -> None:
    body = staff_api.get("/sessions/2026-06").json()
    b1 = next(unit for unit in body["units"] if unit["unit"] == "B1")
    assert (b1["enrolled"], b1["sheets"], b1["submitted"]) == (2, 2, 2)


def test_a_session_is_patched(staff_api: Api, session: ExamSession) -> None:
    response = staff_api.patch("/sessions/2026-06", {"place": "Lyon"})
    assert response.json()["place"] == "Lyon"


def test_candidates_are_enrolled_all_at_once(
    staff_api: Api, version: ReferentialVersion, candidates: list[Candidate]
) -> None:
    ExamSession.objects.create(code="2026-11", referential_version=version)
    response = staff_api.post(
        "/sessions/2026-11/enrolments",
        {
            "candidates": ["C001", "C002"],
            "units": [{"block": "B1"}, {"block": "B3", "part": "pme"}],
        },
    )
    assert response.json() == {"candidates": 2, "created": 4, "existing": 0, "acquired": []}
    listed = staff_api.get("/sessions/2026-11/enrolments", limit=3).json()
    assert len(listed["items"]) == 3
    assert listed["next"] is not None


def test_an_unknown_numero_enrols_nobody(
    staff_api: Api, version: ReferentialVersion, candidates: list[Candidate]
) -> None:
    ExamSession.objects.create(code="2026-11", referential_version=version)
    response = staff_api.post(
        "/sessions/2026-11/enrolments",
        {"candidates": ["C001", "C999"], "units": [{"block": "B1"}]},
    )
    assert fields(response) == {"candidates[1]": "candidat inconnu"}
    assert not Enrolment.objects.exists()


def test_a_unit_the_referential_lacks_is_refused_by_the_service(
    staff_api: Api, version: ReferentialVersion, candidates: list[Candidate]
) -> None:
    ExamSession.objects.create(code="2026-11", referential_version=version)
    response = staff_api.post(
        "/sessions/2026-11/enrolments", {"candidates": ["C001"], "units": [{"block": "B3"}]}
    )
    assert response.status_code == 409
    assert "par partie" in problem(response)["detail"]


def test_the_units_of_a_session_come_from_its_version(staff_api: Api, session: ExamSession) -> None:
    units = staff_api.get("/sessions/2026-06/units").json()
    assert {"block": "B3", "part": "pme"} in units
    assert {"block": "B1", "part": ""} in units


def test_an_evaluator_is_assigned_and_the_assignment_listed(
    staff_api: Api, session: ExamSession, make_user: Callable[..., AbstractUser]
) -> None:
    evaluator = make_user(Role.EVALUATOR)
    response = staff_api.post(
        "/sessions/2026-06/assignments",
        {"candidate": "C001", "block": "B1", "evaluator": evaluator.username},
    )
    listed = staff_api.get("/sessions/2026-06/assignments").json()["items"]
    assert response.json() == {"created": 1, "replaced": 0, "unchanged": 0}
    assert [(a["candidate"], a["evaluator"]) for a in listed] == [("C001", evaluator.username)]


def test_an_evaluator_linked_to_the_candidate_is_refused(
    staff_api: Api,
    session: ExamSession,
    make_user: Callable[..., AbstractUser],
    candidates: list[Candidate],
) -> None:
    evaluator = make_user(Role.EVALUATOR)
    declare_conflict(evaluator, candidates[0], ConflictKind.EMPLOYER)
    response = staff_api.post(
        "/sessions/2026-06/assignments",
        {"candidate": "C001", "block": "B1", "evaluator": evaluator.username},
    )
    assert response.status_code == 409
    assert "lien d'intérêt" in problem(response)["detail"]
    assert not Assignment.objects.exists()


def test_an_unknown_evaluator_is_named(staff_api: Api, session: ExamSession) -> None:
    response = staff_api.post(
        "/sessions/2026-06/assignments", {"candidate": "C001", "block": "B1", "evaluator": "x"}
    )
    assert "evaluator" in fields(response)


def test_the_results_of_a_session_are_paged_with_their_explanations(
    staff_api: Api, session: ExamSession
) -> None:
    first = staff_api.get("/sessions/2026-06/results", limit=1).json()
    second: dict[str, Any] = staff_api.client.get(first["next"], headers=staff_api.headers()).json()
    assert [r["candidate"] for r in first["items"]] == ["C001"]
    assert first["items"][0]["certified"] is True
    assert "Certification obtenue" in first["items"][0]["explanation"]
    assert [r["candidate"] for r in second["items"]] == ["C002"]


# -- the timetable ------------------------------------------------------------------------------

TIMETABLE = "/sessions/2026-06/timetable"


def read_tag(staff_api: Api) -> dict[str, str]:
    return {"If-Match": staff_api.get(TIMETABLE)["ETag"]}


def test_the_timetable_lists_every_epreuve_with_an_etag(
    staff_api: Api, session: ExamSession
) -> None:
    response = staff_api.get(TIMETABLE)
    units = [(e["block"], e["part"], e["starts_at"]) for e in response.json()["epreuves"]]
    assert units[:3] == [("B1", "", None), ("B2", "", None), ("B3", "particulier", None)]
    assert response["ETag"].startswith('"')


def test_a_timetable_is_set_and_read_back_in_the_certifiers_time(
    staff_api: Api, session: ExamSession
) -> None:
    body = {"epreuves": [{"block": "B2", "starts_at": "2026-06-16T14:30", "room": "Salle Curie"}]}
    response = staff_api.put(TIMETABLE, body, read_tag(staff_api))
    assert response.status_code == 200, response.content
    b2 = next(e for e in response.json()["epreuves"] if e["block"] == "B2")
    assert (b2["starts_at"], b2["room"]) == ("2026-06-16T14:30:00+02:00", "Salle Curie")
    assert response["ETag"] == staff_api.get(TIMETABLE)["ETag"]


def test_a_timetable_is_not_set_without_if_match(staff_api: Api, session: ExamSession) -> None:
    response = staff_api.put(TIMETABLE, {"epreuves": []})
    assert response.status_code == 428
    assert fields(response) == {"If-Match": "en-tête obligatoire"}


def test_a_timetable_changed_since_it_was_read_is_not_overwritten(
    staff_api: Api, session: ExamSession
) -> None:
    stale = read_tag(staff_api)
    first = {"epreuves": [{"block": "B1", "starts_at": "2026-06-15T09:00"}]}
    assert staff_api.put(TIMETABLE, first, stale).status_code == 200
    second = {"epreuves": [{"block": "B1", "starts_at": "2026-06-15T13:00"}]}
    response = staff_api.put(TIMETABLE, second, stale)
    assert response.status_code == 412
    assert response["ETag"] == staff_api.get(TIMETABLE)["ETag"]
    assert (
        staff_api.get(TIMETABLE).json()["epreuves"][0]["starts_at"].startswith("2026-06-15T09:00")
    )


def test_an_epreuve_outside_the_sessions_dates_is_refused_with_its_name(
    staff_api: Api, session: ExamSession
) -> None:
    staff_api.patch("/sessions/2026-06", {"start_date": "2026-06-15", "end_date": "2026-06-19"})
    body = {"epreuves": [{"block": "B2", "starts_at": "2026-06-22T09:00"}]}
    response = staff_api.put(TIMETABLE, body, read_tag(staff_api))
    assert response.status_code == 422
    assert "Épreuve B2 : le 22/06/2026 est hors des dates" in fields(response)["epreuves"]


def test_each_case_study_of_b4_is_set_by_its_modality(staff_api: Api, session: ExamSession) -> None:
    body = {
        "epreuves": [
            {"block": "B4", "modality": "B4Me1", "starts_at": "2026-06-17T09:00"},
            {"block": "B4", "modality": "B4Me2", "starts_at": "2026-06-17T14:00"},
        ]
    }
    response = staff_api.put(TIMETABLE, body, read_tag(staff_api))
    assert response.status_code == 200, response.content
    b4 = [
        (e["modality"], e["label"], e["starts_at"])
        for e in response.json()["epreuves"]
        if e["block"] == "B4"
    ]
    assert b4 == [
        ("B4Me1", "B4 — B4Me1", "2026-06-17T09:00:00+02:00"),
        ("B4Me2", "B4 — B4Me2", "2026-06-17T14:00:00+02:00"),
    ]


def test_a_slot_for_the_whole_of_b4_is_refused_naming_its_modalities(
    staff_api: Api, session: ExamSession
) -> None:
    body = {"epreuves": [{"block": "B4", "starts_at": "2026-06-17T09:00"}]}
    response = staff_api.put(TIMETABLE, body, read_tag(staff_api))
    assert response.status_code == 422
    assert "(B4Me1, B4Me2)" in fields(response)["epreuves"]


def test_an_epreuve_given_twice_is_refused_by_its_index(
    staff_api: Api, session: ExamSession
) -> None:
    twice = {"block": "B1", "starts_at": "2026-06-15T09:00"}
    response = staff_api.put(TIMETABLE, {"epreuves": [twice, twice]}, read_tag(staff_api))
    assert response.status_code == 422
    assert fields(response) == {"epreuves[1]": "épreuve en double"}


def test_an_implausible_year_is_refused_as_invalid(staff_api: Api, session: ExamSession) -> None:
    body = {"epreuves": [{"block": "B1", "starts_at": "0001-01-01T00:00:00+14:00"}]}
    response = staff_api.put(TIMETABLE, body, read_tag(staff_api))
    assert response.status_code == 422
    assert fields(response) == {
        "epreuves": "Épreuve B1 : l'année 1 n'est pas plausible (entre 1900 et 2999)."
    }
