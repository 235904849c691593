"""The Django admin lists candidates, sessions, sheets and results."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from certif.candidates.models import Candidate
from certif.domain.referential.schema import Referential
from certif.grading.models import ScoreSheet
from certif.imports.scores import import_scores
from tests.support.builders import score_rows
from tests.support.files import SCORE_HEADER, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client: Client, ccab: Referential, candidates: list[Candidate], tmp_path: Path) -> Client:
    import_scores(
        write_csv(tmp_path / "n.csv", SCORE_HEADER, score_rows(ccab, "C001", "B1", "12")),
        create_sessions=True,
    )
    client.force_login(User.objects.create_superuser("admin", "a@example.org", "pw"))
    return client


@pytest.mark.parametrize(
    "name",
    [
        "admin:candidates_candidate_changelist",
        "admin:exam_sessions_examsession_changelist",
        "admin:exam_sessions_enrolment_changelist",
        "admin:grading_scoresheet_changelist",
        "admin:imports_importbatch_changelist",
        "admin:results_candidateresult_changelist",
        "admin:core_auditevent_changelist",
    ],
)
def test_admin_lists_each_record_kind(staff: Client, name: str) -> None:
    response = staff.get(reverse(name))
    assert response.status_code == 200


def test_admin_shows_a_result_with_its_explanation(staff: Client) -> None:
    candidate = Candidate.objects.get(numero="C001")
    response = staff.get(reverse("admin:results_candidateresult_change", args=[candidate.pk]))
    assert "B1 validé : 12,00/20 (session 2026-06), seuil 12/20" in response.content.decode()


def test_admin_shows_a_sheet_with_its_scores(staff: Client) -> None:
    sheet = ScoreSheet.objects.get()
    response = staff.get(reverse("admin:grading_scoresheet_change", args=[sheet.pk]))
    assert "B1Cr1" in response.content.decode()
