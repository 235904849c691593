"""The journal as a file: every entry a filter keeps, newest first, one row each, in words
(CSV for any size, XLSX within a workbook's rows)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
from django.utils import timezone
from django.utils.translation import gettext as _

from certif.core.progress import Reporter, Silent
from certif.imports.exports import write_frame
from certif.journal.entries import (
    SCORE_CHANGED,
    Change,
    Cursor,
    Entry,
    JournalQuery,
    journal_page,
    recorded_events,
    score_changes,
)

# Entries read per page while writing: memory stays flat whatever the journal's size.
BATCH = 2000


def entries_of(query: JournalQuery, reporter: Reporter | None = None) -> Iterator[Entry]:
    """Every entry the query keeps, newest first, page after page."""
    reporter = reporter or Silent()
    cursor: Cursor | None = None
    while True:
        page = journal_page(query, cursor, size=BATCH)
        yield from page.entries
        reporter.advance(len(page.entries))
        if page.next_cursor is None:
            return
        cursor = Cursor.decode(page.next_cursor)


def counted(query: JournalQuery) -> int:
    """How many entries the query keeps (for the progress of an export)."""
    total = 0
    if query.action in ("", SCORE_CHANGED):
        total += score_changes(query).count()
    if query.action != SCORE_CHANGED:
        total += recorded_events(query).count()
    return total


def _changes_text(changes: list[Change]) -> str:
    return " ; ".join(
        f"{change.name} : {change.before} → {change.after}"
        if change.before is not None
        else f"{change.name} : {change.after}"
        for change in changes
    )


def journal_frame(query: JournalQuery, reporter: Reporter | None = None) -> pl.DataFrame:
    """The entries as a table with French (or the active language's) column names."""
    columns = [
        _("Date"),
        _("Auteur"),
        _("Action"),
        _("Objet"),
        _("Modifications"),
        _("Origine"),
        _("Motif"),
    ]
    rows = [
        (
            timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
            entry.actor,
            entry.action_label,
            entry.subject.label,
            _changes_text(entry.changes),
            entry.source,
            entry.reason,
        )
        for entry in entries_of(query, reporter)
    ]
    return pl.DataFrame(rows, schema=[(name, pl.String) for name in columns], orient="row")


def export_journal(query: JournalQuery, path: Path, reporter: Reporter | None = None) -> int:
    """Write the query's entries to ``path`` (.csv or .xlsx); the number of rows written."""
    reporter = reporter or Silent()
    reporter.phase(_("Lecture du journal"), counted(query))
    frame = journal_frame(query, reporter)
    reporter.phase(_("Écriture du fichier"), None)
    write_frame(frame, path)
    return frame.height
