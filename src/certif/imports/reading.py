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

from certif.core.text import quoted
from certif.imports.cells import restore_frame
from certif.imports.csv_limits import (
    MAX_CELL_CHARS,
    oversize_cells,
    oversize_field,
    oversize_message,
    read_rows,
)
from certif.imports.encoding import utf8_source
from certif.imports.problems import LINE, MAX_REPORTED, FileRejected, Problem
from certif.imports.xlsx_bounds import DEFAULT_LIMITS, ensure_xlsx_within_bounds

__all__ = ["LINE", "MAX_REPORTED", "FileRejected", "Problem", "Table", "read_file", "read_table"]

BOM = b"\xef\xbb\xbf"
# Below this size the csv module reads the file: exact line numbers whatever the quoting.
SMALL_FILE = 2_000_000
XLSX = "XLSX"
# What all the cells of a workbook may hold together, in characters: far above what a
# certification's file holds (a million rows of short cells), far below what would exhaust a
# worker. ``xlsx_bounds`` refuses a file beyond it before parsing (a shared string counted at
# each use); counted again here on what openpyxl gives, should the two readings ever differ.
XLSX_TEXT_CHARS = DEFAULT_LIMITS.text_chars
SEPARATORS = (";", ",", "\t")


@dataclass(frozen=True)
class Table:
    """A file's rows as text (with the ``__line`` column), and how its text was encoded
    (« UTF-8 », « UTF-8 avec BOM », « UTF-16 », « Windows-1252 », or « XLSX »)."""

    frame: pl.DataFrame
    encoding: str


def detect_separator(header: str) -> str:
    """The separator of a header line: « ; » (Excel's in France) unless another is more frequent,
    « , » then tabulation (Excel's « Texte Unicode », in UTF-16)."""
    counts = {separator: header.count(separator) for separator in SEPARATORS}
    return max(SEPARATORS, key=lambda separator: (counts[separator], -SEPARATORS.index(separator)))


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
    # Filled once the header is read: an oversize cell further down is named by its column.
    header: list[str] = []
    records = read_rows(io.StringIO(text, newline=""), separator, header)
    first = next(records, None)
    if first is None:
        raise FileRejected([Problem(None, None, None, "le fichier est vide")])
    header.extend(cell.strip().lower() for cell in first[1])
    _check_header(header)
    rows: list[list[str]] = []
    lines: list[int] = []
    problems = []
    try:
        for start, row in records:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                shown = "tabulation" if separator == "\t" else separator
                problems.append(
                    Problem(
                        start,
                        None,
                        None,
                        f"{len(row)} cellules au lieu de {len(header)} (séparateur « {shown} »)",
                    )
                )
            else:
                rows.append(row)
                lines.append(start)
    except FileRejected as rejected:
        raise _naming_the_column(rejected, text, separator, header) from None
    if problems:
        raise FileRejected(problems[:MAX_REPORTED], len(problems))
    return _frame(header, rows, lines)


def _naming_the_column(
    rejected: FileRejected, text: str, separator: str, header: list[str]
) -> FileRejected:
    """The csv module refuses a field over its own limit without saying which: find it."""
    if len(rejected.problems) != 1:
        return rejected
    (problem,) = rejected.problems
    if problem.column is not None or problem.line is None:
        return rejected
    found = oversize_field(text, separator, problem.line)
    if found is None:
        return rejected
    index, value = found
    column = header[index] if index < len(header) else None
    return FileRejected(
        [Problem(problem.line, column, quoted(value), oversize_message(len(value)))]
    )


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


CHUNK = 1 << 20


def _refuse_overlong_lines(path: Path, separator: str, header: list[str]) -> None:
    """Before polars reads a big file whole: no line may be longer than its cells could be
    (each at most ``MAX_CELL_CHARS`` characters of 4 bytes), or a single cell of hundreds of
    megabytes would cost gigabytes to read before being refused. A streaming pass at C speed
    (``bytes.find``), a megabyte at a time; the refusal names the line and, from the line's
    start, the column."""
    threshold = max(len(header) * (4 * MAX_CELL_CHARS + 3), CHUNK)
    run = 0  # bytes since the last line feed
    lines = 0  # line feeds before the current chunk
    start = 0  # offset of the current line
    offset = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            first = chunk.find(b"\n")
            if first < 0:
                run += len(chunk)
            else:
                run += first
            if run > threshold:
                _overlong(handle, start, lines + 1, separator, header)
            if first >= 0:
                lines += chunk.count(b"\n")
                last = chunk.rfind(b"\n")
                start = offset + last + 1
                run = len(chunk) - last - 1
            offset += len(chunk)


def _overlong(handle: Any, start: int, line: int, separator: str, header: list[str]) -> None:
    handle.seek(start)
    window = handle.read(len(header) * (4 * MAX_CELL_CHARS + 3) + 4 * MAX_CELL_CHARS)
    text = window.decode("utf-8", errors="replace").removeprefix("\ufeff")
    found = oversize_field(text, separator, 1)
    column, value = (None, text) if found is None else found
    name = header[column] if column is not None and column < len(header) else None
    raise FileRejected(
        [
            Problem(
                line,
                name,
                quoted(value[:79]) + "…",
                f"cellule de plus de {_grouped(MAX_CELL_CHARS)} caractères (la limite d'Excel) ;"
                " un guillemet jamais refermé en est la cause la plus fréquente",
            )
        ]
    )


