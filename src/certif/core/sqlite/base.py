"""Django's SQLite backend, except that the database file is created 0600 in a 0700 folder.

SQLite creates a missing file with the process's umask (0644 usually): the whole database —
identities, scores, the journal — readable by every account of the machine. The file is
created here, private, before SQLite opens it, whoever connects first (``certif init``,
``migrate``, the server); SQLite gives its ``-wal`` and ``-shm`` files the database's mode.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.db.backends.sqlite3 import base

from certif.config import PRIVATE_FILE_MODE, ensure_private_dir


def create_private(name: str) -> None:
    """Create the database file ``name`` empty and private if it does not exist yet."""
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    path = Path(name)
    if path.exists():
        return
    ensure_private_dir(path.parent)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        return  # another process created it at the same moment, the same way
    os.close(descriptor)
    # The umask may have removed bits only: the mode is exactly the owner's.
    path.chmod(PRIVATE_FILE_MODE)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        create_private(str(conn_params.get("database", "")))
        return super().get_new_connection(conn_params)
