"""The scores import's write mechanics: deferred keys and indexes, staging tables.

Every test lowers the thresholds so that a few rows take the path millions would take.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.db import IntegrityError, connection, transaction

from certif.candidates.models import Candidate
from certif.core import bulk
from certif.core.models import AuditEvent
from certif.domain.referential.schema import Referential
from certif.grading.models import Score, ScoreChange, ScoreSheet
from certif.imports import scores
from certif.imports.scores import import_scores
from certif.results.models import CandidateResult
from certif.sessions.models import Enrolment, ExamSession
from tests.support.builders import score_rows
from tests.support.deliberations import threshold
from tests.support.files import SCORE_HEADER, write_csv

pytestmark = pytest.mark.django_db

TABLES = (ScoreSheet._meta.db_table, Score._meta.db_table, Enrolment._meta.db_table)


@pytest.fixture(autouse=True)
def every_write_staged(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "DEFER_FROM", 1)
    monkeypatch.setattr(bulk, "STAGE_FROM", 1)


class RolledBack(Exception):
    """Undoes what a block wrote, once its state is read."""


def catalog() -> list[tuple[Any, ...]]:
    """The keys, constraints and indexes of the tables an import writes."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s) "
                "UNION ALL SELECT tablename, indexname, indexdef FROM pg_indexes "
                "WHERE tablename = ANY(%s) ORDER BY 1, 2, 3",
                [list(TABLES), list(TABLES)],
            )
        else:
            cursor.execute(
                "SELECT tbl_name, name, sql FROM sqlite_master WHERE tbl_name IN (%s, %s, %s) "
                "ORDER BY 1, 2",
                list(TABLES),
            )
        return cursor.fetchall()


def database_state() -> dict[str, list[tuple[Any, ...]]]:
    """What an import writes, by natural keys (ids and times differ from one run to another)."""
    sheet = ("candidate__numero", "session__code", "block__code", "part")
    return {
        "sessions": sorted(ExamSession.objects.values_list("code", "referential_version_id")),
        "sheets": sorted(
            ScoreSheet.objects.values_list(*sheet, "status", "marking", "revision", "evaluator_id")
        ),
        "enrolments": sorted(Enrolment.objects.values_list(*sheet)),
        "scores": sorted(
            Score.objects.values_list(
                *(f"sheet__{field}" for field in sheet), "criterion__code", "value", "comment",
                "batch__file_name",
            )
        ),
        "changes": sorted(
            ScoreChange.objects.values_list(
                *(f"sheet__{field}" for field in sheet), "criterion__code", "before", "after",
                "source", "reason", "batch__file_name",
            )
        ),
        "results": sorted(
            CandidateResult.objects.values_list(
                "candidate__numero", "referential_version_id", "certified", "data", "summary"
            )
        ),
        # (An import's label ends with the minute it was made.)
        "journal": sorted(
            (action, kind, label.split(" (")[0])
            for action, kind, label in AuditEvent.objects.values_list(
                "action", "object_type", "object_label"
            )
        ),
    }  # fmt: skip


def state_after(staged: bool, imports: Callable[[], None]) -> dict[str, list[tuple[Any, ...]]]:
    """The database once ``imports`` ran on one path, then undone."""
    bulk.STAGING = staged
    try:
        with transaction.atomic():
            imports()
            state = database_state()
            raise RolledBack
    except RolledBack:
        return state
    finally:
        bulk.STAGING = True


def first_import_then_replacements(ccab: Referential, tmp_path: Path) -> Callable[[], None]:
    b1, b2 = threshold(ccab, "B1"), threshold(ccab, "B2")
    first = [
        *score_rows(ccab, "C001", "B1", str(b1)),
        *score_rows(ccab, "C001", "B3", "13.75", part="eti"),
        *score_rows(ccab, "C002", "B2", str(b2)),
    ]
    second = [*score_rows(ccab, "C001", "B1", str(b1 - 1)), *score_rows(ccab, "C002", "B1", "3")]

    def imports() -> None:
        import_scores(write_csv(tmp_path / "a.csv", SCORE_HEADER, first), create_sessions=True)
        import_scores(
            write_csv(tmp_path / "b.csv", SCORE_HEADER, second), replace=True, create_sessions=True
        )

    return imports


def test_the_staged_path_writes_what_the_previous_path_writes(
    ccab: Referential, candidates: list[Candidate], tmp_path: Path
) -> None:
    imports = first_import_then_replacements(ccab, tmp_path)
    previous = state_after(False, imports)
    assert previous["changes"]
    assert previous["results"]
    assert state_after(True, imports) == previous


def test_the_staged_path_with_a_decision_worker_writes_what_the_previous_path_writes(
    ccab: Referential, candidates: list[Candidate], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scores, "WORKER_THRESHOLD", 1)
    imports = first_import_then_replacements(ccab, tmp_path)
    assert state_after(True, imports) == state_after(False, imports)


def test_the_keys_and_indexes_are_back_after_a_staged_import(
    ccab: Referential, candidates: list[Candidate], tmp_path: Path
) -> None:
    before = catalog()
    first_import_then_replacements(ccab, tmp_path)()
    assert ScoreChange.objects.exists()
    assert catalog() == before


