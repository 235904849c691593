"""The insertion rates, computed through the services on a hand-made set of answers with
neutralised cases (docs/statistics.md's worked example)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from certif.domain.statistics.insertion import MeasurementPoint, NeutralisedReason
from certif.insertion.models import Point
from certif.insertion.queries import insertion_rates, rates_json
from tests.support.insertion import answered, employed, survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def worked_example(version: object) -> None:
    """17 holders of 2025 surveyed at 6 months, 13 answered: 5 in a targeted job, 2 in another
    job, 1 job seeker, 1 neither working nor looking, 1 in further studies, 1 in alternance,
    1 unable to work, 1 working abroad; 4 did not answer."""
    surveys = [survey(f"H{n:03d}") for n in range(17)]
    answers = (
        [employed() for _ in range(5)]
        + [employed(targeted=False) for _ in range(2)]
        + [
            {"situation": "job_seeker"},
            {"situation": "other"},
            {"situation": "further_studies"},
            employed(contract="work_study"),
            {"situation": "unable_to_work"},
            employed(works_abroad="yes"),
        ]
    )
    for found, answer in zip(surveys, answers, strict=False):
        answered(found, **answer)


def test_the_rates_leave_the_neutralised_out_of_both_sides(worked_example: None) -> None:
    [figures] = insertion_rates(2025)
    assert (figures.surveyed, figures.respondents, figures.counted) == (17, 13, 9)
    assert figures.neutralised_by_reason == {
        NeutralisedReason.FURTHER_STUDIES: 1,
        NeutralisedReason.WORK_STUDY: 1,
        NeutralisedReason.UNABLE_TO_WORK: 1,
        NeutralisedReason.WORKING_ABROAD: 1,
    }
    assert figures.employment_rate == Fraction(7, 9)
    assert figures.targeted_job_rate == Fraction(5, 9)
    assert figures.response_rate == Fraction(13, 17)


def test_the_json_gives_every_rate_as_four_decimals_beside_its_response_rate(
    worked_example: None,
) -> None:
    [found] = rates_json(2025, insertion_rates(2025))["surveys"]
    assert found["point"] == MeasurementPoint.SIX_MONTHS.value
    assert (found["employment_rate"], found["targeted_job_rate"]) == ("0.7778", "0.5556")
    assert found["response_rate"] == "0.7647"
    assert found["neutralised"] == 4


def test_each_cohort_and_point_has_its_own_figures(version: object) -> None:
    answered(survey("A1", cohort=2024), **employed())
    answered(survey("A2", Point.TWO_YEARS, cohort=2024), situation="job_seeker")
    survey("A3", cohort=2025)
    found = {(f.cohort, f.point): f for f in insertion_rates()}
    assert list(found) == [
        (2024, MeasurementPoint.SIX_MONTHS),
        (2024, MeasurementPoint.TWO_YEARS),
        (2025, MeasurementPoint.SIX_MONTHS),
    ]
    assert found[(2024, MeasurementPoint.SIX_MONTHS)].employment_rate == 1
    assert found[(2024, MeasurementPoint.TWO_YEARS)].employment_rate == 0
    assert found[(2025, MeasurementPoint.SIX_MONTHS)].employment_rate is None
    assert [f.cohort for f in insertion_rates(2025)] == [2025]


def test_a_job_given_with_another_situation_is_not_kept(version: object) -> None:
    found = survey("B1")
    answered(found, situation="job_seeker", job_title="Vendeur", contract="permanent")
    found.refresh_from_db()
    assert (found.answer.job_title, found.answer.contract) == ("", "")
