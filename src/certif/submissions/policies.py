"""Who may do what with deposits and mémoire subjects.

- Depositing a deliverable, proposing a subject: the candidate themselves (their own account).
- Reviewing subjects: the Direction pédagogique (role ``pedagogie``).
- Reading a subject: its candidate, the Direction pédagogique, gestionnaires.
- Granting an extension, listing missing deposits: gestionnaires.
- Opening a deposited file: its candidate, gestionnaires, the evaluators assigned to that unit
  (block) of that candidate in that session, and the people seated on a jury of that session.
"""

from __future__ import annotations

from typing import Any

from certif.candidates.models import Candidate
from certif.core.roles import JURY, Role, has_role
from certif.deliberations.models import JuryMember
from certif.sessions.models import Assignment, ExamSession
from certif.submissions.models import Deposit, Subject

DEPOSIT_REFUSED = "Seul le candidat ou la candidate dépose ses propres fichiers."
PROPOSE_REFUSED = "Seul le candidat ou la candidate propose son sujet de mémoire."
REVIEW_REFUSED = "Seule la Direction pédagogique examine les sujets de mémoire."
READ_SUBJECT_REFUSED = (
    "Seuls le candidat, la Direction pédagogique et les gestionnaires voient ce sujet."
)
EXTENSION_REFUSED = "Seul un gestionnaire accorde une prolongation de dépôt."
RECEIPT_REFUSED = "Seuls le candidat ou la candidate et les gestionnaires lisent l'accusé de dépôt."
OPEN_REFUSED = (
    "Seuls le candidat, les évaluateurs affectés à cette épreuve, le jury de la session et les "
    "gestionnaires ouvrent ce fichier."
)


def is_own(user: Any, candidate: Candidate) -> bool:
    """The candidate's own account, with the candidate role."""
    return (
        has_role(user, Role.CANDIDATE)
        and candidate.user_id is not None
        and candidate.user_id == getattr(user, "pk", None)
    )


def may_deposit(user: Any, candidate: Candidate) -> bool:
    return is_own(user, candidate)


def may_propose_subject(user: Any, candidate: Candidate) -> bool:
    return is_own(user, candidate)


def may_review_subjects(user: Any) -> bool:
    return has_role(user, Role.PEDAGOGY)


def may_read_subject(user: Any, subject: Subject) -> bool:
    return has_role(user, Role.PEDAGOGY, Role.STAFF) or is_own(user, subject.candidate)


def may_manage_deposits(user: Any) -> bool:
    """Extensions, the list of missing deposits: gestionnaires."""
    return has_role(user, Role.STAFF)


def is_assigned_to_block(user: Any, candidate_id: int, session_id: int, block: str) -> bool:
    return has_role(user, Role.EVALUATOR) and (
        Assignment.objects.filter(
            session_id=session_id,
            candidate_id=candidate_id,
            block__code=block,
            evaluator_id=user.pk,
        ).exists()
    )


def sits_on_jury_of(user: Any, session: ExamSession | int) -> bool:
    session_id = session if isinstance(session, int) else session.pk
    return has_role(user, *JURY) and (
        JuryMember.objects.filter(user_id=user.pk, deliberation__session_id=session_id).exists()
    )


def may_open_deposit(user: Any, deposit: Deposit, block: str) -> bool:
    """``block`` is the code of the block the deposit's deliverable belongs to."""
    if getattr(user, "pk", None) is None:
        return False
    return (
        has_role(user, Role.STAFF)
        or is_own(user, deposit.candidate)
        or is_assigned_to_block(user, deposit.candidate_id, deposit.session_id, block)
        or sits_on_jury_of(user, deposit.session_id)
    )


def may_read_receipt(user: Any, deposit: Deposit) -> bool:
    """The candidate who deposited, and gestionnaires."""
    return may_manage_deposits(user) or is_own(user, deposit.candidate)
