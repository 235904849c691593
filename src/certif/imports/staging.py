"""The scores import's set-wise writes through staging tables (PostgreSQL).

Replaced values: loaded by COPY into a temporary table, then one ``UPDATE ... FROM`` in place
of one statement per score. Elsewhere (SQLite, or the benchmark's previous path) the same
rows go through ``executemany``.
"""

from __future__ import annotations

import polars as pl
from django.db import connection

from certif.core import bulk
from certif.grading.models import Score


def update_scores(changed: pl.DataFrame, batch_id: int) -> None:
    """Each ``score_id`` of ``changed`` gets its ``stored`` value and the import's batch."""
    table = connection.ops.quote_name(Score._meta.db_table)
    rows = changed.select("score_id", "stored")
    if connection.vendor == "postgresql" and bulk.STAGING and rows.height >= bulk.STAGE_FROM:
        columns = {"score_id": "bigint", "stored": "integer"}
        staged_rows = bulk.staging_table("certif_staged_scores", columns, rows.iter_rows())
        with staged_rows as staged, connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET value = s.stored, batch_id = %s FROM {staged} s "
                f"WHERE {table}.id = s.score_id",
                [batch_id],
            )
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET value = %s, batch_id = %s WHERE id = %s",
            [(stored, batch_id, score_id) for score_id, stored in rows.iter_rows()],
        )
