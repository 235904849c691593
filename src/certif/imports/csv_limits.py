"""How long a CSV cell may be, and a CSV reader that says so in French.

Python's ``csv`` module stops at a field longer than ``csv.field_size_limit()`` (131,072
characters unless changed) with ``_csv.Error: field larger than field limit (131072)``, and
polars reads any length. Certif takes **32,767 characters per cell**, Excel's own maximum: a
longer cell cannot come from a spreadsheet, and no field of a certification's data comes
near it. The limit is below the csv module's, so the module's own error only shows for cells
four times over it; both read as the same problem.

``read_rows`` wraps ``csv.reader`` for the importers' exact path: it yields each record with
the line it starts on, and turns an oversize cell or a malformed file into ``FileRejected``
naming the line (and the column, when the header is known). ``oversize_cells`` does the same
check on a frame read by polars (the fast path).

The process-wide ``csv.field_size_limit`` is left alone: changing it would change every other
reader in the process, and the check here needs no change.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Sequence

import polars as pl

from certif.core.text import quoted
from certif.imports.problems import LINE, MAX_REPORTED, FileRejected, Problem

MAX_CELL_CHARS = 32_767  # Excel's limit for the text of one cell


def _grouped(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")


def oversize_message(length: int, limit: int = MAX_CELL_CHARS) -> str:
    return f"cellule de {_grouped(length)} caractères (au plus {_grouped(limit)}, comme Excel)"


def _csv_error(error: csv.Error, line: int, limit: int) -> Problem:
    """A French problem for what the csv module refuses: an oversize field (its length is
    not known, only that it passed the module's limit), or anything else (quoted briefly)."""
    text = str(error)
    if "field larger than field limit" in text:
        beyond = csv.field_size_limit()
        return Problem(
            line,
            None,
            None,
            f"cellule de plus de {_grouped(beyond)} caractères (au plus {_grouped(limit)}, "
            "comme Excel) ; un guillemet jamais refermé en est la cause la plus fréquente",
        )
    return Problem(line, None, None, f"ligne CSV illisible ({quoted(text, 60)})")


def read_rows(
    lines: Iterable[str],
    separator: str,
    header: Sequence[str] | None = None,
    limit: int = MAX_CELL_CHARS,
) -> Iterator[tuple[int, list[str]]]:
    """Each CSV record of ``lines`` (a text stream opened with ``newline=""``, or a list of
    lines) with the line number it starts on, from 1.

    Raises ``FileRejected`` at the first cell longer than ``limit`` characters (naming the
    line, the column from ``header`` when given, and the start of the value) and at anything
    else the csv module refuses.
    """
    reader = csv.reader(lines, delimiter=separator)
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise FileRejected([_csv_error(error, start, limit)]) from None
        for index, cell in enumerate(row):
            if len(cell) > limit:
                column = header[index] if header is not None and index < len(header) else None
                raise FileRejected(
                    [Problem(start, column, quoted(cell), oversize_message(len(cell), limit))]
                )
        yield start, row
        start = reader.line_num + 1


def oversize_field(
    text: str, separator: str, line: int, limit: int = MAX_CELL_CHARS
) -> tuple[int, str] | None:
    """The first field longer than ``limit`` in the record starting on ``line`` (from 1) of
    ``text``: its index and its value (unquoted), or None.

    For a refusal the csv module gave without saying which field (a field over its own limit):
    a small tokenizer over that one record, with ``str.find`` and one linear regex, so that
    the message can name the column.
    """
    position = 0
    for _ in range(line - 1):
        position = text.find("\n", position) + 1
        if position == 0:
            return None
    quoted_field = re.compile(r'"((?:[^"]|"")*)"?', re.DOTALL)
    index = 0
    while position <= len(text):
        if text.startswith('"', position):
            found = quoted_field.match(text, position)
            assert found is not None  # the pattern matches any text that starts with a quote
            value = found.group(1).replace('""', '"')
            position = found.end()
            # What follows the closing quote up to the separator belongs to the field too.
            ends = [
                i for i in (text.find(separator, position), text.find("\n", position)) if i >= 0
            ]
            end = min(ends) if ends else len(text)
            value += text[position:end].rstrip("\r")
        else:
            ends = [
                i for i in (text.find(separator, position), text.find("\n", position)) if i >= 0
            ]
            end = min(ends) if ends else len(text)
            value = text[position:end].rstrip("\r")
        if len(value) > limit:
            return index, value
        if end >= len(text) or text[end] == "\n":
            return None
        position, index = end + 1, index + 1
    return None


def oversize_cells(
    frame: pl.DataFrame, limit: int = MAX_CELL_CHARS, reported: int = MAX_REPORTED
) -> tuple[list[Problem], int]:
    """Cells of ``frame`` (with its ``__line`` column) longer than ``limit`` characters: the
    first ``reported`` problems in line order, and their total."""
    problems: list[Problem] = []
    total = 0
    texts = [
        c for c in frame.columns if c != LINE and frame.schema[c] in (pl.String, pl.Categorical)
    ]
    for column in texts:
        text = pl.col(column).cast(pl.String)
        # The start of each value and its length only: a cell of hundreds of megabytes is
        # never turned into a Python string to be quoted (polars filters its strings as views).
        found = (
            frame.select(LINE, text.alias("value"), text.str.len_chars().alias("length"))
            .filter(pl.col("length") > limit)
            .select(LINE, pl.col("value").str.slice(0, 100).alias("start"), "length")
        )
        total += found.height
        for line, start, length in found.head(reported).iter_rows():
            problems.append(
                Problem(line, column, quoted(start, length=length), oversize_message(length, limit))
            )
    problems.sort(key=lambda problem: (problem.line or 0, problem.column or ""))
    return problems[:reported], total
