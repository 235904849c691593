"""Set-based checks over a table of text cells: each returns the errors it finds as a frame.

An error frame has the columns ``line``, ``column``, ``value``, ``message``; the
importers concatenate them and refuse the file if any is not empty.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

import polars as pl

from certif.imports.cells import forbidden_character_problems
from certif.imports.problems import LINE, FileRejected, Problem

ERROR_SCHEMA = {"line": pl.Int64, "column": pl.String, "value": pl.String, "message": pl.String}


def no_errors() -> pl.DataFrame:
    return pl.DataFrame(schema=ERROR_SCHEMA)


def errors_where(
    frame: pl.DataFrame, condition: pl.Expr, column: str, message: str | pl.Expr
) -> pl.DataFrame:
    """One error per row where ``condition`` holds, quoting that row's ``column``."""
    text = pl.lit(message) if isinstance(message, str) else message
    return frame.filter(condition).select(
        pl.col(LINE).alias("line"),
        pl.lit(column).alias("column"),
        pl.col(column).cast(pl.String).alias("value"),
        text.cast(pl.String).alias("message"),
    )


def check_columns(frame: pl.DataFrame, required: Sequence[str], optional: Sequence[str]) -> None:
    """The header: every required column present, no unknown column (refused at once)."""
    present = [c for c in frame.columns if c != LINE]
    known = set(required) | set(optional)
    problems = [
        Problem(
            1,
            column,
            None,
            f"colonne obligatoire absente (colonnes attendues : {', '.join(required)})",
        )
        for column in required
        if column not in present
    ]
    problems += [
        Problem(
            1,
            column,
            None,
            f"colonne inconnue (colonnes admises : {', '.join([*required, *optional])})",
        )
        for column in present
        if column not in known
    ]
    if problems:
        raise FileRejected(problems)


def refuse_forbidden_characters(
    frame: pl.DataFrame, single_line: Collection[str], multiline: Collection[str] = ()
) -> None:
    """Refuse the file at once if a cell holds a character no text field may hold (control
    characters, see ``certif.core.text``): the model would refuse it, and PostgreSQL refuses a
    NUL outright. Each problem names the line, the column and the value as ``quoted`` shows it."""
    problems, total = forbidden_character_problems(frame, single_line, multiline)
    if problems:
        raise FileRejected(problems, total)


def with_optional_columns(frame: pl.DataFrame, optional: Iterable[str]) -> pl.DataFrame:
    missing = [c for c in optional if c not in frame.columns]
    return frame.with_columns(pl.lit("").alias(c) for c in missing)


def required_values(frame: pl.DataFrame, columns: Iterable[str]) -> list[pl.DataFrame]:
    return [
        errors_where(frame, pl.col(c) == "", c, "valeur obligatoire manquante") for c in columns
    ]


def too_long(frame: pl.DataFrame, column: str, limit: int) -> pl.DataFrame:
    return errors_where(
        frame,
        pl.col(column).str.len_chars() > limit,
        column,
        f"trop long : {limit} caractères au plus (registre national)",
    )


def duplicates(frame: pl.DataFrame, key: Sequence[str], column: str, what: str) -> pl.DataFrame:
    """Every repetition of a key after its first line, naming that first line."""
    marked = frame.with_columns(pl.col(LINE).min().over(key).alias("_first_line"))
    return errors_where(
        marked,
        pl.col(LINE) != pl.col("_first_line"),
        column,
        pl.format(f"{what} en double (déjà ligne {{}})", pl.col("_first_line")),
    )


def raise_if_any(errors: Sequence[pl.DataFrame]) -> None:
    found = (
        pl.concat([e for e in errors if e.height], how="vertical")
        if any(e.height for e in errors)
        else None
    )
    if found is not None:
        raise FileRejected.from_frame(found)


def attach(frame: pl.DataFrame, table: pl.DataFrame, on: str | list[str]) -> pl.DataFrame:
    """Add ``table``'s other columns to ``frame`` by a left join on ``on`` (unique in ``table``).

    Only the key columns go through the join, so a frame of millions of rows is never
    copied whole: the new columns are attached to it as they are.
    """
    keys = [on] if isinstance(on, str) else on
    found = frame.select(keys).join(table, on=keys, how="left", maintain_order="left")
    return frame.with_columns(found.drop(keys))