def assert_a_failed_import_leaves_everything_as_it_was(ccab: Referential, tmp_path: Path) -> None:
    before, results = catalog(), database_state()["results"]
    rows = [*score_rows(ccab, "C001", "B1", "14.5"), *score_rows(ccab, "C002", "B2", "12")]
    with pytest.raises(RuntimeError):
        import_scores(write_csv(tmp_path / "a.csv", SCORE_HEADER, rows), create_sessions=True)
    assert not ExamSession.objects.exists()
    assert not ScoreSheet.objects.exists()
    assert not Enrolment.objects.exists()
    assert not Score.objects.exists()
    assert database_state()["results"] == results
    assert catalog() == before


def test_a_failure_after_the_writes_leaves_nothing_and_the_keys_in_place(
    ccab: Referential, candidates: list[Candidate], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_decisions(self: object) -> list[object]:
        raise RuntimeError("le calcul des décisions a échoué")

    monkeypatch.setattr(scores._Decisions, "result", failing_decisions)
    assert_a_failed_import_leaves_everything_as_it_was(ccab, tmp_path)


def test_a_failure_midway_through_the_scores_leaves_nothing_and_the_keys_in_place(
    ccab: Referential, candidates: list[Candidate], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    insert = bulk.insert_frame

    def failing_scores(table: str, frame: pl.DataFrame, *args: Any, **kwargs: Any) -> None:
        if table == Score._meta.db_table and not kwargs.get("defer", False):
            insert(table, frame.head(1), *args, **kwargs)
            raise RuntimeError("disque plein")
        insert(table, frame, *args, **kwargs)

    # Inside the deferred upkeep (keys and indexes dropped), after one score was written.
    monkeypatch.setattr(bulk, "insert_frame", failing_scores)
    assert_a_failed_import_leaves_everything_as_it_was(ccab, tmp_path)


def test_a_row_breaking_a_uniqueness_is_refused_by_a_deferred_insert(
    ccab: Referential, candidates: list[Candidate], tmp_path: Path
) -> None:
    import_scores(
        write_csv(tmp_path / "a.csv", SCORE_HEADER, score_rows(ccab, "C001", "B1", "14.5")),
        create_sessions=True,
    )
    stored = Score.objects.values_list("sheet_id", "criterion_id", "value")[0]
    before = catalog()
    # More rows than the table holds: its indexes are dropped, then built again.
    frame = pl.DataFrame(
        [(*stored, "")] * 100, schema=["sheet_id", "criterion_id", "value", "comment"], orient="row"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk.insert_frame(Score._meta.db_table, frame, defer=True)
    assert catalog() == before


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite checks deferred keys only at commit"
)
def test_a_row_pointing_nowhere_is_refused_when_the_deferred_keys_come_back(
    ccab: Referential, candidates: list[Candidate], tmp_path: Path
) -> None:
    import_scores(
        write_csv(tmp_path / "a.csv", SCORE_HEADER, score_rows(ccab, "C001", "B1", "14.5")),
        create_sessions=True,
    )
    criterion = Score.objects.values_list("criterion_id", flat=True)[0]
    before = catalog()
    frame = pl.DataFrame(
        [(10**12 + n, criterion, 100, "") for n in range(100)],
        schema=["sheet_id", "criterion_id", "value", "comment"],
        orient="row",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk.insert_frame(Score._meta.db_table, frame, defer=True)
    assert catalog() == before


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's primary key is the table itself"
)
def test_a_primary_key_is_built_after_the_rows_unless_another_table_points_to_it() -> None:
    def deferred_keys(table: str) -> list[str]:
        upkeep = bulk._Upkeep()
        bulk._postgresql_indexes(table, upkeep)
        return [statement for statement in upkeep.create if "PRIMARY KEY" in statement]

    # No table points to a score; scores and their history point to sheets.
    assert deferred_keys(Score._meta.db_table)
    assert not deferred_keys(ScoreSheet._meta.db_table)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no lock per table")
def test_a_table_in_use_elsewhere_leaves_the_keys_in_place_and_checks_row_by_row(
    ccab: Referential,
    candidates: list[Candidate],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    import psycopg

    monkeypatch.setattr(bulk, "LOCK_WAIT", "200ms")
    before = catalog()
    settings = connection.settings_dict
    reader = psycopg.connect(
        host=settings["HOST"] or None, port=settings["PORT"] or None,
        user=settings["USER"], password=settings["PASSWORD"] or None,
        dbname=settings["NAME"],
    )  # fmt: skip
    try:
        # A long reader of the criteria (an export, say): dropping a key to them must not wait.
        reader.execute("LOCK TABLE referential_criterion IN ACCESS SHARE MODE")
        rows = score_rows(ccab, "C001", "B1", "14.5")
        report = import_scores(
            write_csv(tmp_path / "a.csv", SCORE_HEADER, rows), create_sessions=True
        )
    finally:
        reader.close()
    assert "upkeep not deferred" in caplog.text
    assert report.created == len(rows)
    assert Score.objects.count() == len(rows)
    assert catalog() == before
