"""Named locks across processes: one import of a file at a time.

Two people (or one impatient program) sending the same file at once would run the same
import twice in parallel: both check against the same state, both insert the same sheets, and
the second fails on a unique constraint after minutes of work (a 500 through the API). Instead
the first takes the file's lock and proceeds, the others are told at once that the file is
being imported (``Refused``, 409).

- PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``), shared by every
  worker on every machine, released by the server itself if the process dies;
- SQLite (one machine): an ``flock`` on a file named after the key and the database file in
  the system's temporary folder, released by the kernel if the process dies; it also tells two
  threads apart, since each opens its own file description. A database in memory (the tests')
  belongs to one process: the process's own record of the keys it holds is enough.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

from certif.core.errors import Refused


class Busy(Refused):
    """What the lock protects is being done by someone else right now."""


def _in_memory() -> bool:
    return bool(getattr(connection, "is_in_memory_db", lambda: False)())


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8")).digest()


# Keys held by this process: PostgreSQL's advisory locks are re-entrant for their session,
# so without this a nested attempt on the same connection would be let through.
_held: set[str] = set()
_guard = threading.Lock()


@contextmanager
def exclusive(key: str, message: str) -> Iterator[None]:
    """Hold the lock named ``key`` while the block runs; raise ``Busy(message)`` at once if
    another process or thread — or the same one, further up — holds it."""
    with _guard:
        if key in _held:
            raise Busy(message)
        _held.add(key)
    try:
        if connection.vendor == "postgresql":
            with _advisory(key, message):
                yield
        elif _in_memory():
            # A database in this process's memory (the tests'): no other process can write to
            # it, and another process's database of the same name is another database.
            yield
        else:
            with _file_lock(key, message):
                yield
    finally:
        with _guard:
            _held.discard(key)


@contextmanager
def _advisory(key: str, message: str) -> Iterator[None]:
    number = int.from_bytes(_digest(key)[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [number])
        (taken,) = cursor.fetchone()
    if not taken:
        raise Busy(message)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [number])


# The system's temporary folder as the process found it at start-up.
_ROOT = Path(tempfile.gettempdir())


def _lock_folder() -> Path:
    # One folder per database file: two instances never share a lock.
    database = str(Path(str(connection.settings_dict.get("NAME") or "")).resolve())
    folder = _ROOT / f"certif-locks-{os.getuid()}-{_digest(database).hex()[:12]}"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


@contextmanager
def _file_lock(key: str, message: str) -> Iterator[None]:
    """``flock`` on a file removed when released, so that none accumulate: a holder that
    locked a file just removed (its name now another file's) tries again."""
    path = _lock_folder() / f"{_digest(key).hex()}.lock"
    while True:
        handle = path.open("a+b")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise Busy(message) from None
        try:
            same = os.stat(path).st_ino == os.fstat(handle.fileno()).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        handle.close()  # released the lock of a removed file: take the current one
    try:
        yield
    finally:
        path.unlink(missing_ok=True)  # while still held: nobody can lock this file after
        handle.close()
