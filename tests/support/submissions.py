"""Builders for deposits and mémoire subjects: a session ahead of today, approved subjects,
PDFs deposited by their candidate."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import AbstractUser
from django.utils import timezone

from certif.candidates.models import Candidate
from certif.referential.models import Block, ReferentialVersion
from certif.sessions.models import Enrolment, ExamSession
from certif.submissions import services
from certif.submissions.models import Deposit, Subject
from tests.deposits.pdfs import pdf_bytes

SUBJECT = {
    "title": "La relation client à l'ère du numérique",
    "problem": "Comment garder la proximité avec le client quand les canaux se multiplient ?",
    "outline": "1. Les canaux ; 2. Les attentes ; 3. Les préconisations.",
}


def session_in(
    version: ReferentialVersion,
    candidate: Candidate,
    days: int,
    *,
    code: str = "2027-01",
    blocks: tuple[str, ...] = ("B1", "MEM"),
) -> ExamSession:
    """A session starting ``days`` from today, the candidate enrolled in ``blocks``."""
    start = timezone.localdate() + timedelta(days=days)
    session, _ = ExamSession.objects.get_or_create(
        code=code,
        defaults={"referential_version": version, "start_date": start, "end_date": start},
    )
    for code_ in blocks:
        block = Block.objects.get(version=version, code=code_)
        for part in block.parts.values_list("code", flat=True) or [""]:
            Enrolment.objects.get_or_create(
                session=session, candidate=candidate, block=block, part=part
            )
    return session


def approved_subject(candidate: Candidate, owner: AbstractUser, reviewer: AbstractUser) -> Subject:
    subject = services.propose_subject(candidate, SUBJECT, actor=owner)
    return services.review_subject(
        subject.pk, {"verdict": "approved", "comment": "", "revision": subject.revision},
        actor=reviewer,
    )  # fmt: skip


def deposited(
    candidate: Candidate,
    session: ExamSession,
    code: str,
    owner: AbstractUser,
    *,
    pages: int = 3,
    annexes: int | None = None,
    name: str = "support.pdf",
) -> Deposit:
    data = {"annexes_start_page": "" if annexes is None else str(annexes)}
    return services.deposit_file(
        candidate, session, code, [pdf_bytes(pages)], shown_name=name, data=data, actor=owner
    )
