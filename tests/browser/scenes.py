"""Data the browser tests start from, built through the services and imports as in real use.

Points and thresholds come from the référentiel; nothing here states a rule of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.models import User

from certif.accounts.services import create_user
from certif.candidates.models import Candidate
from certif.core.roles import Role
from certif.deliberations import services as deliberations
from certif.deliberations.models import Affiliation, Deliberation, MemberRole
from certif.domain.referential.schema import Block, PointsScoring, Referential
from certif.grading.forms import grid_data
from certif.grading.services import open_sheet, submit_sheet
from certif.imports.candidates import import_candidates
from certif.imports.scores import import_scores
from certif.referential.models import ReferentialVersion
from certif.sessions.models import Assignment, ExamSession
from certif.sessions.services import assign_evaluator, create_session, enrol
from tests.support.builders import score_rows, thesis_rows, values_totalling
from tests.support.deliberations import SESSION_DAYS, held
from tests.support.files import CANDIDATE_HEADER, SCORE_HEADER, write_csv

PASSWORD = "pw-for-tests"
SESSION = "2026-06"
Rows = list[tuple[str, str, str, str, str, str]]


def account(
    username: str,
    *roles: Role,
    first_name: str = "",
    last_name: str = "",
    candidate: Candidate | None = None,
) -> User:
    """A person who signs in with ``PASSWORD``; a name makes the screenshots read naturally."""
    user = create_user(
        username,
        password=PASSWORD,
        roles=roles,
        email=f"{username}@example.org",
        first_name=first_name,
        last_name=last_name,
        candidate=candidate,
    )
    assert isinstance(user, User)
    return user


def import_people(folder: Path, people: Sequence[tuple[str, str, str, str]]) -> list[Candidate]:
    """Candidates (numero, birth name, first names, birth date) through the candidates import."""
    import_candidates(write_csv(folder / "candidats.csv", CANDIDATE_HEADER, people))
    return list(Candidate.objects.filter(numero__in=[p[0] for p in people]).order_by("numero"))


def import_rows(folder: Path, rows: Rows, name: str = "notes.csv") -> None:
    import_scores(write_csv(folder / name, SCORE_HEADER, rows), create_sessions=True)


def threshold(block: Block) -> Decimal:
    scoring = block.scoring
    assert isinstance(scoring, PointsScoring)
    return scoring.threshold


def maximum(block: Block) -> Decimal:
    """Every criterion of the block at its maximum, summed."""
    return sum((c.max_points or Decimal(0) for c in block.criteria), Decimal(0))


def full_marks_rows(referential: Referential, numero: str) -> Rows:
    """Every unit of the référentiel at full marks (each part of a block with parts), and a
    mémoire meeting its conditions: a candidate the engine proposes to certify."""
    rows: Rows = []
    for block in referential.blocks:
        if block.scoring.method == "pass_fail":
            rows += thesis_rows(referential, numero, SESSION)
        elif block.parts:
            for part in block.parts:
                rows += score_rows(
                    referential, numero, block.code, maximum(block), SESSION, part.code
                )
        else:
            rows += score_rows(referential, numero, block.code, maximum(block), SESSION)
    return rows


def failing_rows(referential: Referential, numero: str, block_code: str) -> Rows:
    """One block without parts at half its threshold: proposed « non validé »."""
    block = referential.block(block_code)
    return score_rows(referential, numero, block_code, threshold(block) / 2, SESSION)


def passing_rows(referential: Referential, numero: str, block_code: str) -> Rows:
    block = referential.block(block_code)
    return score_rows(referential, numero, block_code, maximum(block), SESSION)


def graded_session(folder: Path, referential: Referential) -> tuple[ExamSession, list[Candidate]]:
    """Three candidates with scores in the session: C001 passes everything, C002 fails B1
    only, C003 passes B1 and fails B2."""
    people = import_people(
        folder,
        [
            ("C001", "Dupont", "Marie", "12/03/1990"),
            ("C002", "Lefèvre", "Éloïse Anne", "1988-07-01"),
            ("C003", "Nguyen", "Thomas", "05/11/1995"),
        ],
    )
    import_rows(
        folder,
        full_marks_rows(referential, "C001")
        + failing_rows(referential, "C002", "B1")
        + passing_rows(referential, "C003", "B1")
        + failing_rows(referential, "C003", "B2"),
    )
    return held(SESSION, *SESSION_DAYS), people


def assigned_unit(
    version: ReferentialVersion,
    candidate: Candidate,
    evaluator: User,
    block: str,
    part: str = "",
) -> Assignment:
    """The candidate enrolled in the unit of the session, and the evaluator asked to grade it."""
    session = ExamSession.objects.filter(code=SESSION).first() or create_session(
        {"code": SESSION, "title": "Session de juin", "referential_version": version}
    )
    enrol(session, [candidate.pk], [(block, part)])
    assign_evaluator(session, candidate, block, part, evaluator)
    return Assignment.objects.get(
        session=session, candidate=candidate, block__code=block, part=part, marker=1
    )


def published_deliberation(session: ExamSession, staff: User) -> Deliberation:
    """The session deliberated by a valid jury, every proposal confirmed, closed and published."""
    president = account("presidente", Role.JURY_PRESIDENT, first_name="Hélène", last_name="Roux")
    member = account("membre", Role.JURY_MEMBER, first_name="Marc", last_name="Petit")
    deliberation = deliberations.open_deliberation(session, staff, date(2026, 7, 1), "Paris")
    for user, role in ((president, MemberRole.PRESIDENT), (member, MemberRole.MEMBER)):
        deliberations.record_member(
            deliberation,
            staff,
            full_name=user.get_full_name(),
            role=role,
            affiliation=Affiliation.EXTERNAL,
            user=user,
        )
    deliberations.confirm_all_pending(deliberation, president)
    deliberations.close_deliberation(deliberation, president)
    return deliberations.publish_results(deliberation, staff)


def double_marked(
    session: ExamSession,
    candidate: Candidate,
    block: Block,
    markers: tuple[User, User],
    shares: tuple[Decimal, Decimal],
) -> None:
    """Two evaluators grade the same unit, each a share of its points, and both submit: a
    reconciliation awaits."""
    enrol(session, [candidate.pk], [(block.code, "")])
    for marker, evaluator in enumerate(markers, start=1):
        assign_evaluator(session, candidate, block.code, "", evaluator, marker=marker)
    for marker, (evaluator, share) in enumerate(zip(markers, shares, strict=True), start=1):
        assignment = Assignment.objects.get(
            session=session, candidate=candidate, block__code=block.code, marker=marker
        )
        sheet = open_sheet(assignment, actor=evaluator)
        values = dict(values_totalling(block, maximum(block) * share))
        submit_sheet(sheet.pk, grid_data(values, revision=sheet.revision), actor=evaluator)