def _read_utf8_csv(path: Path, categorical: Collection[str]) -> pl.DataFrame:
    """A CSV file already in UTF-8 (``encoding.utf8_source`` sees to it)."""
    with path.open("rb") as handle:
        start = handle.read(65536).removeprefix(BOM)
    if not start.strip():
        raise FileRejected([Problem(None, None, None, "le fichier est vide")])
    first_line = start.split(b"\n", 1)[0].decode("utf-8", errors="replace")
    separator = detect_separator(first_line)
    if path.stat().st_size > SMALL_FILE:
        try:
            header = [
                cell.strip().lower() for cell in next(csv.reader([first_line], delimiter=separator))
            ]
        except csv.Error:
            header = []
        # Whichever reader follows reads the whole file: no line may be longer than its cells
        # could be, the header's included (counted from its first 64 KiB if it has no name).
        names = header or [""] * (first_line.count(separator) + 1)
        _refuse_overlong_lines(path, separator, names)
        if header and max(map(len, header)) <= MAX_CELL_CHARS:
            _check_header(header)
            frame = _read_csv_fast(path, separator, header, categorical)
            if frame is not None:
                problems, total = oversize_cells(frame)
                if problems:
                    raise FileRejected(problems, total)
                return frame
    return _read_csv_exactly(path.read_bytes().removeprefix(BOM).decode("utf-8"), separator)


def read_csv(path: Path, categorical: Collection[str] = ()) -> Table:
    """A CSV file in UTF-8 (with or without BOM), UTF-16 with its BOM or Windows-1252; refused
    in French, naming the line, if it is none of them or holds a control character."""
    # A NUL refuses the whole file (binary, or UTF-16 without its mark); other control
    # characters are refused by the importers, naming their line and column.
    with utf8_source(path, binary_only=True) as (source, encoding):
        return Table(_read_utf8_csv(source, categorical), encoding)


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


def _grouped(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")


def _damaged(error: BaseException) -> FileRejected:
    detail = quoted(str(error) or type(error).__name__, 60)
    return FileRejected([Problem(None, None, None, f"classeur XLSX illisible ({detail})")])


def read_xlsx(path: Path) -> pl.DataFrame:
    """The first worksheet, once ``xlsx_bounds`` has found the file within an import's limits:
    nothing hostile reaches openpyxl (see that module)."""
    ensure_xlsx_within_bounds(path)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise _damaged(error) from error
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
        characters = 0
        for number, row in enumerate(rows, start=2):
            cells = [cell_text(cell) for cell in row[: len(header)]]
            cells += [""] * (len(header) - len(cells))
            extra = [cell_text(cell) for cell in row[len(header) :]]
            if any(extra):
                raise FileRejected(
                    [Problem(number, None, None, "cellule hors des colonnes nommées")]
                )
            if any(cells):
                characters += sum(map(len, cells))
                if characters > XLSX_TEXT_CHARS:
                    raise FileRejected(
                        [
                            Problem(
                                number,
                                None,
                                None,
                                f"le classeur contient plus de {_grouped(XLSX_TEXT_CHARS)} "
                                "caractères : trop pour un import",
                            )
                        ]
                    )
                data.append(cells)
                lines.append(number)
    except FileRejected:
        raise
    except Exception as error:  # a damage the bounds do not look for: a refusal all the same
        raise _damaged(error) from error
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


def read_file(path: str | Path, categorical: Collection[str] = ()) -> Table:
    """The file's rows as text, with a ``__line`` column, and its encoding; raise
    ``FileRejected`` if unreadable.

    Columns named in ``categorical`` (few distinct values over many rows) are stored as
    categories, which keeps a file of millions of rows small in memory. A cell an export
    neutralised (``'=…``, see ``certif.imports.cells``) reads as the value exported.
    """
    file = Path(path)
    if not file.is_file():
        raise FileRejected(
            [Problem(None, None, None, f"fichier introuvable : {quoted(str(file))}")]
        )
    suffix = file.suffix.lower()
    if suffix == ".xlsx":
        table = Table(read_xlsx(file), XLSX)
    elif suffix in (".csv", ".txt"):
        table = read_csv(file, categorical)
    else:
        raise FileRejected(
            [
                Problem(
                    None,
                    None,
                    None,
                    f"format non reconnu « {quoted(suffix, 20)} » : attendu .csv ou .xlsx",
                )
            ]
        )
    frame = restore_frame(
        _stripped(table.frame, categorical), [c for c in table.frame.columns if c != LINE]
    )
    return Table(frame, table.encoding)


def read_table(path: str | Path, categorical: Collection[str] = ()) -> pl.DataFrame:
    """``read_file``'s rows, for a caller that does not report the encoding."""
    return read_file(path, categorical).frame
