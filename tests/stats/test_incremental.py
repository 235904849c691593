"""The statistics brought up to date from their kept parts (the criteria totals by slice of
sheets, the decoded results of every candidate) equal the statistics computed from nothing,
after each kind of change: a sheet saved, an import into one session, a jury's closing, a
candidate or a sheet gone; and after any sequence of score corrections (hypothesis)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.cache import cache
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certif.candidates.models import Candidate
from certif.core import audit
from certif.core.roles import Role
from certif.deliberations import services
from certif.deliberations.models import UnitStatus
from certif.domain.referential.schema import CriterionKind, Referential
from certif.grading.models import COUNTING, Marking, Score, ScoreSheet, SheetStatus
from certif.grading.services import change_score, reopen_sheet
from certif.imports.scores import import_scores
from certif.results.services import recompute
from certif.stats import population, sums
from certif.stats.evaluators import evaluators_figures
from certif.stats.presenting import as_json, statistics
from certif.stats.scope import Scope
from tests.support.builders import score_rows, threshold, values_totalling
from tests.support.deliberations import closed_on_its_day, decision, seat_jury
from tests.support.files import SCORE_HEADER, write_csv
from tests.support.stats import ABSENT, BELOW, FAILED, PASSED, Cohort, marked_sheet

pytestmark = pytest.mark.django_db

JUSTIFICATION = "Le jury retient la pratique professionnelle attestée par le dossier."


def scopes() -> list[Scope]:
    return [Scope(), Scope(session="2026-06"), Scope(year=2026), Scope(access_path="VAE")]


@pytest.fixture(autouse=True)
def small_slices(monkeypatch: pytest.MonkeyPatch) -> None:
    """Slices of two sheets: the cohort's sheets spread over many, as millions would."""
    monkeypatch.setattr(sums, "SLICE", 2)


def brought_up_to_date() -> list[str]:
    """Every scope's JSON from what is kept, brought up to date."""
    return [json.dumps(as_json(statistics(scope, draws=20)), sort_keys=True) for scope in scopes()]


NOTHING_KEPT = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def from_nothing() -> list[str]:
    """Every scope's JSON computed with nothing kept: no cache, no frame (what was kept is
    left as it was, so that the next change is brought up to date again)."""
    frames = dict(population._kept)
    population.forget()
    try:
        with override_settings(CACHES=NOTHING_KEPT):
            return brought_up_to_date()
    finally:
        population.forget()
        population._kept.update(frames)


def assert_up_to_date() -> None:
    found = brought_up_to_date()
    assert found == from_nothing()


def a_counting_sheet(block: str = "B1") -> ScoreSheet:
    return ScoreSheet.objects.filter(
        marking__in=COUNTING, status=SheetStatus.SUBMITTED, block__code=block
    ).order_by("pk")[0]


def test_the_kept_parts_are_used_once_computed(cohort: Cohort) -> None:
    brought_up_to_date()
    assert cache.get(sums.CACHE_KEY)
    assert len(cache.get(sums.CACHE_KEY)) > 1  # many slices of two sheets
    assert population._kept


def test_a_sheet_saved_is_counted_as_from_nothing(cohort: Cohort, staff: AbstractUser) -> None:
    brought_up_to_date()
    sheet = a_counting_sheet()
    score = Score.objects.filter(sheet=sheet, criterion__kind=CriterionKind.POINTS).first()
    assert score is not None
    change_score(sheet.pk, score.criterion.code, Decimal(0), actor=staff, reason="Correction.")
    assert_up_to_date()


def test_a_sheet_reopened_leaves_the_criteria_as_from_nothing(
    cohort: Cohort, staff: AbstractUser
) -> None:
    brought_up_to_date()
    reopen_sheet(a_counting_sheet("B2").pk, staff, "Une note à revoir.")
    assert_up_to_date()


def test_an_import_into_another_session_is_counted_as_from_nothing(
    cohort: Cohort, ccab: Referential, tmp_path: Path
) -> None:
    brought_up_to_date()
    rows = score_rows(ccab, ABSENT, "B1", threshold(ccab, "B1") + 2, session="2026-12")
    rows += score_rows(ccab, FAILED, "B2", threshold(ccab, "B2") + 1, session="2026-12")
    import_scores(write_csv(tmp_path / "decembre.csv", SCORE_HEADER, rows), create_sessions=True)
    assert_up_to_date()


def test_an_import_correcting_scores_is_counted_as_from_nothing(
    cohort: Cohort, ccab: Referential, tmp_path: Path
) -> None:
    brought_up_to_date()
    rows = [row for n in PASSED for row in score_rows(ccab, n, "B4", threshold(ccab, "B4") - 2)]
    path = write_csv(tmp_path / "corrections.csv", SCORE_HEADER, rows)
    import_scores(path, replace=True, include_validated=True)
    assert_up_to_date()


