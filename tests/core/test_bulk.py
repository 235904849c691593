"""Writing many rows at once (``certif.core.bulk.insert_frame``), on both engines."""

from __future__ import annotations

import polars as pl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certif.core import bulk

pytestmark = pytest.mark.django_db

TABLE = "certif_bulk_probe"


@pytest.fixture
def probe() -> str:
    """A table of its own, created inside the test's transaction (undone with it)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {TABLE} (id integer PRIMARY KEY, label varchar(20), amount integer)"
        )
    return TABLE


def stored_rows() -> list[tuple[int, str | None, int | None]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, label, amount FROM {TABLE} ORDER BY id")
        return [tuple(row) for row in cursor.fetchall()]  # type: ignore[misc]


def frame_of(height: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": list(range(1, height + 1)),
            "label": [None if i % 4 == 0 else f"ligne {i}" for i in range(height)],
            "amount": [None if i % 5 == 0 else i * 7 for i in range(height)],
        },
        schema={"id": pl.Int64, "label": pl.String, "amount": pl.Int64},
    )


@pytest.mark.parametrize("height", [1, 2, 6, 7, 11])
def test_every_row_is_written_whether_or_not_the_rows_fill_whole_statements(
    probe: str, height: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "ROWS_PER_STATEMENT", 3)
    frame = frame_of(height)
    bulk.insert_frame(probe, frame)
    assert stored_rows() == frame.rows()


def test_a_statement_never_takes_more_parameters_than_the_database_allows(
    probe: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL copies the rows: no parameters")
    monkeypatch.setattr(bulk, "ROWS_PER_STATEMENT", 10_000)
    monkeypatch.setattr(connection.features, "max_query_params", 7)
    frame = frame_of(9)
    with CaptureQueriesContext(connection) as queries:
        bulk.insert_frame(probe, frame)
    # The rows of each statement logged, by its placeholders or its values.
    rows = [
        q["sql"].split(" VALUES ", 1)[1].count("), (") + 1
        for q in queries.captured_queries
        if f"INSERT INTO {connection.ops.quote_name(TABLE)}" in q["sql"]
    ]
    assert rows == [2, 1]  # four statements of two rows (one executemany), then the ninth
    assert stored_rows() == frame.rows()


def test_rows_are_written_in_batches_with_their_progress(
    probe: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "BATCH", 4)
    told: list[int] = []
    frame = frame_of(10)
    bulk.insert_frame(probe, frame, progress=told.append)
    assert (stored_rows(), told) == (frame.rows(), [4, 4, 2])
