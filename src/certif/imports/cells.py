"""What a cell's text may be on its way out (exports) and on its way in (imports).

**Formula neutralisation** (OWASP « CSV injection »). A spreadsheet opening a CSV file takes
a cell that starts with ``=``, ``+``, ``-`` or ``@`` for a formula, and a formula can open a
link, read other cells or, in old Excel, run a command (``+cmd|' /C calc'!A0``); a leading TAB
or CR hides such a start from a naive check. An export therefore writes any text cell starting
with one of these characters with a leading apostrophe, which every spreadsheet shows as text.

Decisions:

- the full-width forms ``＝ ＋ － ＠`` (U+FF1D, U+FF0B, U+FF0D, U+FF20) are treated like their
  ASCII forms: an Asian-language input method types them, and some spreadsheets normalise them
  to ASCII when a cell is edited. Text starting with them is rare in a French certification:
  an apostrophe there costs nothing;
- a text that is a plain decimal number (``-12``, ``-12,5``, ``+3.5e2``) is left alone: it is
  a number to the spreadsheet, not a formula, and an apostrophe would turn it into text.
  ``-1+1`` is not a plain number, and is neutralised;
- the apostrophe is added after any apostrophes the text already starts with are counted:
  ``'=x`` (a text that really starts with an apostrophe) is written ``''=x``. That is what makes
  ``restore`` exact: Certif's importers read Certif's exports back to the same values.

``neutralise``/``restore`` work on one text, ``neutralise_frame``/``restore_frame`` on the
text columns of a polars frame (vectorised). XLSX exports should rather write text as explicit
text cells (``xlsx_text_cell``): openpyxl otherwise writes a text starting with ``=`` as a
formula, and an explicit text cell needs no apostrophe.

**Forbidden characters in imported cells**: ``forbidden_character_problems`` applies the rule
of ``certif.core.text`` to the text columns of an imported frame at polars speed, and names
the first offending cells.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING, Any

import polars as pl

from certif.core.text import check_multiline, check_single_line, quoted
from certif.imports.problems import LINE, MAX_REPORTED, Problem

if TYPE_CHECKING:
    from openpyxl.cell import Cell

TRIGGERS = "=+-@\t\r\uff1d\uff0b\uff0d\uff20"
APOSTROPHE = "'"

# A plain decimal number, with a point or a comma (French), an optional sign and exponent.
_NUMBER = r"[+\-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][+\-]?[0-9]+)?"
_NUMBER_RE = re.compile(_NUMBER)
_TRIGGER_CLASS = "[=+\\-@\\t\\r\uff1d\uff0b\uff0d\uff20]"
# polars (the Rust regex crate) has no look-around: two tests, combined in ``_needs``.
_STARTS_WITH_TRIGGER = f"^'*{_TRIGGER_CLASS}"
_IS_NUMBER_AFTER_APOSTROPHES = f"^'*{_NUMBER}$"


def needs_neutralising(text: str) -> bool:
    """True when ``text``, apostrophes at its start aside, starts like a formula and is not a
    plain number."""
    body = text.lstrip(APOSTROPHE)
    return bool(body) and body[0] in TRIGGERS and _NUMBER_RE.fullmatch(body) is None


def neutralise(text: str) -> str:
    """``text`` as an export writes it: with a leading apostrophe when it could be a formula."""
    return APOSTROPHE + text if needs_neutralising(text) else text


def restore(text: str) -> str:
    """The inverse of ``neutralise``: what an importer reads a cell as.

    ``restore(neutralise(t)) == t`` for every text ``t``. A cell typed by hand as ``'=x`` reads
    as ``=x``, which is also what the spreadsheet shows for it.
    """
    if text.startswith(APOSTROPHE) and needs_neutralising(text):
        return text[1:]
    return text


def _needs(column: pl.Expr) -> pl.Expr:
    return column.str.contains(_STARTS_WITH_TRIGGER) & ~column.str.contains(
        _IS_NUMBER_AFTER_APOSTROPHES
    )


def _text_columns(frame: pl.DataFrame, columns: Iterable[str] | None) -> list[str]:
    names = frame.columns if columns is None else [c for c in columns if c in frame.columns]
    return [c for c in names if frame.schema[c] in (pl.String, pl.Categorical)]


def _apply(frame: pl.DataFrame, columns: Iterable[str] | None, restoring: bool) -> pl.DataFrame:
    expressions = []
    for name in _text_columns(frame, columns):
        text = pl.col(name).cast(pl.String)
        if restoring:
            changed = text.str.starts_with(APOSTROPHE) & _needs(text)
            value = pl.when(changed).then(text.str.slice(1)).otherwise(text)
        else:
            value = pl.when(_needs(text)).then(pl.lit(APOSTROPHE) + text).otherwise(text)
        expressions.append(value.cast(frame.schema[name]).alias(name))
    return frame.with_columns(expressions) if expressions else frame


def neutralise_frame(frame: pl.DataFrame, columns: Iterable[str] | None = None) -> pl.DataFrame:
    """``neutralise`` applied to the text columns (String, Categorical) of ``frame``, or to
    those of ``columns``; numbers, dates and other types are untouched."""
    return _apply(frame, columns, restoring=False)


def restore_frame(frame: pl.DataFrame, columns: Iterable[str] | None = None) -> pl.DataFrame:
    """``restore`` applied to the text columns of an imported ``frame`` (all, or ``columns``)."""
    return _apply(frame, columns, restoring=True)


def xlsx_text_cell(sheet: Any, value: str) -> Cell:
    """A cell for openpyxl's write-only sheets that holds ``value`` as text, never a formula.

    openpyxl writes a string starting with ``=`` as a formula; an explicit text cell is shown
    and read back as the text itself, so it needs no apostrophe.
    """
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


# The rule of certif.core.text for the Rust regex crate: polars strings are valid UTF-8, so
# there are no lone surrogates to look for.
_NONCHARACTERS = "\\x{FDD0}-\\x{FDEF}" + "".join(
    f"\\x{{{plane:X}FFFE}}\\x{{{plane:X}FFFF}}" if plane else "\\x{FFFE}\\x{FFFF}"
    for plane in range(17)
)
_FORBIDDEN_SINGLE_LINE = f"[\\x00-\\x1F\\x7F-\\x{{9F}}\\x{{2028}}\\x{{2029}}{_NONCHARACTERS}]"
_FORBIDDEN_MULTILINE = (
    f"[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F-\\x{{9F}}{_NONCHARACTERS}]|\\r(?:[^\\n]|$)"
)


def forbidden_character_problems(
    frame: pl.DataFrame,
    single_line: Collection[str],
    multiline: Collection[str] = (),
    limit: int = MAX_REPORTED,
) -> tuple[list[Problem], int]:
    """Cells of ``frame`` holding a character ``certif.core.text`` refuses: the first
    ``limit`` problems (line, column, quoted value, message) in line order, and their total.

    ``frame`` is what ``reading.read_table`` returns (its ``__line`` column names the line);
    the search runs in polars, the message comes from ``check_single_line`` or
    ``check_multiline``.
    """
    problems: list[Problem] = []
    total = 0
    checks = [(c, True) for c in single_line] + [(c, False) for c in multiline]
    for column, one_line in checks:
        if column not in frame.columns:
            continue
        pattern = _FORBIDDEN_SINGLE_LINE if one_line else _FORBIDDEN_MULTILINE
        found = frame.select(LINE, pl.col(column).cast(pl.String)).filter(
            pl.col(column).str.contains(pattern)
        )
        total += found.height
        for line, value in found.head(limit).iter_rows():
            try:
                (check_single_line if one_line else check_multiline)(value)
            except ValueError as error:
                problems.append(Problem(line, column, quoted(value), str(error)))
    problems.sort(key=lambda problem: (problem.line or 0, problem.column or ""))
    return problems[:limit], total
