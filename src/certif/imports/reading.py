"""Reading CSV and XLSX files into a table of text cells, each row with its line in the file.

Every cell is read as text: parsing and checking values is the importers' job, so
that an error can quote the value exactly as the file holds it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import mmap
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

LINE = "__line"
BOM = b"\xef\xbb\xbf"
# Below this size the csv module reads the file: exact line numbers whatever the quoting.
SMALL_FILE = 2_000_000
MAX_REPORTED = 100


@dataclass(frozen=True)
class Problem:
    line: int | None
    column: str | None
    value: str | None
    message: str

    def describe(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"ligne {self.line}")
        if self.column:
            where.append(f"colonne {self.column}")
        if self.value is not None:
            where.append(f"valeur « {self.value} »")
        return (", ".join(where) + " : " if where else "") + self.message


class FileRejected(Exception):
    """Nothing was written: ``problems`` (the first ones) and ``total`` say why."""

    def __init__(self, problems: Sequence[Problem], total: int | None = None) -> None:
        self.problems = list(problems)
        self.total = total if total is not None else len(self.problems)
        super().__init__(self.describe())

    def describe(self, limit: int = MAX_REPORTED) -> str:
        lines = [problem.describe() for problem in self.problems[:limit]]
        if self.total > limit:
            lines.append(f"… et {self.total - limit} autres erreurs")
        return "\n".join(lines)

    @classmethod
    def from_frame(cls, errors: pl.DataFrame) -> FileRejected:
        ordered = errors.sort(["line", "column"], nulls_last=False)
        problems = [
            Problem(line, column, value, message)
            for line, column, value, message in ordered.head(MAX_REPORTED).iter_rows()
        ]
        return cls(problems, ordered.height)


def _decode(raw: bytes, name: str) -> str:
    try:
        return raw.removeprefix(BOM).decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise FileRejected(
            [Problem(line, None, None, f"{name} n'est pas encodé en UTF-8 (octet invalide)")]
        ) from error


def detect_separator(header: str) -> str:
    return ";" if header.count(";") >= header.count(",") else ","


def _check_header(columns: list[str]) -> None:
    seen: set[str] = set()
    problems = []
    for column in columns:
        if column == "":
            problems.append(Problem(1, None, None, "une colonne n'a pas de nom"))
        elif column in seen:
            problems.append(Problem(1, column, None, "colonne présente deux fois"))
        seen.add(column)
    if problems:
        raise FileRejected(problems)


def _frame(columns: list[str], rows: Iterable[Sequence[str]], lines: Iterable[int]) -> pl.DataFrame:
    data = {column: [] for column in columns}  # type: dict[str, list[str]]
    for row in rows:
        for column, cell in zip(columns, row, strict=True):
            data[column].append(cell)
    frame = pl.DataFrame(data, schema={c: pl.String for c in columns})
    return frame.with_columns(pl.Series(LINE, list(lines), dtype=pl.Int64))


def _read_csv_exactly(text: str, separator: str) -> pl.DataFrame:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        header = [cell.strip().lower() for cell in next(reader)]
    except StopIteration:
        raise FileRejected([Problem(None, None, None, "le fichier est vide")]) from None
    _check_header(header)
    rows: list[list[str]] = []
    lines: list[int] = []
    problems = []
    start = reader.line_num + 1
    for row in reader:
        if not any(cell.strip() for cell in row):
            start = reader.line_num + 1
            continue
        if len(row) != len(header):
            problems.append(
                Problem(
                    start,
                    None,
                    None,
                    f"{len(row)} cellules au lieu de {len(header)} (séparateur « {separator} »)",
                )
            )
        else:
            rows.append(row)
            lines.append(start)
        start = reader.line_num + 1
    if problems:
        raise FileRejected(problems[:MAX_REPORTED], len(problems))
    return _frame(header, rows, lines)


def _read_csv_fast(
    path: Path, separator: str, header: list[str], categorical: Collection[str]
) -> pl.DataFrame | None:
    """polars straight from the file, for big files. None when the exact reader must take over:
    blank lines (it numbers lines as the file does), a cell spanning lines, a malformed row."""
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        if re.search(rb"\n[ \t\r]*\n", data):
            return None
        quoted = data.find(b'"') != -1
    try:
        frame = pl.read_csv(
            path,
            separator=separator,
            new_columns=header,
            infer_schema=False,
            schema_overrides={c: pl.Categorical for c in categorical if c in header},
            empty_string_is_null=False,
            raise_if_empty=True,
        )
    except pl.exceptions.PolarsError:
        return None
    texts = [c for c in header if frame.schema[c] == pl.String]
    if (
        quoted
        and frame.select(
            pl.any_horizontal(pl.col(c).str.contains("\n", literal=True) for c in texts).any()
        ).item()
    ):
        return None
    return frame.with_columns(pl.int_range(2, pl.len() + 2, dtype=pl.Int64).alias(LINE))


def read_csv(path: Path, categorical: Collection[str] = ()) -> pl.DataFrame:
    with path.open("rb") as handle:
        start = handle.read(65536).removeprefix(BOM)
    if not start.strip():
        raise FileRejected([Problem(None, None, None, "le fichier est vide")])
    first_line = start.split(b"\n", 1)[0].decode("utf-8", errors="replace")
    separator = detect_separator(first_line)
    if path.stat().st_size > SMALL_FILE:
        header = [
            cell.strip().lower() for cell in next(csv.reader([first_line], delimiter=separator))
        ]
        _check_header(header)
        frame = _read_csv_fast(path, separator, header, categorical)
        if frame is not None:
            return frame
    return _read_csv_exactly(_decode(path.read_bytes(), path.name), separator)


def cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a person would type."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        # The shortest text that reads back as this float: 2.5, not 2.4999999999.
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    if isinstance(value, int | Decimal):
        return str(value)
    return str(value).strip()


def read_xlsx(path: Path) -> pl.DataFrame:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise FileRejected(
            [Problem(None, None, None, f"classeur XLSX illisible : {error}")]
        ) from error
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header_row = next(rows, None)
        if header_row is None:
            raise FileRejected([Problem(None, None, None, "le classeur est vide")])
        header = [cell_text(cell).lower() for cell in header_row]
        while header and header[-1] == "":
            header.pop()
        _check_header(header)
        data: list[list[str]] = []
        lines: list[int] = []
        for number, row in enumerate(rows, start=2):
            cells = [cell_text(cell) for cell in row[: len(header)]]
            cells += [""] * (len(header) - len(cells))
            extra = [cell_text(cell) for cell in row[len(header) :]]
            if any(extra):
                raise FileRejected(
                    [Problem(number, None, None, "cellule hors des colonnes nommées")]
                )
            if any(cells):
                data.append(cells)
                lines.append(number)
    finally:
        workbook.close()
    return _frame(header, data, lines)


def _stripped(frame: pl.DataFrame, categorical: Collection[str]) -> pl.DataFrame:
    """Cells without surrounding spaces; repeated values as categories (a few bytes a row)."""
    texts = [c for c in frame.columns if c != LINE and c not in categorical]
    frame = frame.with_columns(pl.col(c).str.strip_chars() for c in texts)
    for column in (c for c in categorical if c in frame.columns):
        values = frame[column].unique().drop_nulls().cast(pl.String)
        text = pl.col(column).cast(pl.String)
        stripped = text.str.strip_chars() if (values.str.strip_chars() != values).any() else text
        frame = frame.with_columns(stripped.fill_null("").cast(pl.Categorical))
    return frame


def read_table(path: str | Path, categorical: Collection[str] = ()) -> pl.DataFrame:
    """The file's rows as text, with a ``__line`` column; raise ``FileRejected`` if unreadable.

    Columns named in ``categorical`` (few distinct values over many rows) are stored as
    categories, which keeps a file of millions of rows small in memory.
    """
    file = Path(path)
    if not file.is_file():
        raise FileRejected([Problem(None, None, None, f"fichier introuvable : {file}")])
    suffix = file.suffix.lower()
    if suffix == ".xlsx":
        frame = read_xlsx(file)
    elif suffix in (".csv", ".txt"):
        frame = read_csv(file, categorical)
    else:
        raise FileRejected(
            [Problem(None, None, None, f"format non reconnu « {suffix} » : attendu .csv ou .xlsx")]
        )
    return _stripped(frame, categorical)
