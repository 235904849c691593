"""Where tasks put the files they produce: one folder per job under ``TASK_FILES_DIR``.

The folder is outside the static and media files: only the job's page serves a file, to the
people allowed to see the job.
"""

from __future__ import annotations

import mimetypes
import secrets
import shutil
from pathlib import Path

from django.conf import settings
from django.utils.text import get_valid_filename

# Types the browser must get exactly (mimetypes may not know them, or guess without a charset).
CONTENT_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".zip": "application/zip",
    ".pdf": "application/pdf",
}


def root() -> Path:
    return Path(settings.TASK_FILES_DIR)


def output_path(job_id: int, name: str) -> Path:
    """A path for a file of job ``job_id`` named ``name`` (cleaned), its folder created."""
    folder = root() / str(job_id)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / get_valid_filename(Path(name).name)


def relative(path: Path) -> str:
    """``path`` as stored in the job: relative to the root, so that the data folder can move."""
    return path.resolve().relative_to(root().resolve()).as_posix()


def stored(relative_path: str) -> Path | None:
    """The file a job names, if it is still there (and inside the root, whatever the row says)."""
    if not relative_path:
        return None
    base = root().resolve()
    path = (base / relative_path).resolve()
    if not path.is_relative_to(base) or not path.is_file():
        return None
    return path


def content_type(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in CONTENT_TYPES:
        return CONTENT_TYPES[suffix]
    guessed, _encoding = mimetypes.guess_type(name)
    return guessed or "application/octet-stream"


def discard(job_id: int) -> None:
    shutil.rmtree(root() / str(job_id), ignore_errors=True)


# Files people hand to a task (an upload to import): one folder each, named at random, kept
# until the task is over. Under the same root, so that workers on other machines find them.
INCOMING = "entrees"


def incoming_path(name: str) -> Path:
    """A new path for a file to hand to a task, named ``name`` (cleaned), in its own folder."""
    folder = root() / INCOMING / secrets.token_hex(16)
    folder.mkdir(parents=True)
    return folder / get_valid_filename(Path(name).name)


def incoming(relative_path: str) -> Path:
    """The handed file a task was given (as ``relative`` wrote it), wherever the root now is."""
    path = (root() / relative_path).resolve()
    if not path.is_relative_to((root() / INCOMING).resolve()):
        raise ValueError(f"not a file handed to a task: {relative_path}")
    return path


def discard_incoming(relative_path: str) -> None:
    """Remove a handed file and its folder, once its task is over."""
    shutil.rmtree(incoming(relative_path).parent, ignore_errors=True)
