"""Who may do what to a score sheet: one rule per act, used by the pages, the API and the
services alike (a service checks it whenever a person, not the system, acts)."""

from __future__ import annotations

from typing import Any

from certif.accounts.models import ConflictOfInterest
from certif.core.roles import Role, has_role
from certif.grading.models import GradedUnit, Marking, ScoreSheet
from certif.grading.queries import unit_evaluator_ids
from certif.sessions.models import Assignment


def is_linked(user: Any, candidate_id: int) -> bool:
    """A declared link of interest between the person and the candidate."""
    return ConflictOfInterest.objects.filter(user_id=user.pk, candidate_id=candidate_id).exists()


def is_free_of_links(user: Any, sheet: ScoreSheet | GradedUnit) -> bool:
    """No declared link of interest with the sheet's candidate."""
    return not is_linked(user, sheet.candidate_id)


def is_assigned(user: Any, assignment: Assignment) -> bool:
    """The evaluator this assignment names."""
    return has_role(user, Role.EVALUATOR) and assignment.evaluator_id == user.pk


def may_write_sheet(user: Any, sheet: ScoreSheet) -> bool:
    """The sheet's own evaluator, while its unit is still assigned to them; never the agreed
    sheet of a double marking (the reconciliation writes it), never with a link of interest."""
    return (
        has_role(user, Role.EVALUATOR)
        and sheet.marking != Marking.AGREED
        and sheet.evaluator_id == user.pk
        and Assignment.objects.filter(
            session_id=sheet.session_id,
            candidate_id=sheet.candidate_id,
            block_id=sheet.block_id,
            part=sheet.part,
            evaluator_id=user.pk,
        ).exists()
        and not is_linked(user, sheet.candidate_id)
    )


def may_read_sheet(user: Any, sheet: ScoreSheet) -> bool:
    """Gestionnaires read every sheet; an evaluator the sheets they write."""
    return has_role(user, Role.STAFF) or may_write_sheet(user, sheet)


def may_reopen(user: Any) -> bool:
    """Only a gestionnaire reopens a submitted sheet (with a reason)."""
    return has_role(user, Role.STAFF)


def may_correct(user: Any) -> bool:
    """Only a gestionnaire corrects a recorded score outside its evaluator's grid."""
    return has_role(user, Role.STAFF)


def may_reconcile(user: Any, unit: GradedUnit) -> bool:
    """A gestionnaire, or one of the unit's two markers; never someone linked to the
    candidate (a link declared after the sheets were opened holds too)."""
    if is_linked(user, unit.candidate_id):
        return False
    if has_role(user, Role.STAFF):
        return True
    return has_role(user, Role.EVALUATOR) and user.pk in unit_evaluator_ids(unit)
