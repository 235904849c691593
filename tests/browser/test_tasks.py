"""An export in a real browser: asked for on the imports page, followed on its job's page (htmx
polling, no reload) while a worker writes it, then downloaded."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser
from playwright.sync_api import Page, expect

from certif.candidates.models import Candidate
from certif.core.roles import Role
from certif.tasks.models import Job, JobStatus
from tests.browser.pages import log_in, screenshot
from tests.tasks.fixtures import run_jobs, task_files

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The worker's loop, run by the test when it says so (tests/tasks/fixtures.py).
__all__ = ["run_jobs", "task_files"]


def test_an_export_is_followed_on_its_page_then_downloaded(
    page: Page,
    live_server: object,
    make_user: Callable[..., AbstractUser],
    candidates: list[Candidate],
    run_jobs: Callable[[], int],
    tmp_path: Path,
) -> None:
    make_user(Role.STAFF, username="gestion")
    base = str(live_server)
    log_in(page, base, "gestion", "pw-for-tests")
    page.goto(f"{base}/imports/")

    page.get_by_role("button", name="CSV — Candidats").click()

    expect(page.get_by_role("heading", name="Export n°")).to_be_visible()
    expect(page.locator("#job-state")).to_contain_text("En attente")
    screenshot(page, "task-waiting")
    job = Job.objects.get()

    # The worker runs now; the page, polling every second, shows the outcome by itself.
    assert run_jobs() == 1
    assert Job.objects.get().status == JobStatus.SUCCEEDED
    link = page.get_by_role("link", name=f"Télécharger {Job.objects.get().file_name}")
    expect(link).to_be_visible(timeout=10_000)
    expect(page.locator("#job-state")).to_contain_text("2 lignes écrites")
    assert page.url == f"{base}/taches/{job.pk}/"
    screenshot(page, "task-done")

    with page.expect_download() as download:
        link.click()
    saved = tmp_path / "export.csv"
    download.value.save_as(saved)
    assert saved.read_bytes().decode("utf-8-sig").splitlines()[1].startswith("C001;")

    page.goto(f"{base}/taches/")
    expect(page.get_by_role("link", name=f"Export n° {job.pk}")).to_be_visible()
