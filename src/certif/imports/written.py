"""What a scores import wrote for each candidate in each session: the journal's entries."""

from __future__ import annotations

import polars as pl

from certif.core.bulk import fetch_frame, insert_frame
from certif.grading.models import ScoreSheet
from certif.imports.models import ImportedCandidate
from certif.sessions.models import Enrolment


def record_candidates(frame: pl.DataFrame, batch_id: int) -> None:
    """What the import wrote for each candidate in each session (``ImportedCandidate``), from
    the written rows and the sheets and enrolments stamped with the batch, set-wise."""
    counts = {"candidate_id": pl.Int64, "session_id": pl.Int64, "count": pl.Int64}
    stamped = [
        fetch_frame(
            f"SELECT candidate_id, session_id, COUNT(*) FROM {table} WHERE batch_id = %s "
            "GROUP BY candidate_id, session_id",
            [batch_id],
            counts,
        ).rename({"count": name})
        for table, name in (
            (ScoreSheet._meta.db_table, "sheets_created"),
            (Enrolment._meta.db_table, "enrolments_created"),
        )
    ]
    written = frame.group_by("candidate_id", "session_id").agg(
        pl.col("session").first().cast(pl.String).alias("session_code"),
        pl.col("score_id").is_null().sum().alias("scores_created"),
        (pl.col("score_id").is_not_null() & (pl.col("existing") != pl.col("stored")))
        .sum()
        .alias("scores_replaced"),
    )
    for found in stamped:
        written = written.join(found, on=["candidate_id", "session_id"], how="left")
    key = ["scores_created", "scores_replaced", "sheets_created", "enrolments_created"]
    written = written.with_columns(pl.col(key).fill_null(0)).filter(pl.sum_horizontal(key) > 0)
    insert_frame(
        ImportedCandidate._meta.db_table,
        written.sort("candidate_id", "session_id").select(
            pl.lit(batch_id, dtype=pl.Int64).alias("batch_id"),
            "candidate_id",
            "session_id",
            "session_code",
            *key,
        ),
        defer=True,  # 100,000 candidates: their keys checked by one join each, not row by row
    )
