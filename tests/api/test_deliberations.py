"""Deliberations through the API: read by gestionnaires and jury roles, decided by the seated
jury under the services' rules, published, then read by the candidate alone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.contrib.auth.models import AbstractUser

from certif.accounts.models import ConflictKind
from certif.accounts.services import declare_conflict
from certif.candidates.models import Candidate
from certif.core.roles import Role
from certif.deliberations import services
from certif.deliberations.models import Decision, Deliberation, MemberRole, Resolution
from certif.sessions.models import ExamSession
from tests.support.api import Api, fields, problem
from tests.support.deliberations import closed, decision, seat

pytestmark = pytest.mark.django_db


@pytest.fixture
def deliberation(session: ExamSession, staff: AbstractUser) -> Deliberation:
    return services.open_deliberation(session, staff, date(2026, 7, 1), "Paris")


@pytest.fixture
def jury(deliberation: Deliberation, president: AbstractUser, member: AbstractUser) -> None:
    seat(deliberation, president, MemberRole.PRESIDENT, name="Hélène Président")
    seat(deliberation, member, name="Marc Membre")


def test_a_gestionnaire_opens_the_deliberation_of_a_session(
    staff_api: Api, session: ExamSession
) -> None:
    response = staff_api.post("/sessions/2026-06/deliberations", {"date": "2026-07-01"})
    body = response.json()
    assert response.status_code == 201, response.content
    assert response["Location"] == f"/api/v1/deliberations/{body['id']}"
    assert (body["kind"], body["status"], body["number"]) == ("initial", "open", 1)


def test_a_second_initial_deliberation_is_refused_with_the_services_message(
    staff_api: Api, deliberation: Deliberation
) -> None:
    response = staff_api.post("/sessions/2026-06/deliberations", {"date": "2026-07-02"})
    assert response.status_code == 409
    assert "acte modificatif" in problem(response)["detail"]


def test_the_jury_reads_the_proposals_candidate_by_candidate(
    api_as_user: Callable[[AbstractUser], Api],
    deliberation: Deliberation,
    member: AbstractUser,
    jury: None,
) -> None:
    response = api_as_user(member).get(f"/deliberations/{deliberation.pk}/decisions")
    items = response.json()["items"]
    assert [item["candidate"] for item in items] == ["C001", "C002"]
    units = [d["unit"] for d in items[0]["decisions"]]
    assert units[-1] == "CERT"
    assert all(d["resolution"] == "pending" for d in items[0]["decisions"])


def test_a_jury_member_not_seated_on_this_jury_does_not_read_it(
    api_for: Callable[..., Api], deliberation: Deliberation, jury: None
) -> None:
    outsider = api_for(Role.JURY_MEMBER)
    listed = outsider.get("/deliberations").json()["items"]
    response = outsider.get(f"/deliberations/{deliberation.pk}/decisions")
    assert listed == []
    assert response.status_code == 403


def test_explanations_come_in_english_when_asked(
    api_for: Callable[..., Api], deliberation: Deliberation
) -> None:
    reader = api_for(Role.STAFF)
    french = reader.get(f"/deliberations/{deliberation.pk}/decisions", q="C002").json()
    english = reader.get(f"/deliberations/{deliberation.pk}/decisions", q="C002", lang="en")
    b1_fr = french["items"][0]["decisions"][0]["explanation"]
    b1_en = english.json()["items"][0]["decisions"][0]["explanation"]
    assert "non validé" in b1_fr
    assert "not validated" in b1_en


def test_decisions_page_by_candidate_with_a_next_link(
    staff_api: Api, deliberation: Deliberation
) -> None:
    first = staff_api.get(f"/deliberations/{deliberation.pk}/decisions", limit=1).json()
    second = staff_api.client.get(first["next"], headers=staff_api.headers()).json()
    assert [i["candidate"] for i in first["items"]] == ["C001"]
    assert [i["candidate"] for i in second["items"]] == ["C002"]
    assert second["next"] is None


def test_a_seated_member_confirms_a_candidates_proposals(
    api_as_user: Callable[[AbstractUser], Api],
    deliberation: Deliberation,
    member: AbstractUser,
    jury: None,
) -> None:
    response = api_as_user(member).post(f"/deliberations/{deliberation.pk}/candidates/C001/confirm")
    assert response.json()["confirmed"] == 6
    assert decision(deliberation, "C001", "CERT").resolution == Resolution.CONFIRMED


def test_a_jury_role_not_seated_in_this_jury_cannot_decide(
    api_for: Callable[..., Api], deliberation: Deliberation, jury: None
) -> None:
    response = api_for(Role.JURY_MEMBER).post(
        f"/deliberations/{deliberation.pk}/candidates/C001/confirm"
    )
    assert response.status_code == 403
    assert "membres de ce jury" in problem(response)["detail"]


def test_a_member_linked_to_the_candidate_cannot_decide_on_them(
    api_as_user: Callable[[AbstractUser], Api],
    deliberation: Deliberation,
    member: AbstractUser,
    jury: None,
    candidates: list[Candidate],
) -> None:
    declare_conflict(member, candidates[0], ConflictKind.TRAINER)
    response = api_as_user(member).post(
        f"/deliberations/{deliberation.pk}/candidates/C001/decisions/B1/confirm"
    )
    assert response.status_code == 403
    assert "lien d'intérêt" in problem(response)["detail"]


def test_overriding_a_proposal_needs_a_written_justification(
    api_as_user: Callable[[AbstractUser], Api],
    deliberation: Deliberation,
    member: AbstractUser,
    jury: None,
) -> None:
    juror = api_as_user(member)
    path = f"/deliberations/{deliberation.pk}/candidates/C002/decisions/B1/override"
    short = juror.post(path, {"status": "validated", "justification": "ok"})
    done = juror.post(
        path, {"status": "validated", "justification": "Note limite, dossier très solide."}
    )
    assert short.status_code == 422
    assert "justifiée par écrit" in fields(short)["justification"]
    assert done.json()["resolution"] == "overridden"
    assert done.json()["decided_by"] == member.get_username()


def test_an_unknown_unit_is_named_in_the_refusal(
    api_as_user: Callable[[AbstractUser], Api],
    deliberation: Deliberation,
    member: AbstractUser,
    jury: None,
) -> None:
    response = api_as_user(member).post(
        f"/deliberations/{deliberation.pk}/candidates/C002/decisions/B9/override",
        {"status": "validated", "justification": "Une justification assez longue."},
    )
    assert response.status_code == 422
    assert "unit" in fields(response)


def test_closing_with_problems_lists_every_one(
    api_as_user: Callable[[AbstractUser], Api],
    deliberation: Deliberation,
    president: AbstractUser,
    jury: None,
) -> None:
    response = api_as_user(president).post(f"/deliberations/{deliberation.pk}/close")
    body = problem(response)
    assert response.status_code == 409
    assert any("restent à prendre" in e["message"] for e in body["errors"])


def test_the_president_confirms_everything_closes_and_the_staff_publishes(
    api_as_user: Callable[[AbstractUser], Api],
    staff_api: Api,
    deliberation: Deliberation,
    president: AbstractUser,
    jury: None,
) -> None:
    presiding = api_as_user(president)
    pending = Decision.objects.filter(deliberation=deliberation, resolution="pending").count()
    confirmed = presiding.post(f"/deliberations/{deliberation.pk}/confirm-all")
    closed_ = presiding.post(f"/deliberations/{deliberation.pk}/close")
    published = staff_api.post(f"/deliberations/{deliberation.pk}/publish")
    assert confirmed.json() == {"confirmed": pending, "skipped": []}
    assert closed_.json()["status"] == "closed"
    assert len(closed_.json()["digest"]) == 64
    assert published.json()["published_at"] is not None


def test_the_jury_is_composed_through_the_api(
    staff_api: Api, deliberation: Deliberation, president: AbstractUser
) -> None:
    path = f"/deliberations/{deliberation.pk}/members"
    added = staff_api.post(
        path,
        {
            "full_name": "Hélène Président",
            "role": "president",
            "affiliation": "external",
            "account": president.get_username(),
        },
    )
    member_id = added.json()["id"]
    absent = staff_api.patch(f"{path}/{member_id}", {"present": False})
    recused = staff_api.post(f"{path}/{member_id}/recusals", {"candidate": "C001"})
    withdrawn = staff_api.delete(
        f"/deliberations/{deliberation.pk}/recusals/{recused.json()['id']}"
    )
    removed = staff_api.delete(f"{path}/{member_id}")
    assert added.status_code == 201, added.content
    assert absent.json()["present"] is False
    assert recused.status_code == 201
    assert withdrawn.status_code == 204
    assert removed.status_code == 204
    assert not deliberation.members.exists()


def test_an_account_without_a_jury_role_cannot_sit(
    staff_api: Api, deliberation: Deliberation, staff: AbstractUser
) -> None:
    response = staff_api.post(
        f"/deliberations/{deliberation.pk}/members",
        {"full_name": "Gé Stionnaire", "affiliation": "internal", "account": staff.username},
    )
    assert response.status_code == 422
    assert "account" in fields(response)


def test_a_closed_deliberation_refuses_any_change(
    staff_api: Api, deliberation: Deliberation, president: AbstractUser, jury: None
) -> None:
    closed(deliberation, president)
    response = staff_api.post(
        f"/deliberations/{deliberation.pk}/members",
        {"full_name": "Tard Venu", "affiliation": "external"},
    )
    assert response.status_code == 409
    assert "close" in problem(response)["detail"]


def test_an_amendment_is_opened_with_its_reason(
    staff_api: Api, deliberation: Deliberation, president: AbstractUser, jury: None
) -> None:
    closed(deliberation, president)
    response = staff_api.post(
        "/sessions/2026-06/amendments",
        {
            "date": "2026-07-10",
            "reason": "Erreur matérielle dans une note de B1.",
            "candidates": ["C002"],
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "amendment"


def test_the_minutes_are_read_as_the_digest_seals_them(
    staff_api: Api, deliberation: Deliberation
) -> None:
    body = staff_api.get(f"/deliberations/{deliberation.pk}/minutes").json()
    assert body["session"] == "2026-06"
    assert body["counts"]["candidates"] == 2


def test_a_candidate_reads_only_their_own_published_result(
    api_for: Callable[..., Api],
    deliberation: Deliberation,
    president: AbstractUser,
    jury: None,
    candidates: list[Candidate],
) -> None:
    mine = api_for(Role.CANDIDATE, candidate=candidates[0])
    before = mine.get("/me/result").json()
    closed(deliberation, president)
    services.publish_results(deliberation, None)
    after = mine.get("/me/result", lang="en").json()
    assert before["deliberation"] is None
    assert before["awaiting"] == ["2026-06"]
    assert after["candidate"] == "C001"
    assert after["certification"]["status"] == "validated"
    assert "Certification granted" in after["certification"]["explanation"]
