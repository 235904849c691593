"""Deposits and subjects through the API: the body is the PDF, streamed, bounded."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from certif.candidates.models import Candidate
from certif.core.roles import Role
from certif.referential.models import ReferentialVersion
from certif.submissions.models import Deposit
from tests.deposits.pdfs import pdf_bytes
from tests.support.api import BASE, Api, problem
from tests.support.submissions import SUBJECT, session_in

pytestmark = pytest.mark.django_db

PATH = "/me/sessions/2027-01/deliverables/B1Support/deposits"


def post_pdf(api: Api, path: str, content: bytes, **headers: str) -> object:
    return api.client.post(
        BASE + path, content, content_type="application/pdf", headers=api.headers(headers)
    )


def test_a_candidate_deposits_a_pdf_as_the_body(
    version: ReferentialVersion, candidates: list[Candidate], api_for: Callable[..., Api]
) -> None:
    session_in(version, candidates[0], 30)
    api = api_for(Role.CANDIDATE, candidate=candidates[0])
    answer = post_pdf(api, PATH + "?file_name=plan.pdf", pdf_bytes(2))
    assert answer.status_code == 201, answer.content  # type: ignore[attr-defined]
    assert answer.json()["page_count"] == 2  # type: ignore[attr-defined]
    listed = api.get("/me/deliverables").json()
    assert [d["version"] for item in listed for d in item["deposits"]] == [1]


def test_a_body_announced_over_the_limit_is_refused_unread(
    version: ReferentialVersion, candidates: list[Candidate], api_for: Callable[..., Api]
) -> None:
    session_in(version, candidates[0], 30)
    api = api_for(Role.CANDIDATE, candidate=candidates[0])
    answer = api.client.post(
        BASE + PATH, pdf_bytes(1), content_type="application/pdf",
        headers=api.headers(), CONTENT_LENGTH=str(21 * 2**20),
    )  # fmt: skip
    assert answer.status_code == 413
    assert "20 Mo" in problem(answer)["detail"]
    assert not Deposit.objects.exists()


def test_a_renamed_file_is_refused_with_a_french_message(
    version: ReferentialVersion, candidates: list[Candidate], api_for: Callable[..., Api]
) -> None:
    session_in(version, candidates[0], 30)
    api = api_for(Role.CANDIDATE, candidate=candidates[0])
    answer = post_pdf(api, PATH + "?file_name=plan.pdf", b"PK\x03\x04 a docx")
    assert answer.status_code == 422  # type: ignore[attr-defined]
    assert "n'est pas un PDF" in problem(answer)["detail"]


def test_a_subject_is_proposed_then_reviewed_with_its_revision(
    candidates: list[Candidate], api_for: Callable[..., Api]
) -> None:
    candidate = api_for(Role.CANDIDATE, candidate=candidates[0])
    proposed = candidate.post("/me/subject", SUBJECT).json()
    reviewer = api_for(Role.PEDAGOGY)
    path = f"/subjects/{proposed['id']}/review"
    stale = reviewer.post(path, {"verdict": "approved"}, {"If-Match": '"7"'})
    assert stale.status_code == 412
    answer = reviewer.post(path, {"verdict": "approved"}, {"If-Match": '"0"'})
    assert answer.json()["status"] == "approved"
