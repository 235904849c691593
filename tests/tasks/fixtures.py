"""Running jobs in tests: the real database queue, drained by the worker loop in-process.

Not the backend's immediate mode: a job is queued in the request's transaction and run
later, as in production, and a test says when (``run_jobs``), so that every step can be seen.
The loop runs in the test's own thread and transaction: it must not close the connection
between tasks (which the worker does in production), and no heartbeat thread runs (its own
connection would not see the test's uncommitted rows).

Import both fixtures into a test module (or conftest) that runs jobs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django_tasks_db.management.commands import db_worker

from certif.tasks.worker import drain


@pytest.fixture
def task_files(settings: Any, tmp_path: Path) -> Path:
    """The jobs' files in the test's own folder."""
    folder = tmp_path / "taches"
    settings.TASK_FILES_DIR = folder
    return folder


@pytest.fixture
def run_jobs(monkeypatch: pytest.MonkeyPatch, task_files: Path) -> Callable[[], int]:
    """Run every queued job now; the number run."""
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    return lambda: drain(heartbeat=False)
