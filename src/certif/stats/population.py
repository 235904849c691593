"""The stored results of every candidate, decoded once and kept: after a change only the
candidates whose stored result was written again are read and decoded again.

The rules engine writes a candidate's result with its computation time (``computed_at``, set
on every insert or replacement). The kept frame carries, per candidate, the time of the row
it was decoded from. To bring it up to date, the (candidate, time) pairs of every stored
result are read — two small columns — and compared with the kept ones: a candidate whose time
differs, or who is new, is read again; one no longer there is dropped. The pairs are compared
for equality, not ordered, so a writer committing late, or two processes' clocks, cannot hide
a change. When most candidates changed (the first computation, a recomputation of everyone)
everything is read in one query. The frame is kept in the process's memory (one per database
and référentiel version), a day at most.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from time import monotonic

import polars as pl
from django.db import connection
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast

from certif.domain.referential.schema import Block, Referential
from certif.domain.units import decided_units
from certif.results.models import CandidateResult

KEEP_SECONDS = 24 * 3600
CHUNK = 2000
STAMPS = {"candidate_id": pl.Int64, "stamp": pl.Utf8}
ROWS = {"candidate_id": pl.Int64, "stamp": pl.Utf8, "certified": pl.Boolean, "text": pl.Utf8}

# Kept in the process's memory, not in Django's cache: pickling and unpickling a frame of
# 100,000 rows would cost what reading only the changes saves. Each process keeps its own.
_kept: dict[tuple[str, int], tuple[float, pl.DataFrame]] = {}
_lock = threading.Lock()


def _unit_dtype(block: Block) -> pl.Struct:
    fields = {"status": pl.Utf8, "score": pl.Utf8}
    if block.parts:
        parts = pl.Struct({part.code: pl.Struct(fields) for part in block.parts})
        return pl.Struct({"status": pl.Utf8, "parts": parts})
    return pl.Struct(fields)


def _summary_dtype(referential: Referential) -> pl.Struct:
    blocks = pl.Struct({block.code: _unit_dtype(block) for block in referential.blocks})
    return pl.Struct({"certified": pl.Boolean, "blocks": blocks})


def _unit_columns(referential: Referential) -> list[pl.Expr]:
    """For each decided unit, its status and score (in hundredths) as columns."""
    columns: list[pl.Expr] = []
    for unit in decided_units(referential):
        base = pl.col("summary").struct.field("blocks").struct.field(unit.block)
        if unit.part:
            base = base.struct.field("parts").struct.field(unit.part)
        columns.append(base.struct.field("status").alias(f"status:{unit.key}"))
        if not referential.block(unit.block).parts or unit.part:
            score = base.struct.field("score").str.replace(".", "", literal=True)
            columns.append(score.cast(pl.Int64, strict=False).alias(f"score:{unit.key}"))
    return columns


def _stamp() -> Cast:
    # Compared as text: the same value reads the same on SQLite and PostgreSQL, no parsing.
    return Cast("computed_at", TextField())


def decode(rows: Sequence[tuple[int, str, bool, str]], referential: Referential) -> pl.DataFrame:
    """Rows of (candidate, stamp, certified, summary as JSON text) as one row per candidate:
    id, stamp, certified, each unit's status and score."""
    frame = pl.DataFrame(list(rows), schema=ROWS, orient="row")
    decoded = frame.with_columns(pl.col("text").str.json_decode(_summary_dtype(referential)))
    return decoded.rename({"text": "summary"}).select(
        "candidate_id", "stamp", "certified", *_unit_columns(referential)
    )


def _read(rows: QuerySet[CandidateResult], referential: Referential) -> pl.DataFrame:
    found = (
        rows.order_by()
        .annotate(stamp=_stamp(), text=Cast("summary", TextField()))
        .values_list("candidate_id", "stamp", "certified", "text")
    )
    return decode(list(found), referential)


def read_all(referential: Referential) -> pl.DataFrame:
    """Every stored result, read and decoded at once."""
    return _read(CandidateResult.objects.all(), referential)


def _read_some(ids: list[int], referential: Referential) -> pl.DataFrame:
    frames = [
        _read(CandidateResult.objects.filter(candidate_id__in=ids[i : i + CHUNK]), referential)
        for i in range(0, len(ids), CHUNK)
    ]
    return pl.concat(frames) if frames else decode([], referential)


def stamps() -> pl.DataFrame:
    """(candidate, stamp) of every stored result."""
    query = (
        CandidateResult.objects.order_by()
        .annotate(stamp=_stamp())
        .values_list("candidate_id", "stamp")
    )
    # Fetched at once by the driver: 100,000 pairs through Django's iterator cost several
    # times the query (no value here needs converting: an integer and a text).
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return pl.DataFrame(rows, schema=STAMPS, orient="row")


def brought_up_to_date(
    kept: pl.DataFrame, current: pl.DataFrame, referential: Referential
) -> tuple[pl.DataFrame, int]:
    """``kept`` with the candidates ``current`` (their stamps) says changed read again and
    those gone dropped; with how many were read again."""
    same = kept.join(current, on=["candidate_id", "stamp"], how="semi")
    changed = current.join(same, on="candidate_id", how="anti")["candidate_id"].to_list()
    if len(changed) * 2 > current.height:
        return read_all(referential), current.height
    fresh = _read_some(changed, referential)
    return pl.concat([same, fresh]).sort("candidate_id"), len(changed)


def _key(version: int) -> tuple[str, int]:
    return (str(connection.settings_dict["NAME"]), version)


def population(version: int, referential: Referential) -> pl.DataFrame:
    """Every candidate's stored result, decoded with ``referential`` (the version ``version``),
    read again only where it changed since the frame was kept."""
    key = _key(version)
    with _lock:
        kept = _kept.get(key)
    if kept is None or monotonic() - kept[0] > KEEP_SECONDS:
        frame, read = read_all(referential), -1
    else:
        frame, read = brought_up_to_date(kept[1], stamps(), referential)
    if read:
        with _lock:
            _kept[key] = (monotonic(), frame)
    return frame


def forget() -> None:
    """Nothing kept any more: the next statistics read every result."""
    with _lock:
        _kept.clear()
