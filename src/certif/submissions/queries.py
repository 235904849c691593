"""Reads of deposits and subjects, shared by the pages, the API and the services.

A candidate owes, in a session, every deliverable of the blocks they are enrolled in there (a
block with parts owes its deliverables once). The épreuve date a due rule counts back from is
the first sitting of that block in the session's timetable, else the session's first day; with
neither, the due date is not known yet and deposits are accepted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from certif.candidates.models import Candidate
from certif.domain.referential.schema import CriterionKind, DeliverableKind, PlacedDeliverable
from certif.sessions.models import Enrolment, ExamSession
from certif.sessions.timetable import timetable
from certif.submissions.models import Deposit, Extension, Subject, SubjectStatus


def store_folder() -> Path:
    """Where deposited files are kept (a content-addressed store under the data folder), or,
    with an S3 bucket, where uploads wait while inspected (``certif.core.storage_backends``)."""
    return Path(settings.DEPOSITS_DIR)


def local_today() -> date:
    return timezone.localdate()


@dataclass
class Owed:
    """A deliverable a candidate owes in a session, with its dates and its deposits."""

    session: ExamSession
    placed: PlacedDeliverable
    epreuve_date: date | None
    due_date: date | None
    extension: Extension | None
    deposits: list[Deposit] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.placed.deliverable.code

    @property
    def label(self) -> str:
        return self.placed.deliverable.label

    @property
    def block(self) -> str:
        return self.placed.block.code

    @property
    def is_thesis(self) -> bool:
        return self.placed.deliverable.kind == DeliverableKind.THESIS

    @property
    def max_size_mb(self) -> int:
        return self.placed.deliverable.max_size_mb

    @property
    def latest(self) -> Deposit | None:
        return self.deposits[0] if self.deposits else None

    @property
    def last_day(self) -> date | None:
        """The last day a deposit is accepted, an extension included."""
        if self.extension is not None and (
            self.due_date is None or self.extension.until > self.due_date
        ):
            return self.extension.until
        return self.due_date

    def is_open_on(self, day: date) -> bool:
        return self.last_day is None or day <= self.last_day

    @property
    def is_open(self) -> bool:
        return self.is_open_on(local_today())


def epreuve_dates(session: ExamSession) -> dict[str, date]:
    """The first day each block sits in the session, from its timetable."""
    days: dict[str, date] = {}
    for row in timetable(session).rows:
        if row.slot is None:
            continue
        day = timezone.localdate(row.slot.starts_at)
        if row.unit.block not in days or day < days[row.unit.block]:
            days[row.unit.block] = day
    return days


def dates_of(
    placed: PlacedDeliverable, days: Mapping[str, date], session: ExamSession
) -> tuple[date | None, date | None]:
    """The épreuve date a deliverable's due rule counts back from (the block's first day in
    ``days``, else the session's first day), and its due date; None when neither is known."""
    epreuve = days.get(placed.block.code, session.start_date)
    return epreuve, placed.deliverable.due.due_date(epreuve) if epreuve else None


def owed(candidate: Candidate, session: ExamSession) -> list[Owed]:
    """The deliverables the candidate owes in the session, in the référentiel's order."""
    blocks = set(
        Enrolment.objects.filter(candidate=candidate, session=session).values_list(
            "block__code", flat=True
        )
    )
    deposits = list(
        Deposit.objects.filter(candidate=candidate, session=session).order_by("-version")
    )
    extensions = list(Extension.objects.filter(candidate=candidate, session=session))
    return _owed_for(session, blocks, epreuve_dates(session), deposits, extensions)


def _owed_for(
    session: ExamSession,
    blocks: set[str],
    days: Mapping[str, date],
    deposits: list[Deposit],
    extensions: list[Extension],
) -> list[Owed]:
    """What one candidate owes, from their blocks, deposits (newest first) and extensions."""
    referential = session.referential_version.referential
    by_code = {extension.deliverable: extension for extension in extensions}
    result = []
    for item in referential.placed_deliverables():
        if item.block.code not in blocks:
            continue
        epreuve, due = dates_of(item, days, session)
        code = item.deliverable.code
        result.append(
            Owed(
                session=session,
                placed=item,
                epreuve_date=epreuve,
                due_date=due,
                extension=by_code.get(code),
                deposits=[d for d in deposits if d.deliverable == code],
            )
        )
    return result


def owed_item(candidate: Candidate, session: ExamSession, code: str) -> Owed | None:
    return next((item for item in owed(candidate, session) if item.code == code), None)


def sessions_of(candidate: Candidate) -> QuerySet[ExamSession]:
    return (
        ExamSession.objects.filter(enrolments__candidate=candidate)
        .select_related("referential_version")
        .distinct()
    )


def everything_owed(candidate: Candidate) -> list[Owed]:
    """Every deliverable the candidate owes, across their sessions (newest session first)."""
    return [item for session in sessions_of(candidate) for item in owed(candidate, session)]


@dataclass(frozen=True)
class Missing:
    candidate: Candidate
    owed: Owed

    @property
    def is_late(self) -> bool:
        return not self.owed.is_open


def missing_deposits(session: ExamSession) -> list[Missing]:
    """Every deliverable owed in the session and not deposited, by candidate then deliverable;
    a fixed number of queries, whatever the number of candidates (the deliberation shows it)."""
    days = epreuve_dates(session)
    blocks_of: dict[int, set[str]] = defaultdict(set)
    for candidate_id, block in Enrolment.objects.filter(session=session).values_list(
        "candidate_id", "block__code"
    ):
        blocks_of[candidate_id].add(block)
    deposited: dict[int, list[Deposit]] = defaultdict(list)
    for deposit in Deposit.objects.filter(session=session).only(
        "candidate_id", "deliverable", "version"
    ):
        deposited[deposit.candidate_id].append(deposit)
    extended: dict[int, list[Extension]] = defaultdict(list)
    for extension in Extension.objects.filter(session=session):
        extended[extension.candidate_id].append(extension)
    candidates = Candidate.objects.filter(pk__in=list(blocks_of)).order_by("numero")
    return [
        Missing(candidate, item)
        for candidate in candidates
        for item in _owed_for(
            session, blocks_of[candidate.pk], days, deposited[candidate.pk], extended[candidate.pk]
        )
        if not item.deposits
    ]


