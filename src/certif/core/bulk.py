"""Writing many rows at once: COPY on PostgreSQL, multi-row INSERTs on SQLite.

The ORM's bulk_create builds one model instance per row; at millions of rows that is
most of an import's time. These helpers take a polars frame whose columns are the
table's columns, already in their stored form.

A large insert also defers the work the database does per row (``deferred_upkeep``): on
PostgreSQL each row queues one check per foreign key, run one by one at commit (about three
quarters of a 4.8-million-row import went there); dropped before the insert and added again
after it, each foreign key is checked once, as one join over the table. Secondary indexes of a
table that grows by more than it holds are built again after the insert (one sort) instead of
taking the rows one at a time. All of it inside the caller's transaction: a failure, a row
breaking a key or a uniqueness, undoes the lot.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain
from typing import Any

import polars as pl
from django.contrib.auth import get_user_model
from django.db import OperationalError, connection, transaction

BATCH = 200_000
# SQLite: rows inserted by one statement (``_insert_rows``).
ROWS_PER_STATEMENT = 100
# False: the write paths as they were before the deferred upkeep and the staging tables (the
# benchmark's comparison, ``python -m bench import``); never changed by the application.
STAGING = True
# From this many rows, set-wise writes go through a staging table (PostgreSQL).
STAGE_FROM = 5000
# From this many rows an insert defers its table's per-row upkeep (keys, indexes).
DEFER_FROM = 20_000
# How long dropping a key or an index waits for its tables (PostgreSQL), and the error then.
LOCK_WAIT = "2s"
LOCK_NOT_AVAILABLE = "55P03"
# Foreign keys are checked again over the whole table: worth it while the table holds at most
# this many times the rows inserted (a join over the table against one lookup per new row).
FOREIGN_KEY_RATIO = 10
logger = logging.getLogger(__name__)

Progress = Callable[[int], None]


def stored_datetime(moment: datetime) -> str:
    """A datetime as the backend stores it, for a frame column."""
    adapted = connection.ops.adapt_datetimefield_value(moment)
    return adapted.isoformat() if isinstance(adapted, datetime) else str(adapted)


def insert_frame(
    table: str, frame: pl.DataFrame, progress: Progress | None = None, *, defer: bool = False
) -> None:
    """Insert the rows of ``frame``; with ``defer``, from DEFER_FROM rows, the table's upkeep
    deferred (``deferred_upkeep``)."""
    if frame.is_empty():
        return
    if defer and STAGING and frame.height >= DEFER_FROM:
        with deferred_upkeep(table, frame.height):
            insert_frame(table, frame, progress, defer=False)
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
                _insert_rows(cursor, f"INSERT INTO {quote(table)} ({columns}) VALUES ", batch)
            if progress is not None:
                progress(batch.height)
    logger.info("insert %s: %d rows in %.1f s", table, frame.height, time.perf_counter() - started)


def _insert_rows(cursor: Any, insert: str, batch: pl.DataFrame) -> None:
    """SQLite: the rows a statement's worth at a time (as many as its parameters allow, at most
    ROWS_PER_STATEMENT). Executed once per row, an INSERT pays the statement's own upkeep (its
    reset, its deferred keys' bookkeeping) each time: the 4.8 million scores of the scale bench
    went in 20.3 s against 29.5 s (``bench/README.md``, « The write paths again »)."""
    width = len(batch.columns)
    allowed = connection.features.max_query_params or ROWS_PER_STATEMENT * width
    per_statement = max(1, min(ROWS_PER_STATEMENT, allowed // width))
    row = "(" + ", ".join(["%s"] * width) + ")"
    rows = batch.rows()
    whole = len(rows) - len(rows) % per_statement
    if whole:
        cursor.executemany(
            insert + ", ".join([row] * per_statement),
            (
                tuple(chain.from_iterable(rows[start : start + per_statement]))
                for start in range(0, whole, per_statement)
            ),
        )
    if whole < len(rows):
        rest = rows[whole:]
        cursor.execute(insert + ", ".join([row] * len(rest)), tuple(chain.from_iterable(rest)))


@contextmanager
def staging_table(
    name: str, columns: Mapping[str, str], rows: Iterable[Sequence[Any]]
) -> Iterator[str]:
    """PostgreSQL, inside a transaction: a temporary table ``name`` (``columns``: name → SQL
    type) holding ``rows``, loaded by COPY, for set-wise statements against the real tables
    (an UPDATE ... FROM, an INSERT ... SELECT ... ON CONFLICT) in place of one statement per
    row. Yields its quoted name; dropped when the block ends. Temporary: neither logged nor
    seen by other sessions."""
    quote = connection.ops.quote_name
    table = quote(name)
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {table} "
            f"({', '.join(f'{quote(c)} {kind}' for c, kind in columns.items())})"
        )
        with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(f"ANALYZE {table}")
    try:
        yield table
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")


def refresh_statistics(*tables: str) -> None:
    """Let the query planner know the tables just grew by millions of rows.

    Without it PostgreSQL plans the next queries as for empty tables (sequential scans
    over millions of rows for one candidate) until autovacuum gets round to it.
    """
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {quote(table)}")


# Types a CSV from PostgreSQL gives back unchanged to polars (not booleans: « t »/« f »).
_CSV_TYPES = (pl.Int64, pl.Int32, pl.String, pl.Date)


def fetch_frame(sql: str, params: Sequence[Any], schema: Mapping[str, Any]) -> pl.DataFrame:
    """The rows of a query as a frame of ``schema``; on PostgreSQL read as one CSV stream
    (``COPY ... TO STDOUT``) parsed by polars, rather than as one Python tuple per row."""
    if (
        connection.vendor == "postgresql"
        and STAGING
        and all(kind in _CSV_TYPES for kind in schema.values())
    ):
        return _fetch_csv(sql, params, schema)
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        rows = cursor.fetchall()
    return pl.DataFrame(rows, schema=schema, orient="row")


@dataclass
class _Upkeep:
    """What a table's upkeep defers: statements to drop, then to create again."""

    drop: list[str] = field(default_factory=list)
    create: list[str] = field(default_factory=list)


