"""Saving scores: history kept, decisions recomputed, concurrent saves never lost."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from certif.candidates.models import Candidate
from certif.domain.referential.schema import Referential
from certif.domain.rules.results import Status
from certif.grading.models import Score, ScoreChange, ScoreSheet, SheetStatus
from certif.grading.services import GradingError, SheetLocked, StaleSheet, change_score, save_scores
from certif.imports.scores import import_scores
from certif.results.models import CandidateResult
from tests.builders import score_rows
from tests.imports.files import SCORE_HEADER, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheet(ccab: Referential, candidates: list[Candidate], tmp_path: Path) -> ScoreSheet:
    import_scores(write_csv(tmp_path / "n.csv", SCORE_HEADER, score_rows(ccab, "C001", "B1", "12")))
    found = ScoreSheet.objects.get()
    ScoreSheet.objects.filter(pk=found.pk).update(status=SheetStatus.DRAFT)
    found.refresh_from_db()
    return found


def b1(candidate: str = "C001") -> Status:
    return CandidateResult.objects.get(candidate__numero=candidate).decision.blocks["B1"].status


def test_lowering_a_score_recomputes_the_decision_at_once(sheet: ScoreSheet) -> None:
    assert b1() is Status.VALIDATED
    current = Score.objects.get(sheet=sheet, criterion__code="B1Cr1").value
    save_scores(sheet.pk, {"B1Cr1": Decimal(current - 1) / 100}, expected_revision=sheet.revision)
    assert b1() is Status.NOT_VALIDATED


def test_each_change_is_kept_with_before_and_after(sheet: ScoreSheet) -> None:
    before = Score.objects.get(sheet=sheet, criterion__code="B1Cr2").value
    save_scores(sheet.pk, {"B1Cr2": Decimal("0.5")}, source="web")
    change = ScoreChange.objects.get()
    assert (change.criterion.code, change.before, change.after, change.source) == (
        "B1Cr2",
        before,
        50,
        "web",
    )


def test_a_save_on_a_stale_revision_is_refused_and_changes_nothing(sheet: ScoreSheet) -> None:
    read_revision = sheet.revision
    save_scores(sheet.pk, {"B1Cr2": Decimal("1")}, expected_revision=read_revision)
    with pytest.raises(StaleSheet, match="modifiée entre-temps"):
        save_scores(sheet.pk, {"B1Cr2": Decimal("2")}, expected_revision=read_revision)
    assert Score.objects.get(sheet=sheet, criterion__code="B1Cr2").value == 100


def test_a_value_above_the_maximum_is_refused(sheet: ScoreSheet) -> None:
    with pytest.raises(GradingError, match="hors barème"):
        save_scores(sheet.pk, {"B1Cr2": Decimal("4.5")})


def test_a_submitted_sheet_is_locked_for_evaluators(sheet: ScoreSheet) -> None:
    ScoreSheet.objects.filter(pk=sheet.pk).update(status=SheetStatus.SUBMITTED)
    with pytest.raises(SheetLocked):
        save_scores(sheet.pk, {"B1Cr2": Decimal("1")})


def test_a_correction_on_a_submitted_sheet_keeps_its_reason(sheet: ScoreSheet) -> None:
    ScoreSheet.objects.filter(pk=sheet.pk).update(status=SheetStatus.SUBMITTED)
    change_score(sheet.pk, "B1Cr2", Decimal("1"), reason="erreur de saisie")
    assert ScoreChange.objects.get().reason == "erreur de saisie"


def test_clearing_a_value_makes_the_sheet_incomplete(sheet: ScoreSheet) -> None:
    save_scores(sheet.pk, {"B1Cr5": None})
    assert b1() is Status.INCOMPLETE
