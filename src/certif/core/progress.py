"""Progress of long work: a bar on a terminal, nothing otherwise.

Services report through the ``Reporter`` protocol; the command line chooses a
rich progress bar when its output is a terminal and ``Silent`` when it is not.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Protocol

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)


class Reporter(Protocol):
    def phase(self, description: str, total: int | None = None) -> None: ...

    def advance(self, amount: int = 1) -> None: ...


class Silent:
    def phase(self, description: str, total: int | None = None) -> None:
        return None

    def advance(self, amount: int = 1) -> None:
        return None


class Bar:
    """One bar per phase, on stderr, so that stdout stays clean for the command's own output."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._task: TaskID | None = None

    def phase(self, description: str, total: int | None = None) -> None:
        if self._task is not None:
            task = self._progress.tasks[self._task]
            if task.total is None:
                self._progress.update(
                    self._task, total=task.completed or 1, completed=task.completed or 1
                )
            else:
                self._progress.update(self._task, completed=task.total)
        self._task = self._progress.add_task(description, total=total)

    def advance(self, amount: int = 1) -> None:
        if self._task is not None:
            self._progress.advance(self._task, amount)


@contextmanager
def reporter_for(stream: IO[str] | None = None) -> Iterator[Reporter]:
    """A bar when ``stream`` (stderr by default) is a terminal, else silence."""
    out = stream if stream is not None else sys.stderr
    if not out.isatty():
        yield Silent()
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    from rich.console import Console

    with Progress(*columns, console=Console(file=out), transient=False) as progress:
        bar = Bar(progress)
        yield bar
        bar.phase("terminé", 1)
        bar.advance(1)
