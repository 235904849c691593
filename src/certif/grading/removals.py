"""What grading says when a session or an enrolment is about to be removed: sheets that hold
scores (or a history, or a submission) forbid it; empty sheets, opened and never filled, go
with what they were opened for."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import ngettext

from certif.grading.models import ScoreSheet, SheetStatus


def _sheets(session: Any, units: Sequence[Any] | None) -> QuerySet[ScoreSheet]:
    sheets = ScoreSheet.objects.filter(session=session)
    if units is None:
        return sheets
    wanted = Q(pk__in=[])
    for unit in units:
        wanted |= Q(candidate_id=unit.candidate_id, block_id=unit.block_id, part=unit.part)
    return sheets.filter(wanted)


def graded_sheets(session: Any, units: Sequence[Any] | None, **kwargs: Any) -> list[str]:
    graded = (
        _sheets(session, units)
        .filter(
            Q(scores__isnull=False) | Q(changes__isnull=False) | Q(status=SheetStatus.SUBMITTED)
        )
        .distinct()
        .count()
    )
    if not graded:
        return []
    return [
        ngettext(
            "%(count)d feuille d'évaluation porte des notes (annulez d'abord l'import qui les a "
            "apportées, ou effacez-les)",
            "%(count)d feuilles d'évaluation portent des notes (annulez d'abord l'import qui les "
            "a apportées, ou effacez-les)",
            graded,
        )
        % {"count": graded}
    ]


def remove_empty_sheets(session: Any, units: Sequence[Any] | None, **kwargs: Any) -> None:
    _sheets(session, units).delete()
