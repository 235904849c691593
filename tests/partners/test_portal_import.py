"""The portal's candidates' import above the staff's size goes through the worker, as the
staff's imports: a job, its page with its progress, visible to the person who started it (and
gestionnaires) only; the same all-or-nothing service, every row linked to the partner."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse

from certif.candidates.models import Candidate
from certif.core.roles import Role
from certif.partners.models import Partner
from certif.tasks import files
from certif.tasks.models import Job
from tests.support.files import CANDIDATE_HEADER, write_csv
from tests.support.partners import OTHER_SIRET, make_partner
from tests.tasks.fixtures import run_jobs, task_files

__all__ = ["run_jobs", "task_files"]

pytestmark = pytest.mark.django_db

URL = "/organisme/candidats/import/"


@pytest.fixture
def partner(candidates: list[Candidate], settings: Any) -> Partner:
    """C001 is this partner's candidate, C002 another partner's; any file is « big »."""
    settings.IMPORT_IN_BACKGROUND_ABOVE = 10
    partner = make_partner()
    other = make_partner(OTHER_SIRET, "Autre organisme")
    Candidate.objects.filter(numero="C001").update(partner=partner)
    Candidate.objects.filter(numero="C002").update(partner=other)
    return partner


def _post(client: Client, tmp_path: Path, rows: list[tuple[str, ...]]) -> Any:
    path = write_csv(tmp_path / "c.csv", CANDIDATE_HEADER, rows)
    with path.open("rb") as upload:
        return client.post(reverse("portal:candidates_import"), {"fichier": upload})


def test_a_big_file_is_imported_by_the_worker_and_followed_on_its_job_page(
    make_user: Callable[..., AbstractUser],
    partner: Partner,
    tmp_path: Path,
    run_jobs: Callable[[], int],
) -> None:
    client = Client()
    client.force_login(make_user(Role.PARTNER, partner=partner))
    response = _post(client, tmp_path, [("P010", "Martin", "Julie", "12/03/1990")])
    job = Job.objects.get(kind="portal.candidates")
    assert response["Location"] == job.get_absolute_url()
    assert not Candidate.objects.filter(numero="P010").exists()  # queued, not run
    assert client.get(job.get_absolute_url()).status_code == 200
    assert run_jobs() == 1
    assert Candidate.objects.get(numero="P010").partner == partner
    job.refresh_from_db()
    assert job.status == "succeeded"
    assert job.result == {"rows": 1}
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Import des candidats d&#x27;un organisme" in page
    assert all(line in page for line in job.summary)
    assert reverse("imports:home") not in page  # no link to the staff's pages
    assert not list((files.root() / files.INCOMING).iterdir())  # the handed file is gone


def test_a_big_file_over_another_partners_candidate_is_refused_on_the_job_page(
    client_as: Callable[..., Client],
    partner: Partner,
    tmp_path: Path,
    run_jobs: Callable[[], int],
) -> None:
    client = client_as(Role.PARTNER, partner=partner)
    _post(client, tmp_path, [("C002", "Autre", "Nom", "12/03/1990")])
    run_jobs()
    job = Job.objects.get(kind="portal.candidates")
    page = client.get(job.get_absolute_url()).content.decode()
    assert "numéro déjà utilisé" in page
    assert Candidate.objects.get(numero="C002").birth_name != "Autre"
    assert not list((files.root() / files.INCOMING).iterdir())


@pytest.mark.parametrize("who", ["other partner", "candidate", "evaluator"])
def test_the_job_page_is_refused_to_anyone_else(
    who: str,
    client_as: Callable[..., Client],
    partner: Partner,
    candidates: list[Candidate],
    tmp_path: Path,
    task_files: Path,
) -> None:
    _post(client_as(Role.PARTNER, partner=partner), tmp_path, [("P010", "M", "J", "12/03/1990")])
    job = Job.objects.get(kind="portal.candidates")
    if who == "other partner":
        other = Partner.objects.get(siret=OTHER_SIRET)
        client = client_as(Role.PARTNER, partner=other)
    elif who == "candidate":
        client = client_as(Role.CANDIDATE, candidate=candidates[1])
    else:
        client = client_as(Role.EVALUATOR)
    assert client.get(job.get_absolute_url()).status_code == 403
    assert Client().get(job.get_absolute_url()).status_code == 302


def test_a_small_file_is_still_imported_at_once(
    client_as: Callable[..., Client], partner: Partner, tmp_path: Path, settings: Any
) -> None:
    settings.IMPORT_IN_BACKGROUND_ABOVE = 2048 * 1024
    response = _post(
        client_as(Role.PARTNER, partner=partner), tmp_path, [("P011", "M", "J", "12/03/1990")]
    )
    assert response.status_code == 302
    assert Candidate.objects.get(numero="P011").partner == partner
    assert not Job.objects.exists()
