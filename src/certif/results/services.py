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

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection, transaction

from certif.candidates.models import Candidate
from certif.domain import values
from certif.domain.rules.engine import RulesEngine, Sheet
from certif.domain.rules.results import CandidateResult as Decision
from certif.grading.models import Score, ScoreSheet
from certif.referential.models import Block, Criterion, ReferentialVersion
from certif.referential.services import current_version, engine_for
from certif.results.models import CandidateResult
from certif.sessions.models import ExamSession

CHUNK = 2000

Progress = Callable[[int], None]


@dataclass
class _CandidateSheets:
    sheets: list[Sheet] = field(default_factory=list)
    latest: tuple[date, str, int] | None = None  # (session date, session code, version id)


def _sheet_query(placeholders: str) -> str:
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
        f"WHERE sh.candidate_id IN ({placeholders}) "
        f"ORDER BY sh.candidate_id, sh.id"
    )


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def load_sheets(candidate_ids: Sequence[int]) -> dict[int, _CandidateSheets]:
    """Every sheet of these candidates, with decoded values, in one query."""
    found: dict[int, _CandidateSheets] = defaultdict(_CandidateSheets)
    if not candidate_ids:
        return found
    query = _sheet_query(", ".join(["%s"] * len(candidate_ids)))
    with connection.cursor() as cursor:
        cursor.execute(query, list(candidate_ids))
        rows = cursor.fetchall()
    current_sheet: int | None = None
    current_values: dict[str, values.Value] = {}
    for candidate_id, sheet_id, session, start, version_id, block, part, code, kind, stored in rows:
        if sheet_id != current_sheet:
            current_sheet = sheet_id
            current_values = {}
            session_date = _as_date(start)
            entry = found[candidate_id]
            entry.sheets.append(Sheet(session, block, current_values, part or None, session_date))
            key = (session_date or date.min, session, version_id)
            if entry.latest is None or key > entry.latest:
                entry.latest = key
        if code is not None:
            current_values[code] = values.decode(kind, stored)
    return found


class _Engines:
    """One compiled engine per version, fetched once per recomputation."""

    def __init__(self) -> None:
        self._by_id: dict[int, tuple[ReferentialVersion, RulesEngine]] = {}
        self.default = current_version()

    def get(self, version_id: int | None) -> tuple[ReferentialVersion, RulesEngine]:
        if version_id is None:
            if self.default is None:
                raise RuntimeError("Aucun référentiel chargé : lancez `certif init`.")
            version_id = self.default.pk
        if version_id not in self._by_id:
            version = ReferentialVersion.objects.get(pk=version_id)
            self._by_id[version_id] = (version, engine_for(version))
        return self._by_id[version_id]


def decide(
    entry: _CandidateSheets | None, engines: _Engines, as_of: date
) -> tuple[ReferentialVersion, Decision]:
    version, engine = engines.get(entry.latest[2] if entry and entry.latest else None)
    sheets = [sheet for sheet in entry.sheets if engine.fits(sheet)] if entry else []
    return version, engine.evaluate(sheets, as_of=as_of)


def recompute(
    candidate_ids: Iterable[int], *, as_of: date | None = None, progress: Progress | None = None
) -> int:
    """Recompute and store the decision of each candidate; return how many were written."""
    ids = sorted(set(candidate_ids))
    engines = _Engines()
    today = as_of or date.today()
    written = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        sheets = load_sheets(chunk)
        rows = []
        for candidate_id in chunk:
            version, decision = decide(sheets.get(candidate_id), engines, today)
            rows.append(
                CandidateResult(
                    candidate_id=candidate_id,
                    referential_version=version,
                    certified=decision.certified,
                    data=decision.to_dict(),
                )
            )
        with transaction.atomic():
            CandidateResult.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["candidate"],
                update_fields=["referential_version", "certified", "data", "computed_at"],
            )
        written += len(rows)
        if progress is not None:
            progress(len(chunk))
    return written


def recompute_candidate(candidate: Candidate | int) -> Decision:
    candidate_id = candidate if isinstance(candidate, int) else candidate.pk
    recompute([candidate_id])
    return CandidateResult.objects.get(pk=candidate_id).decision


def recompute_all(progress: Progress | None = None) -> int:
    return recompute(Candidate.objects.values_list("pk", flat=True), progress=progress)


def iter_results(
    session: str | None = None, candidate: str | None = None
) -> Iterator[tuple[str, Decision]]:
    """(numero, decision) for the population asked, in numero order: one query, no recomputation."""
    results = CandidateResult.objects.select_related(None).order_by("candidate__numero")
    if candidate is not None:
        results = results.filter(candidate__numero=candidate)
    if session is not None:
        results = results.filter(candidate__sheets__session__code=session).distinct()
    for numero, data in results.values_list("candidate__numero", "data").iterator(chunk_size=5000):
        yield numero, Decision.from_dict(data)
