"""Results statistics against a cohort whose numbers are known by construction
(``tests/support/stats.py``)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from django.contrib.auth.models import AbstractUser

from certif.deliberations import services
from certif.deliberations.models import UnitStatus
from certif.domain.referential.schema import Referential
from certif.stats.results import criteria_by_session, results_figures
from certif.stats.scope import Scope
from tests.support.builders import threshold
from tests.support.deliberations import closed_on_its_day, decision, seat_jury
from tests.support.stats import AT_THRESHOLD, BELOW, PASSED, VAE, Cohort

pytestmark = pytest.mark.django_db

JUSTIFICATION = "Le jury retient la pratique professionnelle attestée par le dossier."


def counts(figures: object, key: str) -> tuple[int, int, int, int]:
    unit = figures.unit(key)  # type: ignore[attr-defined]
    c = unit.counts
    return (c["validated"], c["not_validated"], c["incomplete"], c["not_assessed"])


def test_every_candidate_counts_in_the_scope_of_everyone(cohort: Cohort) -> None:
    figures = results_figures(Scope())
    assert figures.candidates == 7
    assert figures.certified == len(PASSED)


def test_b1_counts_each_status_of_the_cohort(cohort: Cohort) -> None:
    # Validated: the three who pass everything and the one exactly at the threshold; not
    # validated: the failed one and the one a point below; not assessed: the absent one.
    assert counts(results_figures(Scope()), "B1") == (len(PASSED) + 1, 2, 0, 1)


def test_a_sheet_missing_a_criterion_makes_b2_incomplete(cohort: Cohort) -> None:
    assert counts(results_figures(Scope()), "B2") == (len(PASSED), 1, 1, 2)


def test_the_pass_rate_is_among_those_assessed_only(cohort: Cohort) -> None:
    figures = results_figures(Scope())
    assert figures.unit("B1").pass_rate == Fraction(len(PASSED) + 1, len(PASSED) + 3)
    assert figures.unit("B2").pass_rate == Fraction(len(PASSED), len(PASSED) + 1)


def test_b3_and_each_of_its_parts_are_counted(cohort: Cohort, ccab: Referential) -> None:
    figures = results_figures(Scope())
    assert counts(figures, "B3") == (len(PASSED), 1, 0, 3)
    for part in ccab.block("B3").parts:
        assert counts(figures, f"B3:{part.code}") == (len(PASSED), 1, 0, 3)


def test_the_memoire_is_validated_by_its_conditions(cohort: Cohort) -> None:
    assert counts(results_figures(Scope()), "MEM") == (len(PASSED) + 1, 0, 0, 3)


def test_the_histogram_puts_each_score_in_its_bin(cohort: Cohort, ccab: Referential) -> None:
    distribution = results_figures(Scope()).unit("B1").distribution
    assert distribution is not None
    by_low = {b.low: b.count for b in distribution.bins}
    limit = threshold(ccab, "B1")
    assert by_low[Fraction(limit + 4)] == len(PASSED)
    assert by_low[Fraction(limit)] == 1
    assert by_low[Fraction(limit - 1)] == 1
    assert by_low[Fraction(limit - 4)] == 1
    assert distribution.scored == len(PASSED) + 3
    assert distribution.threshold == limit


def test_borderline_counts_the_scores_within_one_point_of_the_threshold(cohort: Cohort) -> None:
    distribution = results_figures(Scope()).unit("B1").distribution
    assert distribution is not None
    assert distribution.borderline == len([AT_THRESHOLD, BELOW])


def test_a_session_scope_leaves_out_the_candidates_who_did_not_sit_it(cohort: Cohort) -> None:
    figures = results_figures(Scope(session=cohort.session.code))
    assert figures.candidates == 6
    assert counts(figures, "B1")[3] == 0


def test_an_access_path_scope_keeps_its_candidates(cohort: Cohort) -> None:
    figures = results_figures(Scope(access_path="VAE"))
    assert figures.candidates == len(VAE)
    assert figures.certified == 1
    assert counts(figures, "B1") == (1, 1, 0, 0)


def test_a_year_scope_keeps_the_sessions_begun_that_year(cohort: Cohort) -> None:
    assert results_figures(Scope(year=2026)).candidates == 6
    assert results_figures(Scope(year=2025)).candidates == 0


def test_full_marks_give_a_mean_share_of_one_and_none_a_criterion_nobody_got(
    cohort: Cohort, ccab: Referential
) -> None:
    figures = results_figures(Scope(session=cohort.session.code))
    mem = {c.code: c for c in figures.criteria if c.block == "MEM"}
    # Every thesis of the cohort meets its conditions: every oui/non criterion answered oui.
    assert all(c.mean_share == 1 for c in mem.values())
    assert all(c.sheets == len(PASSED) + 1 for c in mem.values())
    assert "MEMPages" not in mem  # a page count has no maximum


def test_a_criterion_share_is_its_points_over_its_maximum(
    cohort: Cohort, ccab: Referential
) -> None:
    from tests.support.builders import values_totalling

    b4 = ccab.block("B4")
    limit = threshold(ccab, "B4")
    high = values_totalling(b4, limit + 4)
    low = values_totalling(b4, limit - 4)
    criterion = b4.criteria[0]
    assert criterion.max_points
    expected = (Fraction(high[criterion.code]) * len(PASSED) + Fraction(low[criterion.code])) / (
        (len(PASSED) + 1) * Fraction(criterion.max_points)
    )
    found = next(c for c in results_figures(Scope()).criteria if c.code == criterion.code)
    assert found.mean_share == expected


def test_the_heat_map_has_one_column_per_session(cohort: Cohort, ccab: Referential) -> None:
    data = criteria_by_session(Scope(), ccab)
    assert data.sessions == [cohort.session.code]
    assert len(data.shares) == len(data.criteria)


def test_a_jury_decision_replaces_the_proposal_and_says_so(
    cohort: Cohort,
    staff: AbstractUser,
    president: AbstractUser,
    member: AbstractUser,
) -> None:
    deliberation = services.open_deliberation(cohort.session, staff, date(2026, 7, 1), "Paris")
    seat_jury(deliberation, president, member)
    services.override(
        decision(deliberation, BELOW, "B1"), UnitStatus.VALIDATED, JUSTIFICATION, member
    )
    closed_on_its_day(deliberation, president)
    figures = results_figures(Scope())
    assert counts(figures, "B1") == (len(PASSED) + 2, 1, 0, 1)
    # Every unit the jury decided (confirmed or overridden) comes from it.
    assert figures.unit("B1").jury == len(PASSED) + 3
    assert figures.certified == len(PASSED)
    assert figures.certified_by_jury == len(PASSED)
