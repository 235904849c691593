"""The cases drawn for a candidate, for Mon espace: references, and links once the épreuve has
started."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from certif.candidates.models import Candidate
from certif.casebank.queries import draws_for_unit, own_cases, slot_label

register = template.Library()


@register.inclusion_tag("casebank/_my_cases.html")
def my_cases(candidate: Candidate) -> dict[str, Any]:
    return {"cases": own_cases(candidate, timezone.now())}


@register.inclusion_tag("casebank/_unit_cases.html")
def drawn_cases(assignment: Any) -> dict[str, Any]:
    """The cases drawn for the graded unit (an assignment or a sheet's unit), for its grid."""
    session = assignment.session
    draws = draws_for_unit(
        session.pk, assignment.candidate_id, assignment.block.code, assignment.part
    )
    referential = session.referential_version.referential
    return {"rows": [(draw, slot_label(referential, draw.slot)) for draw in draws]}
