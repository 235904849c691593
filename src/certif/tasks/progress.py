"""A running job's progress, written to its row for the page that polls it.

``JobReporter`` speaks ``certif.core.progress.Reporter`` (``phase``, ``advance``): the services
that already report to a terminal bar report to a job unchanged. A service may advance
100,000 times; the row is written at most every ``interval`` (0.5 s), from the latest state.

While the service holds a transaction open (an import writes all or nothing), a write on its
connection would be invisible until the commit and undone by a rollback: the reporter then
leaves the state pending, and the ``Heartbeat`` thread writes it from its own connection,
once a second. The heartbeat also proves the worker alive (``Job.is_stale``) during long
silent steps. On SQLite, which has a single writer, the heartbeat waits for the service's
commit: the bar then pauses and jumps.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import datetime

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.utils import timezone

from certif.tasks.models import Job, JobStatus

logger = logging.getLogger(__name__)

WRITE_INTERVAL = 0.5
# The heartbeat thread looks every second for pending progress, and writes a sign of life at
# least every HEARTBEAT_EVERY seconds (far below WORKER_STALE_AFTER).
TICK = 1.0
HEARTBEAT_EVERY = 10.0

# Whether running jobs start a heartbeat thread: always in a worker; tests that run jobs in
# their own thread and transaction turn it off (a second connection would not see their rows).
heartbeat_enabled: ContextVar[bool] = ContextVar("heartbeat_enabled", default=True)


@dataclass(frozen=True)
class ProgressState:
    phase: str = ""
    total: int | None = None
    done: int = 0
    phase_started_at: datetime | None = None


class JobReporter:
    """Progress of job ``job_id``; every write is one UPDATE of its row, throttled."""

    def __init__(
        self,
        job_id: int,
        *,
        interval: float = WRITE_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.job_id = job_id
        self.interval = interval
        self._clock = clock
        self._state = ProgressState()
        self._dirty = False
        self._last_write = float("-inf")
        self._lock = threading.Lock()  # guards the state between the task and the heartbeat
        self._writing = threading.Lock()  # one write at a time; a busy writer is not waited for
        self._connection = connections[DEFAULT_DB_ALIAS]
        # Transactions already open when the job started (a test's own): not the service's.
        self._outer_transactions = len(self._connection.atomic_blocks)
        self.writes = 0

    # -- the Reporter protocol ---------------------------------------------------------------

    def phase(self, description: str, total: int | None = None) -> None:
        with self._lock:
            self._state = ProgressState(description, total, 0, timezone.now())
            self._dirty = True
        self._maybe_write()

    def advance(self, amount: int = 1) -> None:
        with self._lock:
            self._state = replace(self._state, done=self._state.done + amount)
            self._dirty = True
        self._maybe_write()

    # -- writing -----------------------------------------------------------------------------

    @property
    def state(self) -> ProgressState:
        with self._lock:
            return self._state

    def _service_holds_transaction(self) -> bool:
        return len(self._connection.atomic_blocks) > self._outer_transactions

    def _maybe_write(self) -> None:
        if self._clock() - self._last_write < self.interval:
            return
        if self._service_holds_transaction():
            return  # left pending for the heartbeat, which writes on its own connection
        self.flush()

    def flush(self, *, beat: bool = False) -> bool:
        """Write the pending state (with ``beat``, a sign of life even when nothing changed);
        False when another write is under way or there was nothing to write."""
        if not self._writing.acquire(blocking=False):
            return False
        try:
            with self._lock:
                if not self._dirty and not beat:
                    return False
                state, self._dirty = self._state, False
                self._last_write = self._clock()
            now = timezone.now()
            try:
                Job.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(
                    phase=state.phase[:200],
                    total=state.total,
                    done=state.done,
                    phase_started_at=state.phase_started_at,
                    progress_at=now,
                    heartbeat_at=now,
                )
            except DatabaseError:
                # Progress is advisory: a locked database must not fail the job. The next write
                # carries the state again.
                with self._lock:
                    self._dirty = True
                logger.debug("Progress of job %s not written", self.job_id, exc_info=True)
                return False
            self.writes += 1
            return True
        finally:
            self._writing.release()

    def seconds_since_write(self) -> float:
        return self._clock() - self._last_write


class Heartbeat(threading.Thread):
    """Writes the reporter's pending progress, and a sign of life, from its own connection."""

    def __init__(self, reporter: JobReporter, tick: float = TICK) -> None:
        super().__init__(name=f"certif-heartbeat-{reporter.job_id}", daemon=True)
        self.reporter = reporter
        self.tick = tick
        self._stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self._stopped.wait(self.tick):
                beat = self.reporter.seconds_since_write() >= HEARTBEAT_EVERY
                self.reporter.flush(beat=beat)
        finally:
            connections.close_all()  # this thread's own connections

    def stop(self) -> None:
        self._stopped.set()
        self.join()


@contextmanager
def heartbeat(reporter: JobReporter) -> Iterator[None]:
    if not heartbeat_enabled.get():
        yield
        return
    thread = Heartbeat(reporter)
    thread.start()
    try:
        yield
    finally:
        thread.stop()
