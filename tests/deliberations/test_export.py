"""The deliberation's table as a file, as its page filters it, written by the worker."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO

import polars as pl
import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse

from certif.core.roles import Role
from certif.deliberations.models import Deliberation, JuryMember
from certif.tasks.models import Job
from tests.support.deliberations import decision
from tests.tasks.fixtures import run_jobs, task_files  # noqa: F401

pytestmark = pytest.mark.django_db


def exported(
    client: Client, deliberation: Deliberation, run: Callable[[], int], **form: str
) -> pl.DataFrame:
    asked = client.post(reverse("deliberations:export", args=[deliberation.pk, "csv"]), form)
    job = Job.objects.get()
    assert asked["Location"] == reverse("tasks:detail", args=[job.pk])
    assert run() == 1
    response = client.get(reverse("tasks:download", args=[job.pk]))
    content = b"".join(response.streaming_content)
    return pl.read_csv(BytesIO(content), separator=";")


def test_the_table_is_exported_with_each_units_proposal_and_decision(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    client_as: Callable[..., Client],
    run_jobs: Callable[[], int],  # noqa: F811
) -> None:
    frame = exported(client_as(Role.STAFF), deliberation, run_jobs)
    assert list(frame["Numéro"]) == ["C001", "C002"]
    b1 = decision(deliberation, "C002", "B1")
    assert (
        frame.filter(pl.col("Numéro") == "C002")["B1 — proposition"][0]
        == b1.get_proposed_status_display()
    )
    assert "CERT — décision" in frame.columns or any(
        c.endswith("— décision") for c in frame.columns
    )


def test_the_export_keeps_the_pages_search(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    client_as: Callable[..., Client],
    run_jobs: Callable[[], int],  # noqa: F811
) -> None:
    frame = exported(client_as(Role.STAFF), deliberation, run_jobs, q="C002")
    assert list(frame["Numéro"]) == ["C002"]


@pytest.mark.parametrize(
    "role", [Role.JURY_MEMBER, Role.JURY_PRESIDENT, Role.EVALUATOR, Role.CANDIDATE]
)
def test_whoever_does_not_sit_on_the_jury_cannot_export_the_table(
    role: Role, deliberation: Deliberation, client_for: Callable[[Role], Client]
) -> None:
    response = client_for(role).post(reverse("deliberations:export", args=[deliberation.pk, "csv"]))
    assert response.status_code in (403, 404)
    assert not Job.objects.exists()


def test_a_seated_member_exports_the_table(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    member: AbstractUser,
    run_jobs: Callable[[], int],  # noqa: F811
) -> None:
    client = Client()
    client.force_login(member)
    frame = exported(client, deliberation, run_jobs)
    assert list(frame["Numéro"]) == ["C001", "C002"]


def test_anonymous_visitors_are_sent_to_the_login_page(deliberation: Deliberation) -> None:
    response = Client().post(reverse("deliberations:export", args=[deliberation.pk, "csv"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
