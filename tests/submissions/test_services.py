"""Deposits and subjects through their services: who, what, until when, and what is kept."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib.auth.models import AbstractUser
from django.utils import timezone

from certif.candidates.models import Candidate
from certif.core.errors import Forbidden, Invalid, Refused
from certif.core.models import AuditEvent
from certif.core.roles import Role
from certif.deposits.storage import stored_path
from certif.domain.referential.schema import Referential
from certif.referential.models import ReferentialVersion
from certif.submissions import services
from certif.submissions.models import SubjectStatus
from certif.submissions.queries import (
    missing_by_candidate,
    missing_deposits,
    owed_item,
    store_folder,
)
from tests.deposits.pdfs import encrypted, javascript_open_action, pdf_bytes
from tests.support.submissions import SUBJECT, approved_subject, deposited, session_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(make_user: Callable[..., AbstractUser], candidates: list[Candidate]) -> AbstractUser:
    return make_user(Role.CANDIDATE, candidate=candidates[0])


@pytest.fixture
def reviewer(make_user: Callable[..., AbstractUser]) -> AbstractUser:
    return make_user(Role.PEDAGOGY)


def test_a_support_deposited_before_its_due_date_is_stored_under_its_sha256(
    version: ReferentialVersion, candidates: list[Candidate], owner: AbstractUser
) -> None:
    session = session_in(version, candidates[0], 30)
    deposit = deposited(candidates[0], session, "B1Support", owner)
    assert stored_path(store_folder(), deposit.sha256).read_bytes() == pdf_bytes(3)
    assert (deposit.version, deposit.page_count) == (1, 3)
    assert AuditEvent.objects.filter(action="submissions.deposited").count() == 1


def test_the_due_date_counts_back_from_the_epreuve_as_the_referential_says(
    version: ReferentialVersion, candidates: list[Candidate], ccab: Referential
) -> None:
    session = session_in(version, candidates[0], 30)
    item = owed_item(candidates[0], session, "B1Support")
    assert item is not None
    assert session.start_date is not None
    days = ccab.deliverable("B1Support").deliverable.due.days_before
    assert item.due_date == session.start_date - timedelta(days=days)


def test_a_redeposit_keeps_every_version(
    version: ReferentialVersion, candidates: list[Candidate], owner: AbstractUser
) -> None:
    session = session_in(version, candidates[0], 30)
    first = deposited(candidates[0], session, "B1Support", owner, pages=2)
    second = deposited(candidates[0], session, "B1Support", owner, pages=4)
    assert (first.version, second.version) == (1, 2)
    assert stored_path(store_folder(), first.sha256).exists()


def test_a_deposit_after_the_due_date_is_refused(
    version: ReferentialVersion, candidates: list[Candidate], owner: AbstractUser
) -> None:
    session = session_in(version, candidates[0], 3)
    with pytest.raises(services.DeadlinePassed, match="date limite"):
        deposited(candidates[0], session, "B1Support", owner)


def test_an_extension_granted_with_a_reason_reopens_the_deposit(
    version: ReferentialVersion,
    candidates: list[Candidate],
    owner: AbstractUser,
    staff: AbstractUser,
) -> None:
    session = session_in(version, candidates[0], 3)
    until = timezone.localdate() + timedelta(days=2)
    services.grant_extension(
        candidates[0], session, "B1Support", {"until": until.isoformat(), "reason": "Maladie"},
        actor=staff,
    )  # fmt: skip
    assert deposited(candidates[0], session, "B1Support", owner).under_extension


def test_only_a_gestionnaire_grants_an_extension(
    version: ReferentialVersion, candidates: list[Candidate], owner: AbstractUser
) -> None:
    session = session_in(version, candidates[0], 3)
    with pytest.raises(Forbidden):
        services.grant_extension(
            candidates[0], session, "B1Support", {"until": "2030-01-01", "reason": "x"}, actor=owner
        )


def test_a_candidate_cannot_deposit_for_another(
    version: ReferentialVersion, candidates: list[Candidate], owner: AbstractUser
) -> None:
    session = session_in(version, candidates[1], 30)
    with pytest.raises(Forbidden):
        deposited(candidates[1], session, "B1Support", owner)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"PK\x03\x04 not a pdf at all", "not_pdf"),
        (b"", "empty"),
        (pdf_bytes(1, javascript_open_action), "active_content"),
        (pdf_bytes(1, encrypted("")), "encrypted"),
    ],
)
def test_a_refused_file_leaves_nothing_in_the_store(
    version: ReferentialVersion,
    candidates: list[Candidate],
    owner: AbstractUser,
    content: bytes,
    reason: str,
) -> None:
    session = session_in(version, candidates[0], 30)
    before = sorted(store_folder().rglob("*")) if store_folder().exists() else []
    with pytest.raises(services.DepositRejected) as refused:
        services.deposit_file(
            candidates[0], session, "B1Support", [content], shown_name="support.pdf", actor=owner
        )
    assert refused.value.reason == reason
    assert "support.pdf" in str(refused.value)
    assert sorted(store_folder().rglob("*")) == before


def test_a_file_over_the_size_limit_is_refused(
    version: ReferentialVersion, candidates: list[Candidate], owner: AbstractUser, ccab: Referential
) -> None:
    session = session_in(version, candidates[0], 30)
    limit = ccab.deliverable("B1Support").deliverable.max_size_bytes
    chunks = [pdf_bytes(1), b"\0" * limit]
    with pytest.raises(services.DepositRejected, match="taille maximale"):
        services.deposit_file(
            candidates[0], session, "B1Support", chunks, shown_name="gros.pdf", actor=owner
        )


def test_a_memoire_needs_an_approved_subject(
    version: ReferentialVersion, candidates: list[Candidate], owner: AbstractUser
) -> None:
    session = session_in(version, candidates[0], 30)
    with pytest.raises(services.SubjectRequired):
        deposited(candidates[0], session, "MEMDocument", owner, pages=40)


def test_the_memoire_counts_the_pages_before_the_annexes(
    version: ReferentialVersion,
    candidates: list[Candidate],
    owner: AbstractUser,
    reviewer: AbstractUser,
) -> None:
    session = session_in(version, candidates[0], 30)
    subject = approved_subject(candidates[0], owner, reviewer)
    deposit = deposited(candidates[0], session, "MEMDocument", owner, pages=40, annexes=32)
    assert (deposit.page_count, deposit.counted_pages, deposit.subject) == (40, 31, subject)


def test_an_annexes_page_outside_the_file_is_refused(
    version: ReferentialVersion,
    candidates: list[Candidate],
    owner: AbstractUser,
    reviewer: AbstractUser,
) -> None:
    session = session_in(version, candidates[0], 30)
    approved_subject(candidates[0], owner, reviewer)
    with pytest.raises(services.DepositRejected, match="annexes"):
        deposited(candidates[0], session, "MEMDocument", owner, pages=5, annexes=9)


def test_a_subject_sent_back_for_changes_is_proposed_again_by_its_candidate(
    candidates: list[Candidate], owner: AbstractUser, reviewer: AbstractUser
) -> None:
    subject = services.propose_subject(candidates[0], SUBJECT, actor=owner)
    services.review_subject(
        subject.pk,
        {"verdict": "changes_requested", "comment": "Précisez.", "revision": subject.revision},
        actor=reviewer,
    )
    revised = services.propose_subject(candidates[0], {**SUBJECT, "title": "Autre"}, actor=owner)
    assert (revised.pk, revised.status, revised.title) == (subject.pk, "proposed", "Autre")


def test_asking_for_changes_needs_a_comment(
    candidates: list[Candidate], owner: AbstractUser, reviewer: AbstractUser
) -> None:
    subject = services.propose_subject(candidates[0], SUBJECT, actor=owner)
    with pytest.raises(Invalid) as refused:
        services.review_subject(
            subject.pk, {"verdict": "refused", "comment": "", "revision": subject.revision},
            actor=reviewer,
        )  # fmt: skip
    assert "comment" in refused.value.errors


def test_only_the_direction_pedagogique_reviews_a_subject(
    candidates: list[Candidate], owner: AbstractUser, staff: AbstractUser
) -> None:
    subject = services.propose_subject(candidates[0], SUBJECT, actor=owner)
    with pytest.raises(Forbidden):
        services.review_subject(
            subject.pk, {"verdict": "approved", "comment": "", "revision": 0}, actor=staff
        )


def test_a_second_proposal_waits_for_the_first_review(
    candidates: list[Candidate], owner: AbstractUser
) -> None:
    services.propose_subject(candidates[0], SUBJECT, actor=owner)
    with pytest.raises(Refused):
        services.propose_subject(candidates[0], SUBJECT, actor=owner)
    assert candidates[0].subjects.get().status == SubjectStatus.PROPOSED


def test_missing_deposits_are_listed_per_session(
    version: ReferentialVersion, candidates: list[Candidate], owner: AbstractUser
) -> None:
    session = session_in(version, candidates[0], 30)
    deposited(candidates[0], session, "B1Support", owner)
    assert [(m.candidate.numero, m.owed.code) for m in missing_deposits(session)] == [
        ("C001", "MEMDocument")
    ]


def test_opening_a_deposit_is_journalled_and_refused_to_an_unassigned_evaluator(
    version: ReferentialVersion,
    candidates: list[Candidate],
    owner: AbstractUser,
    make_user: Callable[..., AbstractUser],
) -> None:
    session = session_in(version, candidates[0], 30)
    deposit = deposited(candidates[0], session, "B1Support", owner)
    _, stream = services.open_deposit(deposit.pk, actor=owner)
    assert b"".join(stream) == pdf_bytes(3)
    assert AuditEvent.objects.filter(action="submissions.deposit_opened").count() == 1
    with pytest.raises(Forbidden):
        services.open_deposit(deposit.pk, actor=make_user(Role.EVALUATOR))


def test_the_deliberation_flag_names_what_each_candidate_has_not_deposited(
    version: ReferentialVersion, candidates: list[Candidate], owner: AbstractUser
) -> None:
    session = session_in(version, candidates[0], 30)
    session_in(version, candidates[1], 30, blocks=("B3",))
    deposited(candidates[0], session, "B1Support", owner)
    assert missing_by_candidate(session) == {
        candidates[0].pk: ["MEMDocument"],
        candidates[1].pk: ["B3Support"],
    }
