"""Steps of ``bench browser-import``, each in its own process: ``python -m
bench.browser_import_steps STEP ARGS`` prints one JSON object."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

POLL_SECONDS = 1.0
TIMEOUT_SECONDS = 1800


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "certif.settings")
    import django

    django.setup()


def step_prepare(candidates: str) -> dict[str, Any]:
    from django.core.management import call_command

    from certif.imports.candidates import import_candidates

    call_command("init", stdout=io.StringIO())
    return {"rows": import_candidates(candidates).rows}


def step_direct(scores: str) -> dict[str, Any]:
    from certif.imports.scores import import_scores

    started = time.perf_counter()
    report = import_scores(scores, create_sessions=True)
    return {"seconds": time.perf_counter() - started, "rows": report.rows}


def step_browser(scores: str) -> dict[str, Any]:
    """Post the file as the imports page's form does, then run a real worker and poll the job's
    state part as the page does, until the job is over."""
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from certif.accounts.services import create_user
    from certif.core.roles import Role
    from certif.tasks.models import Job

    user = get_user_model().objects.filter(username="bench-gestion").first() or create_user(
        "bench-gestion", password=None, roles=[Role.STAFF]
    )
    client = Client()
    client.force_login(user)
    data = Path(scores).read_bytes()
    # Warm-up: the first request of a process imports the pages' modules and compiles their
    # templates (seconds); a running server has done so long before.
    assert client.get(reverse("imports:home")).status_code == 200
    started = time.perf_counter()
    response = client.post(
        reverse("imports:home"),
        {
            "import": "notes",
            "notes-creer_sessions": "on",
            "notes-fichier": SimpleUploadedFile(Path(scores).name, data),
        },
    )
    request_ms = (time.perf_counter() - started) * 1000
    assert response.status_code == 302, response.status_code
    job = Job.objects.get(kind="imports.scores")
    worker = subprocess.Popen(
        [sys.executable, "-m", "certif", "worker"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    polls = with_progress = with_rate = 0
    phases: list[str] = []
    try:
        while time.perf_counter() - started < TIMEOUT_SECONDS:
            time.sleep(POLL_SECONDS)
            page = client.get(reverse("tasks:state", args=[job.pk])).content.decode()
            polls += 1
            with_progress += bool(re.search(r"id=\"job-progress\" max=", page))
            with_rate += "par seconde" in page and "Temps restant" in page
            phase = re.search(r"Étape : <strong>([^<]+)</strong>", page)
            if phase and phase.group(1) not in phases:
                phases.append(phase.group(1))
            job.refresh_from_db()
            if job.is_finished:
                break
        seconds = time.perf_counter() - started
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
    assert job.status == "succeeded", (job.status, job.error)
    assert job.started_at is not None
    assert job.finished_at is not None
    return {
        "request_ms": request_ms,
        "seconds": seconds,
        "job_seconds": (job.finished_at - job.started_at).total_seconds(),
        "polls": polls,
        "polls_with_progress": with_progress,
        "polls_with_rate": with_rate,
        "phases": phases,
        "summary": job.summary,
    }


STEPS = {"prepare": step_prepare, "direct": step_direct, "browser": step_browser}

if __name__ == "__main__":
    _setup()
    name, *args = sys.argv[1:]
    print(json.dumps(STEPS[name](*args)))
