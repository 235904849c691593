"""Reverting a scores import: what it wrote undone while nothing depends on it, refused with the
reason once something does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser

from certif.candidates.models import Candidate
from certif.core.errors import Forbidden, Invalid
from certif.core.models import AuditEvent
from certif.core.roles import Role
from certif.domain.referential.schema import Referential
from certif.grading.models import Score, ScoreChange, ScoreSheet
from certif.grading.services import change_score
from certif.imports.models import ImportBatch
from certif.imports.reverting import RevertRefused, revert_blockers, revert_import
from certif.imports.scores import import_scores
from certif.sessions.models import Enrolment, ExamSession
from tests.support.builders import score_rows
from tests.support.files import SCORE_HEADER, write_csv

pytestmark = pytest.mark.django_db

REASON = {"motif": "Session mal saisie : 2027-21 pour 2027-12"}


def scores_file(tmp_path: Path, rows: list[tuple[str, ...]], name: str = "notes.csv") -> Path:
    return write_csv(tmp_path / name, SCORE_HEADER, rows)


def imported(
    tmp_path: Path, rows: list[tuple[str, ...]], name: str = "notes.csv", **options: bool
) -> ImportBatch:
    report = import_scores(scores_file(tmp_path, rows, name), **options)
    return ImportBatch.objects.get(pk=report.batch_id)


def test_reverting_an_import_that_created_a_session_leaves_nothing_of_it(
    ccab: Referential, candidates: list[Candidate], tmp_path: Path, staff: AbstractUser
) -> None:
    batch = imported(
        tmp_path, score_rows(ccab, "C001", "B1", "12", session="2027-21"), create_sessions=True
    )
    outcome = revert_import(batch, REASON, actor=staff)
    assert outcome.sessions_removed == ["2027-21"]
    assert outcome.sheets_removed == 1
    assert outcome.enrolments_removed == 1
    assert not ExamSession.objects.filter(code="2027-21").exists()
    assert not (ScoreSheet.objects.exists())
    assert not (Enrolment.objects.exists())
    assert not (Score.objects.exists())
    batch.refresh_from_db()
    assert batch.reverted_by == staff
    assert batch.revert_reason == REASON["motif"]
    event = AuditEvent.objects.get(action="import.reverted")
    assert event.reason == REASON["motif"]


def test_replaced_scores_get_their_value_and_their_import_back(
    ccab: Referential, candidates: list[Candidate], tmp_path: Path, staff: AbstractUser
) -> None:
    first_rows = score_rows(ccab, "C001", "B1", "12")
    first = imported(tmp_path, first_rows, "a.csv", create_sessions=True)
    before = dict(Score.objects.values_list("criterion__code", "value"))
    changed = [(*row[:5], "0") for row in first_rows]
    second = imported(tmp_path, changed, "b.csv", replace=True)
    revert_import(second, REASON, actor=staff)
    assert dict(Score.objects.values_list("criterion__code", "value")) == before
    assert set(Score.objects.values_list("batch_id", flat=True)) == {first.pk}
    assert ScoreSheet.objects.count() == 1  # created by the first import: it stays
    assert ScoreChange.objects.filter(source="revert").count() == len(first_rows)


def test_scores_added_to_a_sheet_that_stays_are_removed_with_their_history(
    ccab: Referential, candidates: list[Candidate], tmp_path: Path, staff: AbstractUser
) -> None:
    rows = score_rows(ccab, "C001", "B1", "12")
    imported(tmp_path, rows[:1], "a.csv", create_sessions=True)
    second = imported(tmp_path, rows[1:], "b.csv")
    revert_import(second, REASON, actor=staff)
    assert Score.objects.count() == 1
    assert ScoreChange.objects.filter(source="revert", after=None).count() == len(rows) - 1


def test_an_import_whose_scores_were_corrected_since_cannot_be_reverted(
    ccab: Referential, candidates: list[Candidate], tmp_path: Path, staff: AbstractUser
) -> None:
    rows = score_rows(ccab, "C001", "B1", "12")
    batch = imported(tmp_path, rows, create_sessions=True)
    change_score(ScoreSheet.objects.get().pk, rows[0][4], 0, actor=staff, reason="Erreur")
    assert "1 note a été modifiée depuis" in revert_blockers(batch)[0]
    with pytest.raises(RevertRefused, match="ne peut pas être annulé"):
        revert_import(batch, REASON, actor=staff)
    assert Score.objects.count() == len(rows)


def test_an_import_replaced_by_a_later_one_cannot_be_reverted(
    ccab: Referential, candidates: list[Candidate], tmp_path: Path
) -> None:
    rows = score_rows(ccab, "C001", "B1", "12")
    first = imported(tmp_path, rows, "a.csv", create_sessions=True)
    imported(tmp_path, [(*row[:5], "0") for row in rows], "b.csv", replace=True)
    assert revert_blockers(first)


def test_an_import_is_reverted_once(
    ccab: Referential, candidates: list[Candidate], tmp_path: Path, staff: AbstractUser
) -> None:
    batch = imported(tmp_path, score_rows(ccab, "C001", "B1", "12"), create_sessions=True)
    revert_import(batch, REASON, actor=staff)
    with pytest.raises(RevertRefused, match="déjà annulé"):
        revert_import(batch, REASON, actor=staff)


def test_a_revert_needs_a_reason(
    ccab: Referential, candidates: list[Candidate], tmp_path: Path, staff: AbstractUser
) -> None:
    batch = imported(tmp_path, score_rows(ccab, "C001", "B1", "12"), create_sessions=True)
    with pytest.raises(Invalid):
        revert_import(batch, {"motif": ""}, actor=staff)
    assert Score.objects.exists()


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.JURY_PRESIDENT])
def test_only_a_gestionnaire_reverts_an_import(
    role: Role,
    ccab: Referential,
    candidates: list[Candidate],
    tmp_path: Path,
    make_user: Callable[..., AbstractUser],
) -> None:
    batch = imported(tmp_path, score_rows(ccab, "C001", "B1", "12"), create_sessions=True)
    with pytest.raises(Forbidden):
        revert_import(batch, REASON, actor=make_user(role))
    assert Score.objects.exists()