@contextmanager
def deferred_upkeep(table: str, incoming: int) -> Iterator[None]:
    """Inside a transaction, around the insert of ``incoming`` rows into ``table``: its foreign
    keys (PostgreSQL) and, when it holds fewer rows than it receives, its secondary indexes,
    dropped, then created again — each key checked and each index built once, set-wise.

    On PostgreSQL dropping a foreign key locks the table it points to until the transaction
    ends (reads there wait for the commit): keys to the accounts' table, which every request
    reads, are left in place."""
    existing = _rows_up_to(table, incoming * FOREIGN_KEY_RATIO)
    upkeep = _Upkeep()
    if connection.vendor == "postgresql":
        if existing < incoming * FOREIGN_KEY_RATIO:
            _postgresql_foreign_keys(table, upkeep)
        if existing < incoming:
            _postgresql_indexes(table, upkeep)
    elif existing < incoming:
        _sqlite_indexes(table, upkeep)
    if not upkeep.drop:
        yield
        return
    started = time.perf_counter()
    if not _dropped(upkeep):
        yield
        return
    yield
    _execute_upkeep(upkeep.create)
    logger.info(
        "upkeep of %s deferred: %d statement(s), %.1f s",
        table,
        len(upkeep.drop),
        time.perf_counter() - started,
    )


