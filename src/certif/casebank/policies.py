"""Who may read and handle the cases: they are confidential until the épreuve.

Gestionnaires keep the bank and see everything. An evaluator sees a case drawn in a session
for a unit they are assigned to grade there. A candidate sees only a case drawn for them, and
only once their épreuve has started (the timetable's slot; no slot, no access), never the
client's script. The jury and everyone else see none.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from certif.casebank.models import Case, Draw
from certif.casebank.queries import epreuve_start
from certif.core.roles import Role, has_role
from certif.sessions.models import Assignment

MANAGE_REFUSED = "Seul un gestionnaire tient la banque de cas et tire les cas des candidats."
READ_REFUSED = (
    "Ce cas est confidentiel : seuls les gestionnaires et les évaluateurs de la session où il "
    "est tiré peuvent le lire."
)
OPEN_REFUSED = (
    "Ce cas n'est pas accessible : un candidat ne voit que le cas tiré pour lui, à partir du "
    "début de son épreuve."
)


def may_manage_cases(user: Any) -> bool:
    return has_role(user, Role.STAFF)


def _assigned(user: Any, draw: Draw) -> bool:
    return Assignment.objects.filter(
        session_id=draw.session_id,
        evaluator_id=user.pk,
        block__code=draw.block_code,
        part=draw.part,
    ).exists()


def may_read_draw_as_evaluator(user: Any, draw: Draw) -> bool:
    """Gestionnaires, and the evaluators assigned to the draw's unit in its session."""
    if has_role(user, Role.STAFF):
        return True
    return has_role(user, Role.EVALUATOR) and draw.current and _assigned(user, draw)


def may_read_case(user: Any, case: Case) -> bool:
    """Gestionnaires, and an evaluator assigned to a unit of a session where it is drawn."""
    if has_role(user, Role.STAFF):
        return True
    if not has_role(user, Role.EVALUATOR):
        return False
    return any(_assigned(user, draw) for draw in case.draws.filter(current=True))


def epreuve_started(draw: Draw) -> bool:
    starts = epreuve_start(draw.session, draw.slot)
    return starts is not None and timezone.now() >= starts


def may_open_own_draw(user: Any, draw: Draw) -> bool:
    """The candidate the case was drawn for, once their épreuve has started."""
    return (
        has_role(user, Role.CANDIDATE)
        and draw.current
        and user.pk is not None
        and draw.candidate.user_id == user.pk
        and epreuve_started(draw)
    )


def may_open_draw(user: Any, draw: Draw) -> bool:
    return may_read_draw_as_evaluator(user, draw) or may_open_own_draw(user, draw)
