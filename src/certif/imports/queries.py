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


def written_by(batch: ImportBatch) -> list[WrittenInSession]:
    rows = (
        ImportedCandidate.objects.filter(batch=batch)
        .values("session_code", "session_id")
        .annotate(
            candidates=Count("candidate_id", distinct=True),
            scores_created=Sum("scores_created"),
            scores_replaced=Sum("scores_replaced"),
            sheets_created=Sum("sheets_created"),
            enrolments_created=Sum("enrolments_created"),
        )
        .order_by("session_code")
    )
    return [
        WrittenInSession(
            code=row["session_code"],
            session_id=row["session_id"],
            candidates=row["candidates"],
            scores_created=row["scores_created"],
            scores_replaced=row["scores_replaced"],
            sheets_created=row["sheets_created"],
            enrolments_created=row["enrolments_created"],
        )
        for row in rows
    ]
