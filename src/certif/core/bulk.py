"""Writing many rows at once: COPY on PostgreSQL, executemany on SQLite.

The ORM's bulk_create builds one model instance per row; at millions of rows that is
most of an import's time. These helpers take a polars frame whose columns are the
table's columns, already in their stored form.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

import polars as pl
from django.db import connection

BATCH = 200_000
logger = logging.getLogger(__name__)

Progress = Callable[[int], None]


def stored_datetime(moment: datetime) -> str:
    """A datetime as the backend stores it, for a frame column."""
    adapted = connection.ops.adapt_datetimefield_value(moment)
    return adapted.isoformat() if isinstance(adapted, datetime) else str(adapted)


def insert_frame(table: str, frame: pl.DataFrame, progress: Progress | None = None) -> None:
    if frame.is_empty():
        return
    started = time.perf_counter()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in frame.columns)
    with connection.cursor() as cursor:
        for start in range(0, frame.height, BATCH):
            batch = frame.slice(start, BATCH)
            if connection.vendor == "postgresql":
                text = batch.write_csv(include_header=False, null_value="")
                with cursor.copy(
                    f"COPY {quote(table)} ({columns}) FROM STDIN WITH (FORMAT csv)"
                ) as copy:
                    copy.write(text)
            else:
                marks = ", ".join(["%s"] * len(frame.columns))
                cursor.executemany(
                    f"INSERT INTO {quote(table)} ({columns}) VALUES ({marks})", batch.rows()
                )
            if progress is not None:
                progress(batch.height)
    logger.info("insert %s: %d rows in %.1f s", table, frame.height, time.perf_counter() - started)


def refresh_statistics(*tables: str) -> None:
    """Let the query planner know the tables just grew by millions of rows.

    Without it PostgreSQL plans the next queries as for empty tables (sequential scans
    over millions of rows for one candidate) until autovacuum gets round to it.
    """
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {quote(table)}")


def fetch_frame(sql: str, params: Sequence[Any], schema: Mapping[str, Any]) -> pl.DataFrame:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        rows = cursor.fetchall()
    return pl.DataFrame(rows, schema=schema, orient="row")
