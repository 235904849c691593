"""Double marking through the API: the units awaiting reconciliation, both markings side by
side once both are submitted, and the agreed sheet guarded by If-Match like any sheet."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser

from certif.candidates.models import Candidate
from certif.core.roles import Role
from certif.domain.numbers import score_to_string
from certif.domain.referential.schema import Referential
from certif.domain.values import Value
from certif.grading.models import Marking, ScoreSheet
from certif.grading.services import open_sheet
from certif.referential.models import Block, ReferentialVersion
from certif.sessions.models import Assignment, Enrolment, ExamSession
from tests.support.api import Api, fields, problem
from tests.support.grading import full_marks, submitted

pytestmark = pytest.mark.django_db

UNIT = "/sessions/2026-09/candidates/C001/blocks/B1"


@pytest.fixture
def grading_session(version: ReferentialVersion) -> ExamSession:
    return ExamSession.objects.create(code="2026-09", referential_version=version)


def double(
    session: ExamSession,
    candidate: Candidate,
    markers: tuple[AbstractUser, AbstractUser],
    block: str = "B1",
    part: str = "",
) -> tuple[Assignment, Assignment]:
    """A unit given to two markers (both assigned before either opens their sheet)."""
    row = Block.objects.get(version=session.referential_version, code=block)
    Enrolment.objects.get_or_create(session=session, candidate=candidate, block=row, part=part)
    first, second = (
        Assignment.objects.create(
            session=session, candidate=candidate, block=row, part=part, evaluator=e, marker=m
        )
        for m, e in enumerate(markers, start=1)
    )
    return first, second


@pytest.fixture
def markers(make_user: Callable[..., AbstractUser]) -> tuple[AbstractUser, AbstractUser]:
    return make_user(Role.EVALUATOR), make_user(Role.EVALUATOR)


@pytest.fixture
def unit(
    grading_session: ExamSession,
    candidates: list[Candidate],
    markers: tuple[AbstractUser, AbstractUser],
) -> tuple[Assignment, Assignment]:
    return double(grading_session, candidates[0], markers)


def widest(ccab: Referential, block: str = "B1") -> str:
    """The criterion with the largest maximum: room for any gap."""
    return max(ccab.block(block).criteria, key=lambda c: c.max_points or Decimal(0)).code


def lowered(ccab: Referential, gaps: dict[str, Decimal], block: str = "B1") -> dict[str, Value]:
    """Full marks, except each criterion of ``gaps`` that many points below its maximum."""
    values = full_marks(ccab, block)
    for code, gap in gaps.items():
        values[code] = Decimal(values[code]) - gap
    return values


def as_sent(values: dict[str, Value]) -> dict[str, str]:
    """Points as strings: they never travel as floats."""
    return {code: str(value) for code, value in values.items()}


def threshold(settings: Any) -> Decimal:
    settings.DOUBLE_MARKING_GAP = "1"
    return Decimal(settings.DOUBLE_MARKING_GAP)


@pytest.fixture
def gap(settings: Any) -> Decimal:
    """Points apart on the widest criterion: above the configured threshold."""
    return threshold(settings) + Decimal("0.5")


@pytest.fixture
def both_submitted(
    unit: tuple[Assignment, Assignment], ccab: Referential, gap: Decimal
) -> tuple[ScoreSheet, ScoreSheet]:
    first, second = unit
    return (
        submitted(first, full_marks(ccab, "B1")),
        submitted(second, lowered(ccab, {widest(ccab): gap})),
    )


def marker_api(
    unit: tuple[Assignment, Assignment], api_as_user: Callable[[AbstractUser], Api], n: int
) -> Api:
    return api_as_user(unit[n - 1].evaluator)


def put_agreed(api: Api, values: dict[str, Value], etag: str | None = '"0"', **extra: Any) -> Any:
    headers = {"If-Match": etag} if etag is not None else {}
    return api.put(UNIT + "/agreed", {"values": as_sent(values), **extra}, headers=headers)


# -- the list ----------------------------------------------------------------------------------


def test_a_gestionnaire_lists_the_unit_awaiting_its_agreed_sheet(
    staff_api: Api,
    unit: tuple[Assignment, Assignment],
    both_submitted: tuple[ScoreSheet, ScoreSheet],
    gap: Decimal,
) -> None:
    response = staff_api.get("/reconciliations", session="2026-09")
    assert response.status_code == 200, response.content
    assert response.json()["items"] == [
        {
            "session": "2026-09",
            "candidate": "C001",
            "block": "B1",
            "part": "",
            "first_evaluator": unit[0].evaluator.get_username(),
            "second_evaluator": unit[1].evaluator.get_username(),
            "largest_gap": score_to_string(gap),
            "flagged": 1,
            "comparison": "/api/v1" + UNIT + "/comparison",
        }
    ]


def test_an_evaluator_lists_only_the_units_they_mark(
    api_as_user: Callable[[AbstractUser], Api],
    grading_session: ExamSession,
    candidates: list[Candidate],
    unit: tuple[Assignment, Assignment],
    make_user: Callable[..., AbstractUser],
    ccab: Referential,
) -> None:
    others = double(
        grading_session, candidates[1], (make_user(Role.EVALUATOR), make_user(Role.EVALUATOR))
    )
    for assignment in (*unit, *others):
        submitted(assignment, full_marks(ccab, "B1"))
    listed = marker_api(unit, api_as_user, 2).get("/reconciliations").json()["items"]
    assert [item["candidate"] for item in listed] == ["C001"]


def test_a_unit_whose_second_marking_is_a_draft_is_not_listed(
    staff_api: Api, unit: tuple[Assignment, Assignment], ccab: Referential
) -> None:
    submitted(unit[0], full_marks(ccab, "B1"))
    open_sheet(unit[1], unit[1].evaluator)
    assert staff_api.get("/reconciliations").json()["items"] == []


def test_the_listed_path_leads_to_the_comparison(
    staff_api: Api, both_submitted: tuple[ScoreSheet, ScoreSheet]
) -> None:
    path = staff_api.get("/reconciliations").json()["items"][0]["comparison"]
    response = staff_api.client.get(path, headers=staff_api.headers())
    assert response.status_code == 200
    assert (response.json()["candidate"], response.json()["block"]) == ("C001", "B1")


def test_a_unit_of_a_part_gives_its_part_in_the_comparison_path(
    staff_api: Api,
    grading_session: ExamSession,
    candidates: list[Candidate],
    markers: tuple[AbstractUser, AbstractUser],
    ccab: Referential,
) -> None:
    part = ccab.block("B3").parts[0].code
    for assignment in double(grading_session, candidates[0], markers, "B3", part):
        submitted(assignment, full_marks(ccab, "B3"))
    [item] = staff_api.get("/reconciliations").json()["items"]
    assert item["part"] == part
    assert item["comparison"].endswith(f"/blocks/B3/comparison?part={part}")
    followed = staff_api.client.get(item["comparison"], headers=staff_api.headers())
    assert followed.json()["part"] == part


# -- the comparison ----------------------------------------------------------------------------


def test_the_comparison_is_refused_while_the_second_marking_is_a_draft(
    api_as_user: Callable[[AbstractUser], Api],
    unit: tuple[Assignment, Assignment],
    ccab: Referential,
) -> None:
    submitted(unit[0], full_marks(ccab, "B1"))
    open_sheet(unit[1], unit[1].evaluator)
    response = marker_api(unit, api_as_user, 2).get(UNIT + "/comparison")
    body = problem(response)
    assert response.status_code == 409
    assert "brouillon" in body["detail"]
    assert "criteria" not in body
    assert "ETag" not in response


def test_a_unit_marked_once_has_nothing_to_compare(
    staff_api: Api,
    grading_session: ExamSession,
    candidates: list[Candidate],
    markers: tuple[AbstractUser, AbstractUser],
    ccab: Referential,
) -> None:
    row = Block.objects.get(version=grading_session.referential_version, code="B1")
    alone = Assignment.objects.create(
        session=grading_session, candidate=candidates[0], block=row, evaluator=markers[0]
    )
    submitted(alone, full_marks(ccab, "B1"))
    response = staff_api.get(UNIT + "/comparison")
    assert response.status_code == 409
    assert "pas en double correction" in problem(response)["detail"]


def test_the_comparison_flags_a_gap_above_the_threshold_only(
    staff_api: Api,
    unit: tuple[Assignment, Assignment],
    ccab: Referential,
    settings: Any,
) -> None:
    limit = threshold(settings)
    above, at = (c.code for c in ccab.block("B1").criteria[:2])
    submitted(unit[0], full_marks(ccab, "B1"))
    submitted(unit[1], lowered(ccab, {above: limit + Decimal("0.5"), at: limit}))
    response = staff_api.get(UNIT + "/comparison")
    body = response.json()
    rows = {row["code"]: row for row in body["criteria"]}
    assert response.status_code == 200, response.content
    assert body["threshold"] == str(limit)
    assert (rows[above]["gap"], rows[above]["flagged"]) == (
        score_to_string(limit + Decimal("0.5")),
        True,
    )
    assert (rows[at]["gap"], rows[at]["flagged"]) == (score_to_string(limit), False)
    assert [code for code, row in rows.items() if row["flagged"]] == [above]


def test_the_comparison_shows_both_markings_and_no_agreed_sheet_yet(
    api_as_user: Callable[[AbstractUser], Api],
    unit: tuple[Assignment, Assignment],
    both_submitted: tuple[ScoreSheet, ScoreSheet],
    ccab: Referential,
    gap: Decimal,
) -> None:
    response = marker_api(unit, api_as_user, 1).get(UNIT + "/comparison")
    body = response.json()
    out_of = body["first"]["preview"]["out_of"]
    code = widest(ccab)
    row = next(r for r in body["criteria"] if r["code"] == code)
    assert response["ETag"] == '"0"'
    assert body["agreed"] is None
    assert body["first"]["evaluator"] == unit[0].evaluator.get_username()
    assert body["first"]["preview"]["running"] == score_to_string(Decimal(out_of))
    assert body["second"]["preview"]["running"] == score_to_string(Decimal(out_of) - gap)
    assert row["first"] == score_to_string(Decimal(full_marks(ccab, "B1")[code]))
    assert row["second"] == score_to_string(Decimal(row["first"]) - gap)


def test_an_evaluator_who_is_not_one_of_the_two_markers_is_refused(
    api_for: Callable[..., Api],
    both_submitted: tuple[ScoreSheet, ScoreSheet],
    ccab: Referential,
) -> None:
    outsider = api_for(Role.EVALUATOR)
    read = outsider.get(UNIT + "/comparison")
    written = put_agreed(outsider, full_marks(ccab, "B1"))
    assert (read.status_code, written.status_code) == (403, 403)
    problem(read)
    assert not ScoreSheet.objects.filter(marking=Marking.AGREED).exists()


def test_a_part_the_block_does_not_have_is_named(
    staff_api: Api, both_submitted: tuple[ScoreSheet, ScoreSheet]
) -> None:
    response = staff_api.get(UNIT + "/comparison", part="pme")
    assert response.status_code == 422
    assert "part" in fields(response)


def test_an_unknown_block_is_a_404_problem(
    staff_api: Api, both_submitted: tuple[ScoreSheet, ScoreSheet]
) -> None:
    response = staff_api.get("/sessions/2026-09/candidates/C001/blocks/B9/comparison")
    assert response.status_code == 404
    assert "B9" in problem(response)["detail"]


# -- the agreed sheet --------------------------------------------------------------------------


def test_recording_the_agreed_sheet_with_if_match_zero_makes_it_count(
    api_as_user: Callable[[AbstractUser], Api],
    staff_api: Api,
    unit: tuple[Assignment, Assignment],
    both_submitted: tuple[ScoreSheet, ScoreSheet],
    ccab: Referential,
    gap: Decimal,
) -> None:
    agreed = lowered(ccab, {widest(ccab): gap / 2})
    response = put_agreed(marker_api(unit, api_as_user, 2), agreed, reason="Accord au téléphone")
    body = response.json()
    assert response.status_code == 200, response.content
    assert (body["marking"], body["status"]) == (Marking.AGREED, "submitted")
    assert response["ETag"] == f'"{body["revision"]}"'
    result = staff_api.get("/candidates/C001/result").json()
    block = next(b for b in result["blocks"] if b["code"] == "B1")
    assert block["score"] == body["preview"]["running"]
    assert block["status"] == body["preview"]["status"]


def test_the_recorded_agreed_sheet_shows_in_the_comparison_and_leaves_the_list(
    staff_api: Api, both_submitted: tuple[ScoreSheet, ScoreSheet], ccab: Referential
) -> None:
    written = put_agreed(staff_api, full_marks(ccab, "B1"))
    comparison = staff_api.get(UNIT + "/comparison")
    assert comparison["ETag"] == written["ETag"]
    assert comparison.json()["agreed"]["revision"] == written.json()["revision"]
    assert staff_api.get("/reconciliations").json()["items"] == []


def test_a_second_write_with_the_stale_etag_gets_412(
    staff_api: Api, both_submitted: tuple[ScoreSheet, ScoreSheet], ccab: Referential
) -> None:
    first = put_agreed(staff_api, full_marks(ccab, "B1"))
    second = put_agreed(staff_api, lowered(ccab, {widest(ccab): Decimal(1)}))
    assert (first.status_code, second.status_code) == (200, 412)
    assert problem(second)["current_revision"] == first.json()["revision"]
    assert second["ETag"] == first["ETag"]


def test_writing_the_agreed_sheet_without_if_match_gets_428(
    staff_api: Api, both_submitted: tuple[ScoreSheet, ScoreSheet], ccab: Referential
) -> None:
    response = put_agreed(staff_api, full_marks(ccab, "B1"), etag=None)
    assert response.status_code == 428
    assert "If-Match" in fields(response)
    assert not ScoreSheet.objects.filter(marking=Marking.AGREED).exists()


def test_a_value_above_the_maximum_gets_422_naming_the_criterion(
    staff_api: Api, both_submitted: tuple[ScoreSheet, ScoreSheet], ccab: Referential
) -> None:
    code = widest(ccab)
    values = full_marks(ccab, "B1")
    values[code] = Decimal(values[code]) + 1
    response = put_agreed(staff_api, values)
    assert response.status_code == 422
    assert "hors barème" in fields(response)[f"values.{code}"]
    assert not ScoreSheet.objects.filter(marking=Marking.AGREED).exists()


def test_an_agreed_sheet_missing_a_value_is_refused_naming_it(
    staff_api: Api, both_submitted: tuple[ScoreSheet, ScoreSheet], ccab: Referential
) -> None:
    code = widest(ccab)
    values = full_marks(ccab, "B1")
    del values[code]
    response = put_agreed(staff_api, values)
    assert response.status_code == 409
    assert f"values.{code}" in fields(response)


def test_the_agreed_sheet_waits_for_both_markings(
    staff_api: Api, unit: tuple[Assignment, Assignment], ccab: Referential
) -> None:
    submitted(unit[0], full_marks(ccab, "B1"))
    response = put_agreed(staff_api, full_marks(ccab, "B1"))
    assert response.status_code == 409
    assert not ScoreSheet.objects.filter(marking=Marking.AGREED).exists()


def test_an_evaluator_cannot_tell_an_unknown_numero_from_a_candidate_not_theirs(
    api_for: Callable[..., Api], both_submitted: tuple[ScoreSheet, ScoreSheet]
) -> None:
    outsider = api_for(Role.EVALUATOR)
    known = outsider.get(UNIT + "/comparison")
    unknown = outsider.get("/sessions/2026-09/candidates/C999/blocks/B1/comparison")
    assert (known.status_code, unknown.status_code) == (403, 403)
    assert problem(known)["detail"] == problem(unknown)["detail"]


def test_a_gestionnaire_is_told_a_numero_is_unknown(
    staff_api: Api, both_submitted: tuple[ScoreSheet, ScoreSheet]
) -> None:
    response = staff_api.get("/sessions/2026-09/candidates/C999/blocks/B1/comparison")
    assert response.status_code == 404
    assert "C999" in problem(response)["detail"]
