"""Saving scores: history kept, decisions recomputed, concurrent saves never lost."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser

from certif.accounts.models import ConflictKind
from certif.accounts.services import declare_conflict
from certif.candidates.models import Candidate
from certif.core.errors import Forbidden, Invalid, Stale
from certif.core.models import AuditEvent
from certif.core.roles import Role
from certif.domain.referential.schema import Referential
from certif.domain.rules.results import Status
from certif.grading.forms import grid_data
from certif.grading.models import Score, ScoreChange, ScoreSheet, SheetStatus
from certif.grading.queries import compare_values, gap_threshold
from certif.grading.services import (
    ConflictRefused,
    GradingError,
    IncompleteSheet,
    SheetLocked,
    change_score,
    open_sheet,
    reopen_sheet,
    save_scores,
    save_sheet,
    submit_sheet,
)
from certif.imports.scores import import_scores
from certif.results.models import CandidateResult
from certif.sessions.models import Assignment
from tests.support.builders import score_rows
from tests.support.files import SCORE_HEADER, write_csv
from tests.support.grading import full_marks, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheet(ccab: Referential, candidates: list[Candidate], tmp_path: Path) -> ScoreSheet:
    import_scores(
        write_csv(tmp_path / "n.csv", SCORE_HEADER, score_rows(ccab, "C001", "B1", "12")),
        create_sessions=True,
    )
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
    with pytest.raises(Stale, match="modifiée entre-temps"):
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


# -- the grading pages' services ---------------------------------------------------------------


def test_opening_a_sheet_twice_gives_the_same_sheet(assignment: Assignment) -> None:
    first = open_sheet(assignment, actor=assignment.evaluator)
    assert open_sheet(assignment, actor=assignment.evaluator).pk == first.pk
    assert AuditEvent.objects.filter(action="grading.sheet.opened").count() == 1


def test_saving_a_draft_is_audited(assignment: Assignment) -> None:
    opened = open_sheet(assignment)
    save_sheet(
        opened.pk, grid_data({"B1Cr1": "2,5"}, revision=opened.revision), actor=assignment.evaluator
    )
    event = AuditEvent.objects.get(action="grading.sheet.saved")
    assert (event.actor_id, event.after["changed"]) == (assignment.evaluator.pk, 1)


def test_submitting_refuses_an_incomplete_sheet_and_names_what_is_missing(
    assignment: Assignment,
) -> None:
    opened = open_sheet(assignment)
    with pytest.raises(IncompleteSheet, match="B1Cr2") as refused:
        submit_sheet(opened.pk, grid_data({"B1Cr1": "2"}, revision=opened.revision))
    assert "B1Cr1" not in refused.value.missing
    opened.refresh_from_db()
    assert opened.status == SheetStatus.DRAFT
    assert not Score.objects.filter(sheet=opened).exists()


def test_submitting_a_complete_sheet_records_when_and_audits(
    assignment: Assignment, ccab: Referential
) -> None:
    opened = open_sheet(assignment)
    done = submit_sheet(
        opened.pk,
        grid_data(full_marks(ccab, "B1"), revision=opened.revision),
        actor=assignment.evaluator,
    )
    assert (done.status, done.submitted_at is not None) == (SheetStatus.SUBMITTED, True)
    assert AuditEvent.objects.filter(action="grading.sheet.submitted").exists()


def test_submitting_twice_is_refused(assignment: Assignment, ccab: Referential) -> None:
    done = submitted(assignment, full_marks(ccab, "B1"))
    with pytest.raises(SheetLocked):
        submit_sheet(done.pk)


def test_reopening_without_a_reason_is_refused(
    assignment: Assignment, ccab: Referential, make_user: Callable[..., AbstractUser]
) -> None:
    done = submitted(assignment, full_marks(ccab, "B1"))
    with pytest.raises(Invalid, match="motif"):
        reopen_sheet(done.pk, make_user(Role.STAFF), " ")


def test_only_a_gestionnaire_reopens_a_sheet(assignment: Assignment, ccab: Referential) -> None:
    done = submitted(assignment, full_marks(ccab, "B1"))
    with pytest.raises(Forbidden, match="gestionnaire"):
        reopen_sheet(done.pk, assignment.evaluator, "je me suis trompé")


def test_a_draft_follows_its_unit_to_a_newly_assigned_evaluator(
    assignment: Assignment, make_user: Callable[..., AbstractUser]
) -> None:
    opened = open_sheet(assignment)
    newcomer = make_user(Role.EVALUATOR)
    Assignment.objects.filter(pk=assignment.pk).update(evaluator=newcomer)
    assignment.refresh_from_db()
    assert open_sheet(assignment).pk == opened.pk
    opened.refresh_from_db()
    assert opened.evaluator_id == newcomer.pk


def test_a_declared_link_of_interest_refuses_opening(assignment: Assignment) -> None:
    declare_conflict(assignment.evaluator, assignment.candidate, ConflictKind.EMPLOYER)
    with pytest.raises(ConflictRefused):
        open_sheet(assignment)


def test_the_gap_threshold_reads_the_setting_with_a_comma(settings: Any) -> None:
    settings.DOUBLE_MARKING_GAP = "0,5"
    assert gap_threshold() == Decimal("0.5")


def test_any_oui_non_disagreement_is_flagged(ccab: Referential) -> None:
    criteria = [c for c in ccab.block("MEM").criteria if c.kind == "yes_no"][:1]
    code = criteria[0].code
    gaps = compare_values(criteria, {code: True}, {code: False}, Decimal("100"))
    assert gaps[0].flagged


def test_a_link_declared_after_the_sheet_was_opened_refuses_saving_it(
    assignment: Assignment, ccab: Referential
) -> None:
    sheet = open_sheet(assignment)
    declare_conflict(assignment.evaluator, assignment.candidate, ConflictKind.RELATIVE)
    with pytest.raises(ConflictRefused):
        save_sheet(
            sheet.pk,
            grid_data(full_marks(ccab, "B1"), revision=sheet.revision),
            actor=assignment.evaluator,
        )
    assert not Score.objects.filter(sheet=sheet).exists()
    assert AuditEvent.objects.filter(action="access.refused", actor=assignment.evaluator).exists()


def test_a_link_declared_after_the_sheet_was_opened_refuses_submitting_it(
    assignment: Assignment, ccab: Referential
) -> None:
    sheet = open_sheet(assignment)
    saved = save_sheet(
        sheet.pk,
        grid_data(full_marks(ccab, "B1"), revision=sheet.revision),
        actor=assignment.evaluator,
    )
    declare_conflict(assignment.evaluator, assignment.candidate, ConflictKind.TRAINER)
    with pytest.raises(ConflictRefused):
        submit_sheet(sheet.pk, actor=assignment.evaluator, expected_revision=saved.sheet.revision)
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.DRAFT
