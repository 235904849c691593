"""Double marking: two sheets compared, gaps flagged, the agreed sheet is the one that counts."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse

from certif.accounts.models import ConflictKind
from certif.accounts.services import declare_conflict
from certif.core.models import AuditEvent
from certif.core.roles import Role
from certif.domain.numbers import format_score
from certif.domain.referential.schema import Referential
from certif.domain.rules.results import Status
from certif.domain.values import Value
from certif.grading.forms import grid_data
from certif.grading.models import Marking, Score, ScoreChange, ScoreSheet, SheetStatus
from certif.grading.policies import may_reconcile
from certif.grading.services import (
    ConflictRefused,
    GradedUnit,
    GradingError,
    IncompleteSheet,
    SheetLocked,
    open_sheet,
    record_agreed_sheet,
    reopen_sheet,
)
from certif.imports.exports import export
from certif.results.models import CandidateResult
from certif.sessions.models import Assignment
from certif.web.grading.views import reconcile_url
from tests.support.grading import as_typed, full_marks, signed_in, submitted, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def markers(
    assign: Callable[..., Assignment], make_user: Callable[..., AbstractUser]
) -> tuple[Assignment, Assignment]:
    return (
        assign(make_user(Role.EVALUATOR), "B1", marker=1),
        assign(make_user(Role.EVALUATOR), "B1", marker=2),
    )


def with_gap(ccab: Referential, code: str, points: str) -> dict[str, Value]:
    """Full marks except ``code``, ``points`` below its maximum."""
    values = full_marks(ccab, "B1")
    values[code] = Decimal(values[code]) - Decimal(points)
    return values


@pytest.fixture
def both_submitted(
    markers: tuple[Assignment, Assignment], ccab: Referential
) -> tuple[ScoreSheet, ScoreSheet]:
    first, second = markers
    return (
        submitted(first, full_marks(ccab, "B1")),
        submitted(second, with_gap(ccab, "B1Cr2", "1.5")),
    )


def url_of(assignment: Assignment) -> str:
    return reconcile_url(GradedUnit.of(assignment))


# -- the two markings --------------------------------------------------------------------------


def test_two_assigned_evaluators_get_a_first_and_a_second_marking(
    markers: tuple[Assignment, Assignment],
) -> None:
    first, second = (open_sheet(a) for a in markers)
    assert (first.marking, second.marking) == (Marking.FIRST, Marking.SECOND)


def test_a_second_marker_turns_the_single_marking_into_the_first(
    assign: Callable[..., Assignment], make_user: Callable[..., AbstractUser]
) -> None:
    alone = assign(make_user(Role.EVALUATOR), "B1", marker=1)
    sheet = open_sheet(alone)
    assert sheet.marking == Marking.SINGLE
    assign(make_user(Role.EVALUATOR), "B1", marker=2)
    assert open_sheet(alone).pk == sheet.pk
    sheet.refresh_from_db()
    assert sheet.marking == Marking.FIRST


def test_the_comparison_waits_until_both_markings_are_submitted(
    markers: tuple[Assignment, Assignment], ccab: Referential
) -> None:
    first, second = markers
    submitted(first, full_marks(ccab, "B1"))
    open_sheet(second)
    page = text_of(signed_in(second.evaluator).get(url_of(first)))
    assert "quand les deux corrections sont soumises" in page
    assert 'name="v_B1Cr1"' not in page


# -- gaps --------------------------------------------------------------------------------------


def test_a_gap_above_the_configured_threshold_is_flagged_in_words(
    markers: tuple[Assignment, Assignment],
    both_submitted: tuple[ScoreSheet, ScoreSheet],
    as_role: Callable[[Role], Client],
    settings: Any,
) -> None:
    settings.DOUBLE_MARKING_GAP = "1"
    page = text_of(as_role(Role.STAFF).get(url_of(markers[0])))
    assert "1 critère signalé à examiner" in page
    assert "écart de 1,50 : à examiner" in page


def test_a_gap_within_the_threshold_is_not_flagged(
    markers: tuple[Assignment, Assignment],
    both_submitted: tuple[ScoreSheet, ScoreSheet],
    as_role: Callable[[Role], Client],
    settings: Any,
) -> None:
    settings.DOUBLE_MARKING_GAP = "1,5"
    page = text_of(as_role(Role.STAFF).get(url_of(markers[0])))
    assert "Aucun écart au-delà du seuil" in page
    assert "à examiner" not in page


def test_both_totals_are_shown(
    markers: tuple[Assignment, Assignment],
    both_submitted: tuple[ScoreSheet, ScoreSheet],
    ccab: Referential,
    as_role: Callable[[Role], Client],
) -> None:
    out_of = ccab.block("B1").scoring.out_of  # type: ignore[union-attr]
    page = text_of(as_role(Role.STAFF).get(url_of(markers[0])))
    assert format_score(out_of) in page
    assert format_score(out_of - Decimal("1.5")) in page


def test_the_agreed_values_are_prefilled_where_both_markers_agree(
    markers: tuple[Assignment, Assignment],
    both_submitted: tuple[ScoreSheet, ScoreSheet],
    ccab: Referential,
) -> None:
    page = text_of(signed_in(markers[1].evaluator).get(url_of(markers[0])))
    agreed = full_marks(ccab, "B1")
    assert f'name="v_B1Cr1" value="{format_score(agreed["B1Cr1"])}"' in page
    disagreed = re.search(r'<input[^>]*name="v_B1Cr2"[^>]*>', page)
    assert disagreed is not None
    assert "value=" not in disagreed.group(0)


# -- access ------------------------------------------------------------------------------------


def test_either_marker_and_a_gestionnaire_may_reconcile(
    markers: tuple[Assignment, Assignment],
    both_submitted: tuple[ScoreSheet, ScoreSheet],
    as_role: Callable[[Role], Client],
) -> None:
    url = url_of(markers[0])
    assert signed_in(markers[0].evaluator).get(url).status_code == 200
    assert signed_in(markers[1].evaluator).get(url).status_code == 200
    assert as_role(Role.STAFF).get(url).status_code == 200


@pytest.mark.parametrize("role", [role for role in Role if role is not Role.STAFF])
def test_anyone_else_is_refused_the_reconciliation(
    role: Role,
    markers: tuple[Assignment, Assignment],
    both_submitted: tuple[ScoreSheet, ScoreSheet],
    as_role: Callable[[Role], Client],
) -> None:
    assert as_role(role).get(url_of(markers[0])).status_code == 403


def test_the_list_of_reconciliations_is_for_gestionnaires(
    as_role: Callable[[Role], Client],
) -> None:
    assert as_role(Role.STAFF).get(reverse("grading:reconciliations")).status_code == 200


@pytest.mark.parametrize("role", [role for role in Role if role is not Role.STAFF])
def test_the_list_of_reconciliations_is_refused_to_other_roles(
    role: Role, as_role: Callable[[Role], Client]
) -> None:
    assert as_role(role).get(reverse("grading:reconciliations")).status_code == 403


# -- the agreed sheet --------------------------------------------------------------------------


def test_the_agreed_sheet_is_what_the_stored_result_uses(
    markers: tuple[Assignment, Assignment],
    both_submitted: tuple[ScoreSheet, ScoreSheet],
    ccab: Referential,
) -> None:
    agreed = with_gap(ccab, "B1Cr2", "0.75")
    client = signed_in(markers[0].evaluator)
    response = client.post(url_of(markers[0]), {"revision": "0", **as_typed(agreed)})
    assert response.status_code == 302
    sheet = ScoreSheet.objects.get(marking=Marking.AGREED)
    assert sheet.status == SheetStatus.SUBMITTED
    block = CandidateResult.objects.get(candidate=markers[0].candidate).decision.blocks["B1"]
    out_of = ccab.block("B1").scoring.out_of  # type: ignore[union-attr]
    assert block.score == out_of - Decimal("0.75")
    assert block.status is Status.VALIDATED


def test_before_agreement_the_two_markings_do_not_count(
    markers: tuple[Assignment, Assignment], both_submitted: tuple[ScoreSheet, ScoreSheet]
) -> None:
    result = CandidateResult.objects.get(candidate=markers[0].candidate).decision
    assert result.blocks["B1"].status is Status.NOT_ASSESSED


def test_the_agreement_keeps_each_values_history_and_is_audited(
    markers: tuple[Assignment, Assignment],
    both_submitted: tuple[ScoreSheet, ScoreSheet],
    ccab: Referential,
) -> None:
    actor = markers[1].evaluator
    agreed = record_agreed_sheet(
        GradedUnit.of(markers[0]),
        {**grid_data(with_gap(ccab, "B1Cr2", "1"), revision=0), "reason": "accord après échange"},
        actor=actor,
    )
    changes = ScoreChange.objects.filter(sheet=agreed)
    assert changes.count() == len(ccab.block("B1").criteria)
    assert {c.reason for c in changes} == {"accord après échange"}
    event = AuditEvent.objects.get(action="grading.sheet.agreed")
    assert (event.actor_id, event.after["B1Cr2"]) == (actor.pk, "3,00")


def test_an_incomplete_agreement_is_refused_and_nothing_is_written(
    markers: tuple[Assignment, Assignment],
    both_submitted: tuple[ScoreSheet, ScoreSheet],
    ccab: Referential,
) -> None:
    values: dict[str, Value | None] = dict(full_marks(ccab, "B1"))
    values["B1Cr2"] = None
    with pytest.raises(IncompleteSheet, match="B1Cr2"):
        record_agreed_sheet(GradedUnit.of(markers[0]), grid_data(values, revision=0))
    assert not ScoreSheet.objects.filter(marking=Marking.AGREED).exists()


def test_an_agreement_before_both_submissions_is_refused(
    markers: tuple[Assignment, Assignment], ccab: Referential
) -> None:
    submitted(markers[0], full_marks(ccab, "B1"))
    with pytest.raises(GradingError, match="deux corrections doivent être soumises"):
        record_agreed_sheet(
            GradedUnit.of(markers[0]), grid_data(full_marks(ccab, "B1"), revision=0)
        )


def test_an_agreed_sheet_is_locked_until_a_gestionnaire_reopens_it(
    markers: tuple[Assignment, Assignment],
    both_submitted: tuple[ScoreSheet, ScoreSheet],
    ccab: Referential,
    make_user: Callable[..., AbstractUser],
) -> None:
    unit = GradedUnit.of(markers[0])
    agreed = record_agreed_sheet(unit, grid_data(dict(full_marks(ccab, "B1")), revision=0))
    with pytest.raises(SheetLocked):
        record_agreed_sheet(unit, grid_data(dict(full_marks(ccab, "B1")), revision=agreed.revision))
    reopened = reopen_sheet(agreed.pk, make_user(Role.STAFF), "nouvel accord")
    record_agreed_sheet(unit, grid_data(with_gap(ccab, "B1Cr1", "1"), revision=reopened.revision))
    assert Score.objects.get(sheet=agreed, criterion__code="B1Cr1").value == int(
        (Decimal(full_marks(ccab, "B1")["B1Cr1"]) - 1) * 100
    )


def test_an_out_of_range_agreed_value_is_refused_naming_the_criterion(
    markers: tuple[Assignment, Assignment],
    both_submitted: tuple[ScoreSheet, ScoreSheet],
    ccab: Referential,
) -> None:
    typed = as_typed(full_marks(ccab, "B1"))
    typed["v_B1Cr3"] = "99"
    response = signed_in(markers[0].evaluator).post(url_of(markers[0]), {"revision": "0", **typed})
    page = text_of(response)
    assert "hors barème" in page
    assert "B1Cr3" in page
    assert not ScoreSheet.objects.filter(marking=Marking.AGREED).exists()


# -- the list of pending reconciliations -------------------------------------------------------


def test_pending_reconciliations_are_listed_with_their_largest_gap(
    markers: tuple[Assignment, Assignment],
    both_submitted: tuple[ScoreSheet, ScoreSheet],
    as_role: Callable[[Role], Client],
) -> None:
    page = text_of(as_role(Role.STAFF).get(reverse("grading:reconciliations")))
    assert url_of(markers[0]) in page
    assert "1,50" in page
    assert "au-delà du seuil" in page


def test_an_agreed_unit_leaves_the_list(
    markers: tuple[Assignment, Assignment],
    both_submitted: tuple[ScoreSheet, ScoreSheet],
    ccab: Referential,
    as_role: Callable[[Role], Client],
) -> None:
    record_agreed_sheet(
        GradedUnit.of(markers[0]), grid_data(dict(full_marks(ccab, "B1")), revision=0)
    )
    page = text_of(as_role(Role.STAFF).get(reverse("grading:reconciliations")))
    assert url_of(markers[0]) not in page


def test_the_dashboard_shows_gestionnaires_the_reconciliations_waiting(
    markers: tuple[Assignment, Assignment],
    both_submitted: tuple[ScoreSheet, ScoreSheet],
    as_role: Callable[[Role], Client],
) -> None:
    page = text_of(as_role(Role.STAFF).get(reverse("home")))
    assert "Rapprochements en attente" in page
    assert url_of(markers[0]) in page


def test_a_unit_with_parts_has_its_part_in_the_reconciliation_url(
    assign: Callable[..., Assignment],
    make_user: Callable[..., AbstractUser],
    ccab: Referential,
    as_role: Callable[[Role], Client],
) -> None:
    part = ccab.block("B3").parts[0].code
    first = assign(make_user(Role.EVALUATOR), "B3", part=part, marker=1)
    second = assign(make_user(Role.EVALUATOR), "B3", part=part, marker=2)
    marks = {c.code: c.max_points or Decimal(0) for c in ccab.block("B3").criteria}
    submitted(first, dict(marks))
    submitted(second, dict(marks))
    url = url_of(first)
    assert url.endswith(f"/{part}/")
    page = text_of(as_role(Role.STAFF).get(url))
    assert ccab.block("B3").parts[0].label in page
    assert "Aucun écart au-delà du seuil" in page


def test_a_scores_export_lists_the_agreed_values_and_not_the_two_markings(
    markers: tuple[Assignment, Assignment],
    both_submitted: tuple[ScoreSheet, ScoreSheet],
    ccab: Referential,
    tmp_path: Path,
) -> None:
    path = tmp_path / "notes.csv"
    assert export("scores", path) == 0
    record_agreed_sheet(
        GradedUnit.of(markers[0]), grid_data(with_gap(ccab, "B1Cr2", "0.5"), revision=0)
    )
    assert export("scores", path) == len(ccab.block("B1").criteria)


# -- links of interest hold at every door -----------------------------------------------------


def test_a_marker_linked_to_the_candidate_after_marking_cannot_record_the_agreed_sheet(
    markers: tuple[Assignment, Assignment],
    both_submitted: tuple[ScoreSheet, ScoreSheet],
    ccab: Referential,
) -> None:
    linked = markers[0].evaluator
    declare_conflict(linked, markers[0].candidate, ConflictKind.RELATIVE)
    with pytest.raises(ConflictRefused, match="lien d'intérêt"):
        record_agreed_sheet(
            GradedUnit.of(markers[0]),
            grid_data(full_marks(ccab, "B1"), revision=0),
            actor=linked,
        )
    assert not ScoreSheet.objects.filter(marking=Marking.AGREED).exists()
    assert AuditEvent.objects.filter(action="access.refused", actor=linked).exists()


def test_a_marker_linked_to_the_candidate_may_no_longer_compare_the_markings(
    markers: tuple[Assignment, Assignment],
    both_submitted: tuple[ScoreSheet, ScoreSheet],
) -> None:
    linked = markers[1].evaluator
    declare_conflict(linked, markers[1].candidate, ConflictKind.EMPLOYER)
    assert not may_reconcile(linked, GradedUnit.of(markers[1]))
    assert signed_in(linked).get(url_of(markers[1])).status_code == 403
