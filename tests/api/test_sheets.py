"""Score sheets through the API: an evaluator's own sheet, guarded by ETag and If-Match."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certif.accounts.models import ConflictKind
from certif.accounts.services import declare_conflict
from certif.candidates.models import Candidate
from certif.core.models import AuditEvent
from certif.core.roles import Role
from certif.domain.referential.schema import Referential
from certif.grading.models import ScoreChange, ScoreSheet, SheetStatus
from certif.referential.models import Block, ReferentialVersion
from certif.sessions.models import Assignment, Enrolment, ExamSession
from tests.support.api import Api, fields, problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def grading_session(version: ReferentialVersion) -> ExamSession:
    return ExamSession.objects.create(code="2026-09", referential_version=version)


@pytest.fixture
def evaluator(make_user: Callable[..., AbstractUser]) -> AbstractUser:
    return make_user(Role.EVALUATOR)


def assign(
    session: ExamSession, candidate: Candidate, evaluator: AbstractUser, block: str = "B1"
) -> Assignment:
    block_row = Block.objects.get(version=session.referential_version, code=block)
    Enrolment.objects.get_or_create(session=session, candidate=candidate, block=block_row, part="")
    return Assignment.objects.create(
        session=session, candidate=candidate, block=block_row, evaluator=evaluator, marker=1
    )


@pytest.fixture
def assignment(
    grading_session: ExamSession, candidates: list[Candidate], evaluator: AbstractUser
) -> Assignment:
    return assign(grading_session, candidates[0], evaluator)


@pytest.fixture
def grader(evaluator: AbstractUser, api_as_user: Callable[[AbstractUser], Api]) -> Api:
    return api_as_user(evaluator)


def full_marks(ccab: Referential, block: str = "B1") -> dict[str, str]:
    """Every criterion at its maximum, as strings: points never travel as floats."""
    return {c.code: str(c.max_points) for c in ccab.block(block).criteria}


def opened(grader: Api, assignment: Assignment) -> dict[str, Any]:
    response = grader.post(f"/assignments/{assignment.pk}/sheet")
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def test_an_evaluator_lists_their_assignments_with_the_state_of_their_sheet(
    grader: Api, assignment: Assignment
) -> None:
    before = grader.get("/assignments/mine").json()["items"]
    sheet = opened(grader, assignment)
    after = grader.get("/assignments/mine").json()["items"]
    assert [(a["id"], a["state"], a["sheet"]) for a in before] == [(assignment.pk, "todo", None)]
    # Opened and left empty, a sheet is still to do: it becomes a draft with its first value.
    assert [(a["state"], a["sheet"]) for a in after] == [("todo", sheet["id"])]


def test_opening_an_assignment_gives_the_sheet_with_its_revision_as_etag(
    grader: Api, assignment: Assignment, ccab: Referential
) -> None:
    response = grader.post(f"/assignments/{assignment.pk}/sheet")
    body = response.json()
    assert response["ETag"] == f'"{body["revision"]}"'
    assert body["status"] == "draft"
    assert [c["code"] for c in body["criteria"]] == [c.code for c in ccab.block("B1").criteria]


def test_another_evaluators_assignment_cannot_be_opened(
    api_for: Callable[..., Api], assignment: Assignment
) -> None:
    response = api_for(Role.EVALUATOR).post(f"/assignments/{assignment.pk}/sheet")
    assert response.status_code == 403
    problem(response)


def test_a_link_of_interest_refuses_the_sheet(
    grader: Api, assignment: Assignment, evaluator: AbstractUser
) -> None:
    declare_conflict(evaluator, assignment.candidate, ConflictKind.TRAINER)
    response = grader.post(f"/assignments/{assignment.pk}/sheet")
    assert response.status_code == 403
    assert "lien d'intérêt" in problem(response)["detail"]


def test_writing_a_sheet_without_if_match_is_refused_with_428(
    grader: Api, assignment: Assignment, ccab: Referential
) -> None:
    sheet = opened(grader, assignment)
    response = grader.put(f"/sheets/{sheet['id']}", {"values": full_marks(ccab)})
    assert response.status_code == 428
    assert "If-Match" in fields(response)
    assert not ScoreChange.objects.exists()


def test_writing_with_the_etag_read_saves_every_value_and_gives_the_next_etag(
    grader: Api, assignment: Assignment, ccab: Referential
) -> None:
    sheet = opened(grader, assignment)
    response = grader.put(
        f"/sheets/{sheet['id']}",
        {"values": {**full_marks(ccab), "B1Cr1": "2,5"}, "comments": {"B1Cr1": "Bien"}},
        headers={"If-Match": f'"{sheet["revision"]}"'},
    )
    body = response.json()
    assert response.status_code == 200, response.content
    assert body["revision"] == sheet["revision"] + 1
    assert response["ETag"] == f'"{body["revision"]}"'
    assert body["values"]["B1Cr1"] == "2.50"
    assert body["comments"] == {"B1Cr1": "Bien"}
    assert body["preview"]["complete"] is True


def test_two_clients_never_overwrite_each_other_silently(
    grader: Api, assignment: Assignment, ccab: Referential
) -> None:
    sheet = opened(grader, assignment)
    read_by_both = {"If-Match": f'"{sheet["revision"]}"'}
    first = grader.put(f"/sheets/{sheet['id']}", {"values": full_marks(ccab)}, read_by_both)
    second = grader.put(f"/sheets/{sheet['id']}", {"values": {"B1Cr1": "1"}}, headers=read_by_both)
    assert first.status_code == 200
    assert second.status_code == 412
    body = problem(second)
    assert body["current_revision"] == first.json()["revision"]
    assert second["ETag"] == first["ETag"]
    stored = ScoreSheet.objects.get(pk=sheet["id"])
    assert stored.scores.count() == len(ccab.block("B1").criteria)


def test_if_match_star_protects_nothing_and_is_refused(
    grader: Api, assignment: Assignment, ccab: Referential
) -> None:
    sheet = opened(grader, assignment)
    response = grader.put(
        f"/sheets/{sheet['id']}", {"values": full_marks(ccab)}, headers={"If-Match": "*"}
    )
    assert response.status_code == 428


def test_a_value_the_criterion_does_not_admit_is_named_in_french(
    grader: Api, assignment: Assignment, ccab: Referential
) -> None:
    sheet = opened(grader, assignment)
    maximum = ccab.block("B1").criteria[0].max_points or Decimal(0)
    values = {**full_marks(ccab), "B1Cr1": str(maximum + 1), "B1Cr2": "beaucoup"}
    response = grader.put(
        f"/sheets/{sheet['id']}", {"values": values}, headers={"If-Match": f'"{sheet["revision"]}"'}
    )
    named = fields(response)
    assert response.status_code == 422
    assert "hors barème" in named["values.B1Cr1"]
    assert "values.B1Cr2" in named
    assert not ScoreChange.objects.exists()


def test_a_json_float_is_refused_rather_than_rounded(
    grader: Api, assignment: Assignment, ccab: Referential
) -> None:
    sheet = opened(grader, assignment)
    response = grader.put(
        f"/sheets/{sheet['id']}",
        {"values": {**full_marks(ccab), "B1Cr1": 2.5}},
        headers={"If-Match": f'"{sheet["revision"]}"'},
    )
    assert response.status_code == 422
    assert "virgule" in fields(response)["values.B1Cr1"]


def test_an_unknown_criterion_is_refused(
    grader: Api, assignment: Assignment, ccab: Referential
) -> None:
    sheet = opened(grader, assignment)
    response = grader.put(
        f"/sheets/{sheet['id']}",
        {"values": {**full_marks(ccab), "B2Cr1": "1"}},
        headers={"If-Match": f'"{sheet["revision"]}"'},
    )
    assert response.status_code == 422
    assert "inconnu" in fields(response)["values.B2Cr1"]


def test_submitting_an_incomplete_sheet_lists_what_is_missing(
    grader: Api, assignment: Assignment
) -> None:
    sheet = opened(grader, assignment)
    response = grader.post(
        f"/sheets/{sheet['id']}/submit", headers={"If-Match": f'"{sheet["revision"]}"'}
    )
    assert response.status_code == 409
    assert "values.B1Cr1" in fields(response)


def test_a_submitted_sheet_is_locked_until_a_gestionnaire_reopens_it(
    grader: Api, staff_api: Api, assignment: Assignment, ccab: Referential
) -> None:
    sheet = opened(grader, assignment)
    saved = grader.put(
        f"/sheets/{sheet['id']}",
        {"values": full_marks(ccab)},
        headers={"If-Match": f'"{sheet["revision"]}"'},
    )
    submitted = grader.post(f"/sheets/{sheet['id']}/submit", headers={"If-Match": saved["ETag"]})
    locked = grader.put(
        f"/sheets/{sheet['id']}",
        {"values": full_marks(ccab)},
        headers={"If-Match": submitted["ETag"]},
    )
    reopened = staff_api.post(f"/sheets/{sheet['id']}/reopen", {"reason": "Erreur de saisie"})
    assert submitted.json()["status"] == SheetStatus.SUBMITTED
    assert locked.status_code == 409
    assert reopened.json()["status"] == SheetStatus.DRAFT
    assert AuditEvent.objects.filter(action="grading.sheet.reopened").exists()


def test_a_gestionnaire_reads_any_sheet_but_does_not_write_it(
    grader: Api, staff_api: Api, assignment: Assignment, ccab: Referential
) -> None:
    sheet = opened(grader, assignment)
    read = staff_api.get(f"/sheets/{sheet['id']}")
    written = staff_api.put(
        f"/sheets/{sheet['id']}", {"values": full_marks(ccab)}, headers={"If-Match": read["ETag"]}
    )
    assert read.status_code == 200
    assert written.status_code == 403


def test_an_evaluator_reads_only_their_own_sheets(
    grader: Api, api_for: Callable[..., Api], assignment: Assignment
) -> None:
    sheet = opened(grader, assignment)
    assert grader.get(f"/sheets/{sheet['id']}").status_code == 200
    assert api_for(Role.EVALUATOR).get(f"/sheets/{sheet['id']}").status_code == 403


def test_an_evaluator_no_longer_assigned_loses_the_sheet(
    grader: Api, assignment: Assignment
) -> None:
    sheet = opened(grader, assignment)
    assignment.delete()
    assert grader.get(f"/sheets/{sheet['id']}").status_code == 403


def test_a_missing_sheet_is_a_404_problem(staff_api: Api, version: ReferentialVersion) -> None:
    response = staff_api.get("/sheets/999999")
    assert response.status_code == 404
    assert "999999" in problem(response)["detail"]


def test_the_sheets_list_filters_by_session_candidate_and_status(
    grader: Api, staff_api: Api, assignment: Assignment
) -> None:
    opened(grader, assignment)
    found = staff_api.get("/sheets", session="2026-09", candidate="C001", status="draft")
    other = staff_api.get("/sheets", status="submitted")
    assert [s["candidate"] for s in found.json()["items"]] == ["C001"]
    assert other.json()["items"] == []


def test_a_count_too_large_to_store_is_refused(
    api_as_user: Callable[[AbstractUser], Api],
    grading_session: ExamSession,
    candidates: list[Candidate],
    evaluator: AbstractUser,
) -> None:
    grader = api_as_user(evaluator)
    sheet = opened(grader, assign(grading_session, candidates[1], evaluator, block="MEM"))
    response = grader.put(
        f"/sheets/{sheet['id']}",
        {"values": {"MEMCr1": True, "MEMPages": 10**12}},
        headers={"If-Match": f'"{sheet["revision"]}"'},
    )
    assert response.status_code == 422
    assert "9 chiffres au plus" in fields(response)["values.MEMPages"]


def test_yes_no_and_counts_are_written_as_json_booleans_and_integers(
    api_as_user: Callable[[AbstractUser], Api],
    grading_session: ExamSession,
    candidates: list[Candidate],
    evaluator: AbstractUser,
) -> None:
    grader = api_as_user(evaluator)
    sheet = opened(grader, assign(grading_session, candidates[1], evaluator, block="MEM"))
    response = grader.put(
        f"/sheets/{sheet['id']}",
        {"values": {"MEMCr1": True, "MEMCr2": "non", "MEMPages": 42}},
        headers={"If-Match": f'"{sheet["revision"]}"'},
    )
    assert response.json()["values"] == {"MEMCr1": True, "MEMCr2": False, "MEMPages": 42}


def test_listing_sheets_reads_their_values_in_a_constant_number_of_queries(
    staff_api: Api, session: ExamSession
) -> None:
    """C001 holds a sheet for every unit, C002 one: the page costs the same."""
    staff_api.get("/sheets")  # the token's first use is written down once
    sheets, queries = {}, {}
    for numero in ("C001", "C002"):
        with CaptureQueriesContext(connection) as captured:
            sheets[numero] = len(staff_api.get("/sheets", candidate=numero).json()["items"])
        queries[numero] = [q["sql"][:60] for q in captured.captured_queries]
    assert sheets["C001"] > sheets["C002"] == 1
    assert queries["C001"] == queries["C002"]
