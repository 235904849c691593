"""Issued documents through the API: listed for gestionnaires, downloaded by whom the pages
allow, checked by anyone holding their number."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date

import pytest
from django.contrib.auth.models import AbstractUser
from django.utils import timezone

from certif.candidates.models import Candidate
from certif.core.roles import Role
from certif.deliberations import services
from certif.deliberations.models import Deliberation, State
from certif.demo.loader import configure_demo_certifier
from certif.documents.models import IssuedDocument, Kind, Status
from certif.sessions.models import Enrolment, ExamSession
from tests.support.api import Api, problem

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7 un parchemin"


def issued(
    session: ExamSession,
    candidate: Candidate | None,
    kind: Kind,
    deliberation: Deliberation | None = None,
) -> IssuedDocument:
    return IssuedDocument.objects.create(
        kind=kind,
        deliberation=deliberation,
        subject=f"{kind}:{session.code}:{candidate.numero if candidate else 'jury'}",
        candidate=candidate,
        session=session,
        title=f"{kind.label} de test",
        holder_name=candidate.display_name if candidate else "",
        issued_at=timezone.now(),
        sha256=hashlib.sha256(PDF).hexdigest(),
        pdf=PDF,
        data={},
    )


@pytest.fixture
def deliberation(session: ExamSession, make_user: Callable[..., AbstractUser]) -> Deliberation:
    return services.open_deliberation(session, make_user(Role.STAFF), date(2026, 7, 1), "Paris")


@pytest.fixture
def parchment(
    session: ExamSession, candidates: list[Candidate], deliberation: Deliberation
) -> IssuedDocument:
    return issued(session, candidates[0], Kind.PARCHEMIN, deliberation)


def publish(deliberation: Deliberation) -> None:
    """Closed and published as the services would leave it; the documents only read the dates."""
    now = timezone.now()
    Deliberation.objects.filter(pk=deliberation.pk).update(
        status=State.CLOSED, closed_at=now, digest="0" * 64, published_at=now
    )


def test_a_gestionnaire_lists_the_documents_of_a_session(
    staff_api: Api, parchment: IssuedDocument
) -> None:
    items = staff_api.get("/documents", session="2026-06", kind="parchemin").json()["items"]
    assert [(d["number"], d["candidate"], d["status"]) for d in items] == [
        (parchment.number, "C001", "valid")
    ]


def test_the_pdf_is_the_archived_file_byte_for_byte(
    staff_api: Api, parchment: IssuedDocument
) -> None:
    response = staff_api.get(f"/documents/{parchment.number}/pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="parchemin-C001.pdf"'
    assert response.content == PDF


def test_a_candidate_reads_their_own_valid_documents_only(
    api_for: Callable[..., Api],
    parchment: IssuedDocument,
    session: ExamSession,
    candidates: list[Candidate],
) -> None:
    someone_else = issued(session, candidates[1], Kind.RELEVE)
    publish(parchment.deliberation)  # type: ignore[arg-type]
    mine = api_for(Role.CANDIDATE, candidate=candidates[0])
    listed = mine.get("/me/documents").json()
    assert [d["number"] for d in listed] == [parchment.number]
    assert mine.get(f"/documents/{parchment.public_id}/pdf").content == PDF
    assert mine.get(f"/documents/{someone_else.public_id}/pdf").status_code == 403


def test_a_candidate_gets_nothing_of_the_jury_s_decision_before_its_publication(
    api_for: Callable[..., Api], parchment: IssuedDocument, candidates: list[Candidate]
) -> None:
    mine = api_for(Role.CANDIDATE, candidate=candidates[0])
    assert mine.get("/me/documents").json() == []
    assert mine.get(f"/documents/{parchment.public_id}/pdf").status_code == 403


def test_a_revoked_document_is_no_longer_the_candidates_to_download(
    api_for: Callable[..., Api], parchment: IssuedDocument, candidates: list[Candidate]
) -> None:
    publish(parchment.deliberation)  # type: ignore[arg-type]
    IssuedDocument.objects.filter(pk=parchment.pk).update(
        status=Status.REVOKED, revoked_at=timezone.now(), revocation_reason="Erreur de nom"
    )
    mine = api_for(Role.CANDIDATE, candidate=candidates[0])
    assert mine.get(f"/documents/{parchment.public_id}").status_code == 403


def test_jury_roles_read_the_minutes_but_not_a_candidates_documents(
    api_for: Callable[..., Api], parchment: IssuedDocument, session: ExamSession
) -> None:
    minutes = issued(session, None, Kind.PV)
    juror = api_for(Role.JURY_MEMBER)
    assert juror.get(f"/documents/{minutes.public_id}/pdf").status_code == 200
    assert juror.get(f"/documents/{parchment.public_id}").status_code == 403


def test_anyone_checks_a_number_and_a_file_without_an_account(
    anonymous: Api, parchment: IssuedDocument
) -> None:
    path = f"/documents/{parchment.number}/verification"
    plain = anonymous.get(path).json()
    same = anonymous.get(path, sha256=hashlib.sha256(PDF).hexdigest()).json()
    other = anonymous.get(path, sha256=hashlib.sha256(b"faux").hexdigest()).json()
    assert (plain["status"], plain["matches"]) == ("valid", None)
    assert "sha256" not in plain
    assert same["matches"] is True
    assert other["matches"] is False


def test_an_unknown_number_is_a_404_problem(anonymous: Api, session: ExamSession) -> None:
    response = anonymous.get("/documents/AAAA-BBBB-CCCC-DDDD/verification")
    assert response.status_code == 404
    problem(response)


# -- producing, revoking, reissuing ------------------------------------------------------------

REASON = "Le nom de naissance était mal orthographié."


@pytest.fixture
def certifier() -> None:
    configure_demo_certifier()


@pytest.fixture
def dated(staff_api: Api, session: ExamSession) -> None:
    """The session's dates and place, which a convocation prints."""
    staff_api.patch(
        "/sessions/2026-06",
        {"start_date": "2026-06-08", "end_date": "2026-06-12", "place": "Lyon"},
    )


