"""The worker: django-tasks-db's loop, with Certif's stop rules and stale-job sweeping.

- One process runs one task at a time; ``supervise`` keeps N of them (``--concurrency``).
- The first SIGINT or SIGTERM stops taking tasks; the current one gets ``grace`` seconds to
  finish, then is interrupted (its job recorded as failed, « interrompue »). A second signal
  interrupts it at once.
- Started by a launcher (``certif serve --with-worker``), a worker stops when its parent is
  gone, whatever killed it: a leftover worker never outlives its server by more than the grace.
- Before each task, jobs whose worker died are failed (``services.reap_stale``).
- Each worker process keeps its temporary files in its own private folder (under the data
  folder's ``tmp``), removed when it stops; a folder left by a killed worker is removed by
  the next worker of the machine.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from certif.config import PRIVATE_DIR_MODE, ensure_private_dir
from certif.tasks import services
from certif.tasks.progress import heartbeat_enabled

logger = logging.getLogger("certif.tasks")

DEFAULT_GRACE = 30.0
# A crashed worker process is started again after this many seconds.
RESTART_DELAY = 5.0
PARENT_CHECK = 1.0


def worker_id(suffix: str = "") -> str:
    """Readable and unique across machines: host, process, and a slot number."""
    return f"{socket.gethostname()}-{os.getpid()}{suffix}"[-64:]


class CertifWorker(Worker):
    def __init__(self, *, grace: float = DEFAULT_GRACE, **options: Any) -> None:
        super().__init__(**options)
        self.grace = grace
        self._alarm = False

    def configure_signals(self) -> None:
        super().configure_signals()
        signal.signal(signal.SIGALRM, self._interrupt)

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        name = signal.strsignal(signum)
        if not self.running:
            logger.warning("%s again: stopping at once.", name)
            if self.running_task:
                self._interrupt(signum, frame)
            sys.exit(1)
        self.running = False
        if not self.running_task:
            logger.info("%s: worker %s stopped.", name, self.worker_id)
            sys.exit(0)
        logger.warning(
            "%s: the current task has %s s to finish (a second signal interrupts it).",
            name,
            self.grace,
        )
        self._alarm = True
        signal.setitimer(signal.ITIMER_REAL, max(self.grace, 0.001))

    def _interrupt(self, signum: int, frame: FrameType | None) -> None:
        raise services.WorkerStopped()

    def run(self) -> None:
        services.reap_stale()
        super().run()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        services.reap_stale()
        try:
            super().run_task(db_task_result)
        finally:
            if self._alarm:  # the task ended within its grace
                signal.setitimer(signal.ITIMER_REAL, 0)
                self._alarm = False


def drain(*, heartbeat: bool = True, max_tasks: int | None = None) -> int:
    """Run every queued task in this process and thread, then return how many ran.

    For tests (with ``heartbeat=False``: a second connection would not see their transaction's
    rows) and ``certif worker --batch``.
    """
    worker = CertifWorker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id=worker_id("-drain"),
        excluded_queue_names=[],
    )
    token = heartbeat_enabled.set(heartbeat)
    try:
        worker.run()
    finally:
        heartbeat_enabled.reset(token)
    return worker._run_tasks


# prctl(2): the signal the kernel sends this process when its parent dies.
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> bool:
    """Ask Linux for SIGTERM the moment the parent dies (whatever killed it); whether it could.
    Elsewhere the watching thread alone does it, within a second."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return bool(libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def stop_with_parent(parent: int) -> None:
    """Send ourselves SIGTERM once ``parent`` is gone (a killed launcher leaves no worker): at
    once through the kernel on Linux, and by a watching thread everywhere."""
    _die_with_parent()
    # Checked after asking the kernel: a parent that died before would send nothing.
    if os.getppid() != parent:
        os.kill(os.getpid(), signal.SIGTERM)
        return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK)
        logger.warning("The process that started this worker is gone: stopping.")
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="certif-parent-watch", daemon=True).start()


TEMP_PREFIX = "worker-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_orphan_temp_dirs(base: Path) -> list[Path]:
    """Remove the temporary folders of this machine's workers that are no longer running
    (killed with SIGKILL, or the machine stopped); the folders removed."""
    removed: list[Path] = []
    host = socket.gethostname()
    for folder in base.glob(f"{TEMP_PREFIX}{host}-*"):
        pid_text = folder.name.rsplit("-", 1)[-1]
        if pid_text.isdigit() and not _alive(int(pid_text)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


@contextmanager
def private_temp_dir() -> Iterator[Path]:
    """This process's own folder for temporary files (``tempfile`` and programs it runs, through
    TMPDIR), readable by its owner only, removed when the block ends (a SIGTERM included: the
    worker stops by SystemExit)."""
    base = ensure_private_dir(Path(settings.DATA_DIR) / "tmp")
    sweep_orphan_temp_dirs(base)
    folder = base / f"{TEMP_PREFIX}{socket.gethostname()}-{os.getpid()}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(mode=PRIVATE_DIR_MODE)
    previous, previous_env = tempfile.tempdir, os.environ.get("TMPDIR")
    tempfile.tempdir = str(folder)
    os.environ["TMPDIR"] = str(folder)
    try:
        yield folder
    finally:
        tempfile.tempdir = previous
        if previous_env is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = previous_env
        shutil.rmtree(folder, ignore_errors=True)


def worker_command(*options: str) -> list[str]:
    return [sys.executable, "-m", "certif", "worker", *options]


def supervise(count: int, options: Sequence[str]) -> int:
    """Keep ``count`` worker processes running until SIGINT/SIGTERM, which each of them gets."""
    parent = str(os.getpid())

    def spawn(slot: int) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            worker_command(
                *options,
                "--concurrency=1",
                f"--worker-id={worker_id(f'-{slot}')}",
                f"--stop-with-parent={parent}",
            ),
            # Their own session: a Ctrl+C reaches them through this process, once.
            start_new_session=True,
        )

    children = {slot: spawn(slot) for slot in range(count)}
    stopping = False

    def forward(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signum)

    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    while children:
        time.sleep(0.2)
        for slot, child in list(children.items()):
            code = child.poll()
            if code is None:
                continue
            del children[slot]
            if not stopping:
                logger.warning("Worker %s exited (%s): starting another.", slot, code)
                time.sleep(RESTART_DELAY)
                if not stopping:
                    children[slot] = spawn(slot)
    return 0


def stop(process: subprocess.Popen[bytes], grace: float = DEFAULT_GRACE) -> None:
    """Stop a worker process: SIGTERM, its grace, then SIGKILL."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=grace + 5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def worker_beside(options: Sequence[str] = ()) -> Iterator[subprocess.Popen[bytes]]:
    """A worker process for as long as the block runs (the server of ``certif serve``)."""
    process = subprocess.Popen(
        worker_command(*options, f"--stop-with-parent={os.getpid()}"),
        start_new_session=True,
    )
    try:
        yield process
    finally:
        stop(process)
