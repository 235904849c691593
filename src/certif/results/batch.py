"""Deciding many candidates at once, from a table of their recorded values.

No Django here: this module runs in the importing process or in a worker process
(spawned, so that it can decide while the importer writes to the database).

The input table has one row per recorded value (and one row with a null criterion
for a sheet that has none yet), with the columns of ``ROWS_SCHEMA``.
"""

from __future__ import annotations

import functools
import json
import pickle
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, cast

import polars as pl

from certif.domain import values
from certif.domain.referential.schema import Referential
from certif.domain.rules.engine import RulesEngine, Sheet
from certif.domain.rules.results import CandidateResult

ROWS_SCHEMA: dict[str, Any] = {
    "candidate_id": pl.Int64,
    "sheet_id": pl.Int64,
    "session": pl.String,
    "session_date": pl.Date,
    "version_id": pl.Int64,
    "block": pl.String,
    "part": pl.String,
    "criterion": pl.String,
    "kind": pl.String,
    "stored": pl.Int64,
}


ROWS_PER_SLICE = 100_000


@dataclass(frozen=True, slots=True)
class Decided:
    """A decision ready to store: the full form (for explanations) and the public summary."""

    candidate_id: int
    version_id: int
    certified: bool
    data: str
    summary: str


def _dumps(data: Mapping[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def status_fragment(unit: str, status: str) -> str:
    """The text every stored summary holds where ``unit`` (a block or a part) has ``status``:
    summaries are written here only, compact, each unit's status first. A plain substring test
    on it spares SQLite parsing the JSON of rows that cannot match."""
    return _dumps({unit: {"status": status}})[1:-2]


def decided(candidate_id: int, version_id: int, decision: CandidateResult) -> Decided:
    return Decided(
        candidate_id,
        version_id,
        decision.certified,
        _dumps(decision.to_dict()),
        _dumps(decision.summary()),
    )


Row = tuple[int, int, str, date | None, int, str, str, str | None, str | None, int | None]


def rows_of(frame: pl.DataFrame) -> Iterator[Row]:
    """The table's rows in (candidate, sheet) order, as ``sheets_by_candidate`` reads them."""
    ordered = frame.select(list(ROWS_SCHEMA)).sort("candidate_id", "sheet_id")
    # Column lists zipped, a slice at a time: several times faster than ``iter_rows`` over
    # millions of rows, and only a slice's Python objects alive at once.
    for piece in ordered.iter_slices(ROWS_PER_SLICE):
        columns = (piece[name].to_list() for name in ROWS_SCHEMA)
        yield from cast(Iterator[Row], zip(*columns, strict=True))


def sheets_by_candidate(
    rows: Iterable[Row],
) -> Iterator[tuple[int, tuple[date, str, int] | None, list[Sheet]]]:
    """(candidate, latest (date, session, version), sheets) per candidate, from rows sorted by
    candidate then sheet."""
    current: int | None = None
    current_sheet: int | None = None
    sheets: list[Sheet] = []
    sheet_values: dict[str, values.Value] = {}
    latest: tuple[date, str, int] | None = None
    # Millions of values, few distinct ones (points in hundredths): each decoded once. The
    # values are immutable (Decimal, bool, int), so sheets may share them.
    decode = functools.lru_cache(maxsize=65_536)(values.decode)
    for (
        candidate_id,
        sheet_id,
        session,
        session_date,
        version_id,
        block,
        part,
        code,
        kind,
        stored,
    ) in rows:
        if candidate_id != current:
            if current is not None:
                yield current, latest, sheets
            current, current_sheet, sheets, latest = candidate_id, None, [], None
        if sheet_id != current_sheet:
            current_sheet, sheet_values = sheet_id, {}
            sheets.append(Sheet(session, block, sheet_values, part or None, session_date))
            key = (session_date or date.min, session, version_id)
            if latest is None or key > latest:
                latest = key
        if code is not None and kind is not None and stored is not None:
            sheet_values[code] = decode(kind, stored)
    if current is not None:
        yield current, latest, sheets


class Engines:
    """Compiled rules per référentiel version, built once per batch."""

    def __init__(
        self, documents: Mapping[int, Mapping[str, Any] | RulesEngine], default: int
    ) -> None:
        self._engines = {
            version_id: doc
            if isinstance(doc, RulesEngine)
            else RulesEngine(Referential.model_validate(doc))
            for version_id, doc in documents.items()
        }
        self.default = default

    def __getitem__(self, version_id: int | None) -> tuple[int, RulesEngine]:
        chosen = self.default if version_id is None else version_id
        return chosen, self._engines[chosen]


def decide(
    rows: Iterable[Row], candidate_ids: Iterable[int], engines: Engines, as_of: date | None
) -> list[Decided]:
    """Decide every candidate listed, those without any sheet included.

    ``rows`` come sorted by candidate then sheet (see ``rows_of`` for a table).
    """
    found: dict[int, Decided] = {}
    for candidate_id, latest, sheets in sheets_by_candidate(rows):
        version_id, engine = engines[latest[2] if latest else None]
        fitting = [sheet for sheet in sheets if engine.fits(sheet)]
        found[candidate_id] = decided(
            candidate_id, version_id, engine.evaluate(fitting, as_of=as_of)
        )
    empty: Decided | None = None
    results = []
    for candidate_id in candidate_ids:
        result = found.get(candidate_id)
        if result is None:
            if empty is None:
                version_id, engine = engines[None]
                empty = decided(0, version_id, engine.evaluate([], as_of=as_of))
            result = Decided(
                candidate_id, empty.version_id, empty.certified, empty.data, empty.summary
            )
        results.append(result)
    return results


ROWS_FILE, IDS_FILE, RULES_FILE, OUT_FILE = (
    "rows.arrow",
    "ids.arrow",
    "rules.json",
    "decisions.pickle",
)


def write_job(
    folder: Path, rows: pl.DataFrame | pl.LazyFrame, candidate_ids: Sequence[int], documents: Mapping[int, Any], default: int,
    as_of: date | None,
) -> None:  # fmt: skip
    """Everything a worker needs, as files in ``folder`` (lazy rows stream to theirs)."""
    if isinstance(rows, pl.LazyFrame):
        rows.sink_ipc(folder / ROWS_FILE)
    else:
        rows.write_ipc(folder / ROWS_FILE)
    pl.DataFrame(
        {"candidate_id": list(candidate_ids)}, schema={"candidate_id": pl.Int64}
    ).write_ipc(folder / IDS_FILE)
    rules = {
        "documents": {str(k): v for k, v in documents.items()},
        "default": default,
        "as_of": as_of and as_of.isoformat(),
    }
    (folder / RULES_FILE).write_text(json.dumps(rules), encoding="utf-8")


def run_job(folder: Path) -> int:
    """Worker entry point: read the job in ``folder``, write the decisions there (pickled)."""
    rules = json.loads((folder / RULES_FILE).read_text(encoding="utf-8"))
    documents = {int(k): v for k, v in rules["documents"].items()}
    as_of = date.fromisoformat(rules["as_of"]) if rules["as_of"] else None
    frame = pl.read_ipc(folder / ROWS_FILE)
    candidate_ids: Sequence[int] = pl.read_ipc(folder / IDS_FILE)["candidate_id"].to_list()
    decisions = decide(rows_of(frame), candidate_ids, Engines(documents, rules["default"]), as_of)
    with (folder / OUT_FILE).open("wb") as handle:
        pickle.dump(decisions, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return len(decisions)


def read_decisions(folder: Path) -> list[Decided]:
    with (folder / OUT_FILE).open("rb") as handle:
        decisions: list[Decided] = pickle.load(handle)
    return decisions


if __name__ == "__main__":
    import sys

    # Through the module's own name, so that pickled decisions name certif.results.batch.
    from certif.results.batch import run_job as run

    run(Path(sys.argv[1]))
