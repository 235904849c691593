"""``certif worker`` and ``certif serve --with-worker`` as real processes, on a SQLite file.

The queue is in the database: a job queued while no worker runs waits for one started later
(a server restart loses nothing). A worker stops on SIGINT/SIGTERM, giving its task a grace
period; one started beside the server stops with it, even when the server is killed.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]


def environment(tmp_path: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("CERTIF_") and key != "DJANGO_SETTINGS_MODULE"
    }
    env.update(
        CERTIF_DATA_DIR=str(tmp_path / "data"),
        CERTIF_DATABASE_URL=f"sqlite:///{tmp_path / 'data' / 'certif.sqlite3'}",
        # The test jobs (tests.tasks.sample_jobs) must be importable by the worker.
        PYTHONPATH=str(REPOSITORY),
    )
    return env


def certif(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    completed = subprocess.run(
        [sys.executable, "-m", "certif", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=environment(tmp_path),
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return completed


def start_process(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "certif", *args],
        cwd=tmp_path,
        env=environment(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def queue(tmp_path: Path, task: str, **arguments: object) -> int:
    code = (
        "from certif.tasks.services import start\n"
        f"from tests.tasks.sample_jobs import {task}\n"
        f"print(start({task}, actor=None, **{arguments!r}).pk)\n"
    )
    return int(certif(tmp_path, "shell", "-c", code).stdout.strip().splitlines()[-1])


def job_row(tmp_path: Path, job_id: int) -> tuple[str, str, int]:
    with sqlite3.connect(tmp_path / "data" / "certif.sqlite3") as database:
        row = database.execute(
            "SELECT status, error, done FROM tasks_job WHERE id = ?", (job_id,)
        ).fetchone()
    return row[0], row[1], row[2]


def wait_for(condition: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {seconds} s")
        time.sleep(0.1)


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state != "Z"


def worker_children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if int(fields[1]) == pid and b"worker" in command:
            found.append(int(stat.parent.name))
    return found


@pytest.fixture(scope="module")
def initialised_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("initialised")
    certif(folder, "init")
    return folder / "data"


@pytest.fixture
def initialised(initialised_once: Path, tmp_path: Path) -> Path:
    """A data folder after ``certif init`` (made once, copied for each test)."""
    shutil.copytree(initialised_once, tmp_path / "data")
    return tmp_path


@pytest.fixture
def worker(initialised: Path) -> Iterator[subprocess.Popen[str]]:
    process = start_process(initialised, "worker", "--interval=0.1", "--grace=0.5")
    yield process
    if process.poll() is None:
        process.kill()
        process.wait()


def test_a_job_queued_while_no_worker_runs_is_run_by_a_worker_started_later(
    initialised: Path,
) -> None:
    job = queue(initialised, "count_job", upto=5, write_file=True)
    assert job_row(initialised, job)[0] == "queued"

    certif(initialised, "worker", "--batch")

    assert job_row(initialised, job) == ("succeeded", "", 5)
    assert (initialised / "data" / "taches" / str(job) / "compte.csv").is_file()


def test_the_worker_stops_at_once_on_sigterm_when_idle(
    worker: subprocess.Popen[str],
) -> None:
    assert worker.stdout is not None
    assert "prêt" in worker.stdout.readline()
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=10) == 0


def test_a_stopped_worker_interrupts_its_task_after_the_grace_and_says_so(
    initialised: Path, worker: subprocess.Popen[str]
) -> None:
    job = queue(initialised, "slow_job", seconds=60)
    wait_for(lambda: job_row(initialised, job)[0] == "running")

    worker.send_signal(signal.SIGINT)

    assert worker.wait(timeout=20) == 0
    status, error, done = job_row(initialised, job)
    assert status == "failed"
    assert error.startswith("Tâche interrompue")
    assert done < 600


def test_a_second_signal_interrupts_the_task_at_once(initialised: Path) -> None:
    process = start_process(initialised, "worker", "--interval=0.1", "--grace=600")
    try:
        job = queue(initialised, "slow_job", seconds=60)
        wait_for(lambda: job_row(initialised, job)[0] == "running")
        process.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    status, error, _done = job_row(initialised, job)
    assert (status, error[:16]) == ("failed", "Tâche interrompu")


def test_a_task_that_ends_within_the_grace_is_finished_before_the_worker_stops(
    initialised: Path,
) -> None:
    process = start_process(initialised, "worker", "--interval=0.1", "--grace=30")
    try:
        job = queue(initialised, "slow_job", seconds=1)
        wait_for(lambda: job_row(initialised, job)[0] == "running")
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
    assert job_row(initialised, job)[0] == "succeeded"


# -- make run: the server and its worker --------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(initialised: Path) -> Iterator[tuple[subprocess.Popen[str], int]]:
    port = free_port()
    server = start_process(
        initialised, "serve", "--with-worker", "--port", str(port), "--workers", "1"
    )

    def answers() -> bool:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/comptes/login/", timeout=2)
        except OSError:
            assert server.poll() is None, "the server stopped"
            return False
        return True

    try:
        wait_for(answers, 60)
        wait_for(lambda: len(worker_children(server.pid)) == 1)
        [child] = worker_children(server.pid)
        yield server, child
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def test_a_job_queued_beside_the_server_is_run_by_its_worker(
    initialised: Path, served: tuple[subprocess.Popen[str], int]
) -> None:
    job = queue(initialised, "count_job", upto=3)
    wait_for(lambda: job_row(initialised, job)[0] == "succeeded")


def test_ctrl_c_stops_the_server_and_its_worker_together(
    served: tuple[subprocess.Popen[str], int],
) -> None:
    server, child = served
    server.send_signal(signal.SIGINT)
    assert server.wait(timeout=60) == 0
    assert not alive(child)


def test_a_killed_server_leaves_no_worker_behind(
    served: tuple[subprocess.Popen[str], int],
) -> None:
    server, child = served
    server.send_signal(signal.SIGKILL)
    server.wait()
    wait_for(lambda: not alive(child), 15)


# -- the worker's temporary files and its parent -----------------------------------------------


def temp_dirs(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "data" / "tmp").glob("worker-*"))


def test_a_worker_keeps_its_temporary_files_private_and_removes_them_when_stopped(
    initialised: Path,
) -> None:
    process = start_process(initialised, "worker", "--interval=0.1")
    try:
        wait_for(lambda: len(temp_dirs(initialised)) == 1)
        [folder] = temp_dirs(initialised)
        assert folder.name.endswith(f"-{process.pid}")
        assert folder.stat().st_mode & 0o777 == 0o700
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
    assert temp_dirs(initialised) == []


def test_the_folder_of_a_killed_worker_is_removed_by_the_next_one(initialised: Path) -> None:
    first = start_process(initialised, "worker", "--interval=0.1")
    wait_for(lambda: len(temp_dirs(initialised)) == 1)
    first.kill()
    first.wait()
    [left] = temp_dirs(initialised)
    second = start_process(initialised, "worker", "--interval=0.1")
    try:
        wait_for(lambda: not left.exists())
        wait_for(lambda: len(temp_dirs(initialised)) == 1)
    finally:
        second.kill()
        second.wait()


def test_a_worker_started_by_a_launcher_asks_the_kernel_to_stop_it_with_its_parent() -> None:
    code = (
        "import ctypes, ctypes.util, os, signal, django\n"
        "django.setup()\n"
        "from certif.tasks.worker import stop_with_parent\n"
        "stop_with_parent(os.getppid())\n"
        "libc = ctypes.CDLL(ctypes.util.find_library('c'), use_errno=True)\n"
        "value = ctypes.c_int()\n"
        "libc.prctl(2, ctypes.byref(value), 0, 0, 0)  # PR_GET_PDEATHSIG\n"
        "print(value.value == signal.SIGTERM)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": str(REPOSITORY)}
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env
    )
    assert completed.stdout.strip() == "True", completed.stderr