def test_a_gestionnaire_produces_a_session_s_convocations_once(
    staff_api: Api, session: ExamSession, certifier: None, dated: None
) -> None:
    enrolled = Enrolment.objects.filter(session=session).values("candidate").distinct().count()
    first = staff_api.post(
        "/sessions/2026-06/documents", {"kind": "convocation", "acknowledge_warnings": True}
    ).json()
    again = staff_api.post(
        "/sessions/2026-06/documents", {"kind": "convocation", "acknowledge_warnings": True}
    ).json()
    assert (first["issued"], first["existing"], first["refused"]) == (enrolled, 0, [])
    assert (again["issued"], again["existing"]) == (0, enrolled)
    listed = staff_api.get("/documents", session="2026-06", kind="convocation").json()
    assert len(listed["items"]) == enrolled


def test_convocations_for_a_session_already_held_are_refused_until_acknowledged(
    staff_api: Api, session: ExamSession, certifier: None, dated: None
) -> None:
    answer = staff_api.post("/sessions/2026-06/documents", {"kind": "convocation"})
    assert answer.status_code == 409
    assert "est terminée" in answer.json()["detail"]
    assert "acknowledge_warnings" in answer.json()["detail"]


def test_parchemins_before_any_closed_deliberation_are_refused_as_a_problem(
    staff_api: Api, session: ExamSession, certifier: None
) -> None:
    response = staff_api.post("/sessions/2026-06/documents", {"kind": "parchemin"})
    assert response.status_code == 409
    assert "Aucune délibération close pour la session 2026-06" in problem(response)["detail"]


def test_an_unknown_kind_names_the_field(staff_api: Api, session: ExamSession) -> None:
    response = staff_api.post("/sessions/2026-06/documents", {"kind": "diplome"})
    assert response.status_code == 422
    assert "kind" in response.content.decode()


def test_a_revocation_through_the_api_is_what_the_verification_then_says(
    staff_api: Api, anonymous: Api, parchment: IssuedDocument
) -> None:
    revoked = staff_api.post(f"/documents/{parchment.number}/revoke", {"reason": REASON}).json()
    checked = anonymous.get(f"/documents/{parchment.number}/verification").json()
    assert (revoked["status"], revoked["revocation_reason"]) == ("revoked", REASON)
    assert checked["status"] == "revoked"


def test_a_revocation_without_a_real_reason_is_refused_and_changes_nothing(
    staff_api: Api, parchment: IssuedDocument
) -> None:
    response = staff_api.post(f"/documents/{parchment.number}/revoke", {"reason": "erreur"})
    assert response.status_code == 422
    assert IssuedDocument.objects.get(pk=parchment.pk).status == Status.VALID


def test_a_reissued_convocation_supersedes_the_earlier_one(
    staff_api: Api, session: ExamSession, certifier: None, dated: None
) -> None:
    staff_api.post(
        "/sessions/2026-06/documents", {"kind": "convocation", "acknowledge_warnings": True}
    )
    earlier = IssuedDocument.objects.filter(kind=Kind.CONVOCATION).first()
    assert earlier is not None
    response = staff_api.post(f"/documents/{earlier.number}/reissue", {"reason": REASON})
    assert response.status_code == 201
    new = response.json()
    assert new["status"] == "valid"
    assert staff_api.get(f"/documents/{earlier.number}").json()["superseded_by"] == new["number"]