def missing_by_candidate(session: ExamSession) -> dict[int, list[str]]:
    """The codes of the deliverables each candidate has not deposited (for the deliberation):
    two queries, whatever the number of candidates."""
    placed = session.referential_version.referential.placed_deliverables()
    deposited = set(
        Deposit.objects.filter(session=session).values_list("candidate_id", "deliverable")
    )
    blocks_of: dict[int, set[str]] = defaultdict(set)
    for candidate_id, block in Enrolment.objects.filter(session=session).values_list(
        "candidate_id", "block__code"
    ):
        blocks_of[candidate_id].add(block)
    found: dict[int, list[str]] = {}
    for candidate_id, blocks in blocks_of.items():
        codes = [
            p.deliverable.code
            for p in placed
            if p.block.code in blocks and (candidate_id, p.deliverable.code) not in deposited
        ]
        if codes:
            found[candidate_id] = codes
    return found


def deposits_for_block(candidate_id: int, session_id: int, block: str) -> list[Deposit]:
    """The latest version of each deliverable of the block deposited by the candidate."""
    session = ExamSession.objects.select_related("referential_version").get(pk=session_id)
    codes = {
        p.deliverable.code
        for p in session.referential_version.referential.placed_deliverables()
        if p.block.code == block
    }
    latest: dict[str, Deposit] = {}
    for deposit in Deposit.objects.filter(
        candidate_id=candidate_id, session_id=session_id, deliverable__in=codes
    ).order_by("-version"):
        latest.setdefault(deposit.deliverable, deposit)
    return sorted(latest.values(), key=lambda d: d.deliverable)


def block_of(deposit: Deposit) -> str:
    """The code of the block the deposit's deliverable belongs to."""
    referential = deposit.session.referential_version.referential
    return referential.deliverable(deposit.deliverable).block.code


def counted_pages(candidate_id: int, session_id: int, block: str) -> int | None:
    """The pages before the annexes of the latest deposit that checks a page minimum."""
    for deposit in deposits_for_block(candidate_id, session_id, block):
        if deposit.counted_pages is not None:
            return deposit.counted_pages
    return None


def approved_subject(candidate: Candidate) -> Subject | None:
    return (
        Subject.objects.filter(candidate=candidate, status=SubjectStatus.APPROVED)
        .order_by("-reviewed_at", "-id")
        .first()
    )


def current_subject(candidate: Candidate) -> Subject | None:
    """The candidate's latest subject, whatever its state."""
    return Subject.objects.filter(candidate=candidate).order_by("-proposed_at", "-id").first()


def subjects_to_review() -> QuerySet[Subject]:
    return Subject.objects.filter(status=SubjectStatus.PROPOSED).select_related("candidate")


def all_subjects() -> QuerySet[Subject]:
    return Subject.objects.select_related("candidate", "reviewed_by")


def owed_for_block(candidate: Candidate, session: ExamSession, block: str) -> list[Owed]:
    """What the candidate owes for one block of the session (the grid shows it)."""
    return [item for item in owed(candidate, session) if item.block == block]


def page_count_criterion(session: ExamSession, block: str) -> str | None:
    """The criterion that records a page count on the block's grid (``MEMPages``): its only
    whole-number criterion, when one of its deliverables checks a page minimum."""
    referential = session.referential_version.referential
    if not any(
        p.deliverable.checks_min_pages
        for p in referential.placed_deliverables()
        if p.block.code == block
    ):
        return None
    integers = [
        c.code for c in referential.block(block).criteria if c.kind == CriterionKind.INTEGER
    ]
    return integers[0] if len(integers) == 1 else None


def starting_values(candidate: Candidate, session: ExamSession, block: str) -> dict[str, int]:
    """Values a grid may start from, read from the deposits: the mémoire's pages before its
    annexes for the page-count criterion. The evaluator decides; nothing is recorded."""
    code = page_count_criterion(session, block)
    pages = counted_pages(candidate.pk, session.pk, block) if code else None
    return {code: pages} if code and pages is not None else {}


def personal_submissions(candidate_id: int) -> dict[str, Any]:
    """A candidate's mémoire subjects and deposited files, in words, for their export of
    personal data (right of access): what was proposed and decided, what was deposited when."""
    subjects = [
        {
            "titre": subject.title,
            "problématique": subject.problem,
            "plan sommaire": subject.outline,
            "état": subject.get_status_display(),
            "proposé le": subject.proposed_at.isoformat(),
            "commentaire": subject.comment,
        }
        for subject in Subject.objects.filter(candidate_id=candidate_id).order_by("proposed_at")
    ]
    deposits = [
        {
            "session": deposit.session.code,
            "livrable": deposit.deliverable,
            "version": deposit.version,
            "fichier": deposit.original_name,
            "déposé le": deposit.deposited_at.isoformat(),
            "pages": deposit.page_count,
            "empreinte SHA-256": deposit.sha256,
        }
        for deposit in Deposit.objects.filter(candidate_id=candidate_id)
        .select_related("session")
        .order_by("deposited_at", "pk")
    ]
    return {"sujets de mémoire": subjects, "dépôts": deposits}