def test_a_jury_closing_is_counted_as_from_nothing(
    cohort: Cohort, staff: AbstractUser, president: AbstractUser, member: AbstractUser
) -> None:
    brought_up_to_date()
    deliberation = services.open_deliberation(cohort.session, staff, date(2026, 7, 1), "Paris")
    seat_jury(deliberation, president, member)
    services.override(
        decision(deliberation, BELOW, "B1"), UnitStatus.VALIDATED, JUSTIFICATION, member
    )
    closed_on_its_day(deliberation, president)
    assert_up_to_date()


def test_double_marked_sheets_are_counted_as_from_nothing(
    cohort: Cohort, ccab: Referential, make_user: Callable[..., AbstractUser]
) -> None:
    brought_up_to_date()
    first = make_user(Role.EVALUATOR, username="premiere")
    second = make_user(Role.EVALUATOR, username="seconde")
    limit = threshold(ccab, "B1")
    for index, numero in enumerate(PASSED):
        low = values_totalling(ccab.block("B1"), limit - 1 + index)
        high = values_totalling(ccab.block("B1"), limit + 1 + index)
        marked_sheet(cohort.session, numero, "B1", first, Marking.FIRST, low)
        sheet = marked_sheet(cohort.session, numero, "B1", second, Marking.SECOND, high)
    saved = audit.known("grading.sheet.saved")
    assert saved is not None
    audit.record(saved, sheet)  # as the services journal every sheet they write
    assert_up_to_date()
    for scope in scopes():  # the slices' marks give what the scope's own queries give
        assert statistics(scope, draws=20).evaluators == evaluators_figures(scope, ccab, draws=20)
    second.first_name = "Renommée"
    second.save()
    audit.record(saved, sheet)
    assert_up_to_date()


def test_a_candidate_gone_is_counted_as_from_nothing(cohort: Cohort) -> None:
    brought_up_to_date()
    Candidate.objects.get(numero=PASSED[0]).delete()  # its sheets and result with it
    assert_up_to_date()


def test_a_sheet_removed_is_counted_as_from_nothing(cohort: Cohort) -> None:
    brought_up_to_date()
    sheet = a_counting_sheet("B4")
    candidate = sheet.candidate_id
    sheet.delete()
    recompute([candidate])
    assert_up_to_date()


def test_only_the_slice_of_a_sheet_saved_is_summed_again(
    cohort: Cohort, staff: AbstractUser
) -> None:
    sums.totals_by_session()
    stamps = sums.slice_stamps()
    sheet = a_counting_sheet()
    score = Score.objects.filter(sheet=sheet, criterion__kind=CriterionKind.POINTS).first()
    assert score is not None
    change_score(sheet.pk, score.criterion.code, Decimal(0), actor=staff, reason="Correction.")
    _totals, _slices, stale = sums.fresh_totals(sums.slice_stamps(), cache.get(sums.CACHE_KEY))
    assert stale == 1
    assert len(stamps) > 1


def test_only_the_candidates_whose_result_changed_are_read_again(
    cohort: Cohort, staff: AbstractUser
) -> None:
    from certif.stats.results import _version_of

    version = _version_of(Scope())
    assert version is not None
    kept = population.population(version.pk, version.referential)
    sheet = a_counting_sheet()
    score = Score.objects.filter(sheet=sheet, criterion__kind=CriterionKind.POINTS).first()
    assert score is not None
    change_score(sheet.pk, score.criterion.code, Decimal(0), actor=staff, reason="Correction.")
    frame, read = population.brought_up_to_date(kept, population.stamps(), version.referential)
    assert read == 1
    assert frame.equals(population.read_all(version.referential).sort("candidate_id"))


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_sequence_of_corrections_is_counted_as_from_nothing(
    cohort: Cohort, staff: AbstractUser, data: st.DataObject
) -> None:
    brought_up_to_date()
    scores = list(
        Score.objects.filter(criterion__kind=CriterionKind.POINTS)
        .select_related("criterion")
        .order_by("pk")
    )
    for _ in range(data.draw(st.integers(1, 4), label="corrections")):
        score = data.draw(st.sampled_from(scores), label="score")
        maximum = score.criterion.max_points or Decimal(1)
        quarters = data.draw(st.integers(0, int(maximum * 4)), label="quarters")
        change_score(
            score.sheet_id, score.criterion.code, Decimal(quarters) / 4, actor=staff, reason="R."
        )
    assert_up_to_date()
