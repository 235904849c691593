"""Evaluators: sheets graded, severity on double-marked units, Krippendorff's alpha."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

import pytest
from django.contrib.auth.models import AbstractUser

from certif.core.roles import Role
from certif.domain.referential.schema import CriterionKind, PointsScoring, Referential
from certif.domain.statistics.reliability import Metric, krippendorff_alpha
from certif.grading.models import Marking
from certif.stats.evaluators import evaluators_figures
from certif.stats.scope import Scope
from tests.support.builders import threshold, values_totalling
from tests.support.stats import PASSED, Cohort, marked_sheet

pytestmark = pytest.mark.django_db

SHIFT = Decimal(2)


def scale(ccab: Referential, block: str) -> Fraction:
    spec = ccab.block(block)
    assert isinstance(spec.scoring, PointsScoring)
    maximum = sum(c.max_points or 0 for c in spec.criteria if c.kind == CriterionKind.POINTS)
    return Fraction(spec.scoring.out_of) / Fraction(maximum)


@pytest.fixture
def markers(
    cohort: Cohort, ccab: Referential, make_user: Callable[..., AbstractUser]
) -> tuple[AbstractUser, AbstractUser]:
    """On B1 of each candidate who passed, the lenient marker gives ``SHIFT`` raw points more
    than the severe one: threshold + 1 + k and threshold - 1 + k for the k-th candidate."""
    lenient = make_user(Role.EVALUATOR, username="indulgent")
    severe = make_user(Role.EVALUATOR, username="severe")
    base = threshold(ccab, "B1")
    for k, numero in enumerate(PASSED):
        for who, total, marking in (
            (lenient, base + 1 + k, Marking.FIRST),
            (severe, base + 1 + k - SHIFT, Marking.SECOND),
        ):
            values = values_totalling(ccab.block("B1"), total)
            marked_sheet(cohort.session, numero, "B1", who, marking, values)
    return lenient, severe


def test_each_evaluator_counts_the_sheets_they_submitted(
    markers: tuple[AbstractUser, AbstractUser], ccab: Referential
) -> None:
    figures = evaluators_figures(Scope(), ccab, draws=50)
    assert [(e.username, e.sheets) for e in figures.evaluators] == [
        ("indulgent", len(PASSED)),
        ("severe", len(PASSED)),
    ]


def test_severity_is_the_mean_deviation_from_the_other_marker(
    markers: tuple[AbstractUser, AbstractUser], ccab: Referential
) -> None:
    figures = {e.username: e for e in evaluators_figures(Scope(), ccab, draws=50).evaluators}
    step = Fraction(SHIFT) * scale(ccab, "B1")
    assert figures["indulgent"].mean_deviation == step
    assert figures["severe"].mean_deviation == -step
    assert figures["severe"].double_marked == len(PASSED)


def test_alpha_on_the_scores_is_the_interval_alpha_of_the_double_marked_units(
    markers: tuple[AbstractUser, AbstractUser], ccab: Referential
) -> None:
    base, unit = threshold(ccab, "B1"), scale(ccab, "B1")
    lenient = [Fraction(base + 1 + k) * unit for k in range(len(PASSED))]
    severe = [value - Fraction(SHIFT) * unit for value in lenient]
    expected = krippendorff_alpha([lenient, severe], Metric.INTERVAL)
    found = evaluators_figures(Scope(), ccab, draws=50).points
    assert found is not None
    assert found.metric is Metric.INTERVAL
    assert found.found.alpha == expected
    assert found.units == len(PASSED)
    assert found.interval is not None


def test_oui_non_criteria_are_compared_with_the_nominal_alpha(
    cohort: Cohort, ccab: Referential, make_user: Callable[..., AbstractUser]
) -> None:
    first, second = make_user(Role.EVALUATOR), make_user(Role.EVALUATOR)
    yes_no = [c.code for c in ccab.block("MEM").criteria if c.kind == CriterionKind.YES_NO]
    for numero in PASSED:
        marked_sheet(
            cohort.session, numero, "MEM", first, Marking.FIRST, dict.fromkeys(yes_no, True)
        )
        # The second marker says « non » to the first criterion of the first candidate only.
        answers = dict.fromkeys(yes_no, True)
        if numero == PASSED[0]:
            answers[yes_no[0]] = False
        marked_sheet(cohort.session, numero, "MEM", second, Marking.SECOND, answers)
    rows = [[1] * (len(PASSED) * len(yes_no)) for _ in range(2)]
    rows[1][0] = 0
    expected = krippendorff_alpha(rows, Metric.NOMINAL)
    found = evaluators_figures(Scope(), ccab, draws=50).yes_no
    assert found is not None
    assert found.metric is Metric.NOMINAL
    assert found.found.alpha == expected


def test_without_double_marking_there_is_no_alpha(cohort: Cohort, ccab: Referential) -> None:
    figures = evaluators_figures(Scope(), ccab, draws=50)
    assert figures.points is None
    assert figures.yes_no is None
