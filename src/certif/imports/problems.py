"""What a refused file is refused for: problems naming a line, a column and (the start of) a value.

Kept apart from ``reading`` so that the readers' building blocks (``encoding``, ``csv_limits``,
``xlsx_bounds``, ``cells``) can raise them while ``reading`` calls those blocks.

Every value a message quotes goes through ``certif.core.text.quoted`` (at most 80 characters,
invisible characters shown as ``\\uXXXX``): a problem never echoes a 600 MB cell back to a
terminal, a page or an API client.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from certif.core.text import quoted

LINE = "__line"
MAX_REPORTED = 100


@dataclass(frozen=True)
class Problem:
    line: int | None
    column: str | None
    value: str | None  # already as ``quoted`` shows it
    message: str

    def describe(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"ligne {self.line}")
        if self.column:
            # A column name comes from the file's header: as bounded as any value.
            where.append(f"colonne {quoted(self.column)}")
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
        """The errors of the set-wise checks (``line``, ``column``, ``value``, ``message``), the
        first ones in line order; each value quoted (the frame holds the cells as they are)."""
        ordered = errors.sort(["line", "column"], nulls_last=False)
        problems = [
            Problem(line, column, None if value is None else quoted(value), message)
            for line, column, value, message in ordered.head(MAX_REPORTED).iter_rows()
        ]
        return cls(problems, ordered.height)