def _dropped(upkeep: _Upkeep) -> bool:
    """Drop what ``upkeep`` defers. On PostgreSQL the drops wait for the tables' locks at most
    LOCK_WAIT: a long reader of one of them (an export) would otherwise hold the import, and
    every reader queued behind the import's lock; then nothing is dropped (False) and the rows
    are checked one by one, as for a small insert."""
    if connection.vendor != "postgresql":
        _execute_upkeep(upkeep.drop)
        return True
    with connection.cursor() as cursor:
        # Index builds and the keys' joins: more memory than a query's default.
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute("SELECT current_setting('lock_timeout')")
        (waited,) = cursor.fetchone()
        try:
            with transaction.atomic():
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [LOCK_WAIT])
                _execute_upkeep(upkeep.drop)
        except OperationalError as error:
            if getattr(error.__cause__, "sqlstate", None) != LOCK_NOT_AVAILABLE:
                raise
            logger.warning("upkeep not deferred, a table is in use: %s", error)
            return False
        finally:
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [waited])
    return True


def _execute_upkeep(statements: list[str]) -> None:
    """On PostgreSQL the deferred checks pending (keys left in place) run first, for a table
    with pending checks cannot be altered; later ones are deferred again, as Django declares
    them."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for statement in statements:
            cursor.execute(statement)


def _rows_up_to(table: str, limit: int) -> int:
    """How many rows ``table`` holds, counted no further than ``limit``."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT %s) t",
            [limit],
        )
        return int(cursor.fetchone()[0])


def _postgresql_foreign_keys(table: str, upkeep: _Upkeep) -> None:
    quote = connection.ops.quote_name
    spared = get_user_model()._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f' "
            "AND confrelid::regclass::text <> ALL(%s) ORDER BY conname",
            [quote(table), [spared, quote(spared)]],
        )
        for name, definition in cursor.fetchall():
            upkeep.drop.append(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
            upkeep.create.append(
                f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}"
            )


def _postgresql_indexes(table: str, upkeep: _Upkeep) -> None:
    """Indexes and the constraints they carry (unique, primary key: on 4.8 million scores,
    copying into a table without its primary key then adding it takes 6.4 + 2.0 s, against
    13.5 s with the key kept up row by row); not a partial or expression index, nor an index a
    foreign key leans on (a primary key other tables point to stays)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), c.conname, "
            "pg_get_constraintdef(c.oid) FROM pg_index i "
            "LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid "
            "AND c.contype IN ('u', 'x', 'p') "
            "WHERE i.indrelid = %s::regclass "
            # A partial or expression index's definition comes back reworded: left in place.
            "AND i.indpred IS NULL AND i.indexprs IS NULL "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' "
            "AND f.conindid = i.indexrelid) ORDER BY 1",
            [quote(table)],
        )
        # Constraints first: dropped, they take their index with them.
        for index, definition, constraint, constraint_definition in cursor.fetchall():
            if constraint is None:
                upkeep.drop.append(f"DROP INDEX {index}")
                upkeep.create.insert(0, definition)
            else:
                upkeep.drop.append(
                    f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(constraint)}"
                )
                upkeep.create.insert(
                    0,
                    f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(constraint)} "
                    f"{constraint_definition}",
                )


def _sqlite_indexes(table: str, upkeep: _Upkeep) -> None:
    """The indexes created by statements (a table's own unique constraints cannot be dropped)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
            "AND sql IS NOT NULL ORDER BY name",
            [table],
        )
        for name, sql in cursor.fetchall():
            upkeep.drop.append(f"DROP INDEX {connection.ops.quote_name(name)}")
            upkeep.create.append(sql)


def _fetch_csv(sql: str, params: Sequence[Any], schema: Mapping[str, Any]) -> pl.DataFrame:
    import psycopg

    connection.ensure_connection()
    # COPY takes no parameters: psycopg writes them into the query, quoted as literals.
    cursor = psycopg.ClientCursor(connection.connection)
    query = cursor.mogrify(sql, list(params))
    data = bytearray()
    # Every value quoted: an empty text ("") stays apart from a null (nothing).
    with cursor.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv, FORCE_QUOTE *)") as copy:
        for chunk in copy:
            data += chunk
    if not data:
        return pl.DataFrame(schema=dict(schema))
    return pl.read_csv(bytes(data), has_header=False, schema=dict(schema))
