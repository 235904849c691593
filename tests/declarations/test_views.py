"""The « Déclaration CDC » page: gestionnaires only; the flux generated as a background job,
downloaded as validated; deposit confirmed; reports and correction requests recorded."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from certif.candidates.models import Candidate
from certif.core.roles import Role
from certif.declarations.models import CorrectionRequest, Declaration, Flux, Status
from certif.declarations.services import generate_flux
from certif.deliberations.models import Deliberation
from certif.tasks.models import Job
from tests.support.declarations import complete_identity, report
from tests.tasks.fixtures import run_jobs, task_files  # noqa: F401

pytestmark = pytest.mark.django_db

PAGE = "declarations:overview"


@pytest.mark.parametrize("role", [role for role in Role if role is not Role.STAFF])
def test_the_page_is_refused_to_everyone_but_gestionnaires(
    role: Role, client_for: Callable[[Role], Client]
) -> None:
    assert client_for(role).get(reverse(PAGE)).status_code == 403


def test_the_page_lists_what_each_holder_lacks_and_the_missing_settings(
    certified: Deliberation, client_for: Callable[[Role], Client]
) -> None:
    page = client_for(Role.STAFF).get(reverse(PAGE)).content.decode()
    assert "code INSEE de la commune de naissance" in page
    assert "identifiant client de l&#x27;émetteur" in page


def test_generating_runs_as_a_job_and_the_file_is_offered_once_validated(
    certified: Deliberation,
    candidates: list[Candidate],
    cdc_settings: object,
    client_for: Callable[[Role], Client],
    run_jobs: Callable[[], int],  # noqa: F811
) -> None:
    complete_identity(candidates[0])
    client = client_for(Role.STAFF)
    queued = client.post(reverse("declarations:generate"))
    assert run_jobs() == 1
    job = Job.objects.get()
    flux = Flux.objects.get()
    download = client.get(reverse("declarations:flux_file", args=[flux.pk]))
    assert queued.status_code == 302
    assert job.status == "succeeded", job.error
    assert download.content == bytes(flux.content)
    assert download["Content-Disposition"].endswith(f'"{flux.file_name}"')


def test_marking_a_flux_deposited_asks_for_confirmation_first(
    certified: Deliberation,
    candidates: list[Candidate],
    cdc_settings: object,
    client_for: Callable[[Role], Client],
) -> None:
    complete_identity(candidates[0])
    [flux] = generate_flux().flux
    client = client_for(Role.STAFF)
    url = reverse("declarations:deposited", args=[flux.pk])
    asked = client.post(url)
    flux.refresh_from_db()
    assert asked.status_code == 200
    assert flux.deposited_at is None
    client.post(url, {"confirmed": "1"})
    assert Declaration.objects.get().status == Status.DEPOSITED


def test_a_report_uploaded_records_each_passage(
    certified: Deliberation,
    candidates: list[Candidate],
    cdc_settings: object,
    client_for: Callable[[Role], Client],
) -> None:
    complete_identity(candidates[0])
    [flux] = generate_flux().flux
    technical_id = Declaration.objects.get().technical_id
    upload = SimpleUploadedFile("rapport.xml", report(flux, accepted=[technical_id]))
    response = client_for(Role.STAFF).post(reverse("declarations:report"), {"report": upload})
    assert response.status_code == 302
    assert Declaration.objects.get().status == Status.ACCEPTED


def test_a_report_naming_an_unknown_passage_is_shown_refused(
    certified: Deliberation,
    candidates: list[Candidate],
    cdc_settings: object,
    client_for: Callable[[Role], Client],
) -> None:
    complete_identity(candidates[0])
    [flux] = generate_flux().flux
    upload = SimpleUploadedFile("rapport.xml", report(flux, accepted=["inconnu"]))
    response = client_for(Role.STAFF).post(reverse("declarations:report"), {"report": upload})
    assert response.status_code == 400
    assert "absents du flux" in response.content.decode()
    assert Declaration.objects.get().status == Status.GENERATED


def test_a_correction_request_is_recorded_from_the_page(
    certified: Deliberation, client_for: Callable[[Role], Client]
) -> None:
    client = client_for(Role.STAFF)
    client.get(reverse(PAGE))
    technical_id = Declaration.objects.get().technical_id
    client.post(
        reverse("declarations:correction"),
        {"technical_id": technical_id, "received_on": "2026-09-15", "subject": "Prénom à corriger"},
    )
    assert CorrectionRequest.objects.get().declaration.technical_id == technical_id
