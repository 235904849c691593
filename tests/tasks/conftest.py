from __future__ import annotations

from pathlib import Path

import pytest

from tests.tasks.fixtures import run_jobs, task_files

__all__ = ["run_jobs", "task_files"]


@pytest.fixture(autouse=True)
def _files_in_tmp(task_files: Path) -> Path:
    return task_files
