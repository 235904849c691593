"""Keeping every candidate's decision current.

Results are recomputed for a candidate whenever one of its sheets changes (in the
same transaction as the change), and in bulk after an import. Reading a whole
population's results is then one query.

Which rules: a candidate's decision uses the référentiel version of the most recent
session in which they have a sheet (the version in force when they have none).
Sheets from sessions on other versions count when their block, part and criteria
exist in that version (capitalisation across versions).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from certif.candidates.models import Candidate
from certif.core import bulk
from certif.core.bulk import fetch_frame
from certif.domain.rules.engine import Unfinished
from certif.domain.rules.results import CandidateResult as Decision
from certif.grading.models import COUNTING, Score, ScoreSheet, SheetStatus
from certif.referential.models import Block, Criterion, ReferentialVersion
from certif.referential.services import current_version, engine_for
from certif.results.batch import ROWS_SCHEMA, Decided, Engines, Row, decide, sheets_by_candidate
from certif.results.models import CandidateResult
from certif.sessions.models import ExamSession

CHUNK = 5000

Progress = Callable[[int], None]


def rows_query(where: str) -> str:
    """Every recorded value (and every empty sheet) of the candidates matched by ``where``."""
    sheet, score = ScoreSheet._meta.db_table, Score._meta.db_table
    block, criterion = Block._meta.db_table, Criterion._meta.db_table
    session = ExamSession._meta.db_table
    return (
        f"SELECT sh.candidate_id, sh.id, se.code, se.start_date, se.referential_version_id, "
        f"b.code, sh.part, c.code, c.kind, sc.value "
        f"FROM {sheet} sh "
        f"JOIN {session} se ON se.id = sh.session_id "
        f"JOIN {block} b ON b.id = sh.block_id "
        f"LEFT JOIN {score} sc ON sc.sheet_id = sh.id "
        f"LEFT JOIN {criterion} c ON c.id = sc.criterion_id "
        f"WHERE sh.marking IN ({', '.join(repr(m) for m in COUNTING)}) AND {where}"
    )


def fetch_sorted_rows(candidate_ids: Sequence[int]) -> list[Row]:
    """The rows of these candidates (at most CHUNK), sorted as ``batch.decide`` reads them."""
    query = rows_query(f"sh.candidate_id IN ({', '.join(['%s'] * len(candidate_ids))})")
    with connection.cursor() as cursor:
        cursor.execute(query + " ORDER BY sh.candidate_id, sh.id", list(candidate_ids))
        return [(*row[:3], _as_date(row[3]), *row[4:]) for row in cursor.fetchall()]


def _as_date(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def fetch_rows(candidate_ids: Sequence[int]) -> pl.DataFrame:
    frames = [
        fetch_frame(
            rows_query(f"sh.candidate_id IN ({', '.join(['%s'] * len(chunk))})"), chunk, ROWS_SCHEMA
        )
        for chunk in (candidate_ids[i : i + CHUNK] for i in range(0, len(candidate_ids), CHUNK))
    ]
    return pl.concat(frames) if frames else pl.DataFrame(schema=ROWS_SCHEMA)


def engines() -> Engines:
    """Compiled rules of every version (there are few), the version in force by default."""
    default = current_version()
    if default is None:
        raise RuntimeError("Aucun référentiel chargé : lancez « certif init ».")
    versions = ReferentialVersion.objects.only("pk", "sha256")
    return Engines({version.pk: engine_for(version) for version in versions}, default.pk)


def store(decisions: Sequence[Decided]) -> None:
    """Insert or replace stored results, in batches (the JSON is already serialised)."""
    table = connection.ops.quote_name(CandidateResult._meta.db_table)
    json_param = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    sql = (
        f"INSERT INTO {table} (candidate_id, referential_version_id, certified, data, summary, computed_at) "
        f"VALUES (%s, %s, %s, {json_param}, {json_param}, %s) "
        f"ON CONFLICT (candidate_id) DO UPDATE SET referential_version_id = excluded.referential_version_id, "
        f"certified = excluded.certified, data = excluded.data, summary = excluded.summary, "
        f"computed_at = excluded.computed_at"
    )
    if connection.vendor == "postgresql" and bulk.STAGING and len(decisions) >= bulk.STAGE_FROM:
        _store_staged(decisions, now)
        return
    with connection.cursor() as cursor:
        for start in range(0, len(decisions), CHUNK):
            cursor.executemany(
                sql,
                [
                    (d.candidate_id, d.version_id, d.certified, d.data, d.summary, now)
                    for d in decisions[start : start + CHUNK]
                ],
            )


def _store_staged(decisions: Sequence[Decided], now: Any) -> None:
    """PostgreSQL, many decisions: loaded by COPY into a staging table, then one statement."""
    table = connection.ops.quote_name(CandidateResult._meta.db_table)
    columns = {
        "candidate_id": "bigint", "referential_version_id": "bigint", "certified": "boolean",
        "data": "jsonb", "summary": "jsonb",
    }  # fmt: skip
    rows = ((d.candidate_id, d.version_id, d.certified, d.data, d.summary) for d in decisions)
    staged_rows = bulk.staging_table("certif_staged_results", columns, rows)
    with transaction.atomic(), staged_rows as staged, connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (candidate_id, referential_version_id, certified, data, "
            f"summary, computed_at) SELECT candidate_id, referential_version_id, certified, "
            f"data, summary, %s FROM {staged} ORDER BY candidate_id "
            f"ON CONFLICT (candidate_id) DO UPDATE SET "
            f"referential_version_id = excluded.referential_version_id, "
            f"certified = excluded.certified, data = excluded.data, "
            f"summary = excluded.summary, computed_at = excluded.computed_at",
            [now],
        )


def recompute(
    candidate_ids: Iterable[int], *, as_of: date | None = None, progress: Progress | None = None
) -> int:
    """Recompute and store the decision of each candidate; return how many were written."""
    ids = sorted(set(candidate_ids))
    rules = engines()
    today = as_of or date.today()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        with transaction.atomic():
            store(decide(fetch_sorted_rows(chunk), chunk, rules, today))
        if progress is not None:
            progress(len(chunk))
    return len(ids)


def recompute_candidate(candidate: Candidate | int) -> Decision:
    candidate_id = candidate if isinstance(candidate, int) else candidate.pk
    recompute([candidate_id])
    return CandidateResult.objects.get(pk=candidate_id).decision


def recompute_all(progress: Progress | None = None) -> int:
    return recompute(Candidate.objects.values_list("pk", flat=True), progress=progress)


def decisions_as_known_by(
    session: ExamSession,
    candidate_ids: Sequence[int],
    unfinished: Mapping[int, Unfinished] | None = None,
) -> dict[int, Decision]:
    """What the rules decide for these candidates as session ``session`` knew them, for its
    deliberation: the submitted sheets that count, of the sessions that began on or before its
    first day (never a later one), judged with its own référentiel version. ``unfinished`` names,
    per candidate, the units whose grading in this session is not finished: they wait.

    Nothing is stored: the stored decisions (``recompute``) follow every sheet of every session.
    """
    if session.start_date is None:
        raise ValueError("a session deliberated has its dates")
    engine = engine_for(session.referential_version)
    waiting = unfinished or {}
    found: dict[int, Decision] = {}
    for start in range(0, len(candidate_ids), CHUNK):
        chunk = list(candidate_ids[start : start + CHUNK])
        where = (
            f"sh.candidate_id IN ({', '.join(['%s'] * len(chunk))}) "
            f"AND sh.status = %s AND se.start_date IS NOT NULL AND se.start_date <= %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                rows_query(where) + " ORDER BY sh.candidate_id, sh.id",
                [*chunk, SheetStatus.SUBMITTED.value, session.start_date],
            )
            rows = [(*row[:3], _as_date(row[3]), *row[4:]) for row in cursor.fetchall()]
        for candidate_id, _latest, sheets in sheets_by_candidate(rows):
            fitting = [sheet for sheet in sheets if engine.fits(sheet)]
            found[candidate_id] = engine.evaluate(
                fitting, as_of=session.end_date, unfinished=waiting.get(candidate_id, {})
            )
    for candidate_id in candidate_ids:
        if candidate_id not in found:
            found[candidate_id] = engine.evaluate(
                [], as_of=session.end_date, unfinished=waiting.get(candidate_id, {})
            )
    return found
