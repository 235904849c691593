"""What an import wrote, read back for its report."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Sum

from certif.imports.models import ImportBatch, ImportedCandidate


@dataclass(frozen=True)
class WrittenInSession:
    """What a scores import wrote in one session (its code kept if the session is gone)."""

    code: str
    session_id: int | None
    candidates: int
    scores_created: int
    scores_replaced: int
    sheets_created: int
    enrolments_created: int


# The counters each candidate's record keeps, summed per session under the same names.
_SUMMED = ("scores_created", "scores_replaced", "sheets_created", "enrolments_created")


def written_by(batch: ImportBatch) -> list[WrittenInSession]:
    rows = (
        ImportedCandidate.objects.filter(batch=batch)
        .values("session_code", "session_id")
        .annotate(
            candidates=Count("candidate_id", distinct=True),
            **{counter: Sum(counter) for counter in _SUMMED},
        )
        .order_by("session_code")
    )
    return [
        WrittenInSession(
            code=row["session_code"],
            session_id=row["session_id"],
            candidates=row["candidates"],
            **{counter: row[counter] for counter in _SUMMED},
        )
        for row in rows
    ]
