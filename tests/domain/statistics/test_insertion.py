from __future__ import annotations

from fractions import Fraction

import pytest

from certif.domain.statistics.insertion import (
    ContractType,
    InsertionAnswer,
    MeasurementPoint,
    NeutralisedReason,
    Situation,
    WorkingTime,
    insertion_figures,
    insertion_figures_by_cohort,
    neutralised_reason,
)
from certif.domain.statistics.rates import rate_to_string

SIX = MeasurementPoint.SIX_MONTHS
TWO = MeasurementPoint.TWO_YEARS
EMPLOYED = Situation.EMPLOYED


def employed(
    holder: str,
    *,
    targeted: bool,
    contract: ContractType | None = None,
    working_time: WorkingTime | None = None,
    salary_band: str | None = None,
    works_abroad: bool = False,
    assessed_in_france: bool = True,
) -> InsertionAnswer:
    return InsertionAnswer(
        holder,
        2025,
        SIX,
        EMPLOYED,
        job_title="Conseiller",
        in_targeted_job=targeted,
        contract=contract,
        working_time=working_time,
        salary_band=salary_band,
        works_abroad=works_abroad,
        assessed_in_france=assessed_in_france,
    )


def other(holder: str, situation: Situation) -> InsertionAnswer:
    return InsertionAnswer(holder, 2025, SIX, situation)


# Cohort 2025 at 6 months: 17 holders surveyed, 13 answered.
ANSWERS = [
    # 5 in employment in a targeted job, 2 in employment in another job.
    employed(
        "h01",
        targeted=True,
        contract=ContractType.PERMANENT,
        working_time=WorkingTime.FULL_TIME,
        salary_band="30-35 k€",
    ),
    employed(
        "h02",
        targeted=True,
        contract=ContractType.PERMANENT,
        working_time=WorkingTime.FULL_TIME,
        salary_band="30-35 k€",
    ),
    employed(
        "h03",
        targeted=True,
        contract=ContractType.FIXED_TERM,
        working_time=WorkingTime.PART_TIME,
        salary_band="25-30 k€",
    ),
    employed("h04", targeted=True, contract=ContractType.SELF_EMPLOYED),
    employed(
        "h05",
        targeted=True,
        contract=ContractType.CIVIL_SERVANT,
        working_time=WorkingTime.FULL_TIME,
    ),
    employed("h06", targeted=False, contract=ContractType.TEMPORARY),
    employed("h07", targeted=False, contract=ContractType.PERMANENT),
    # 1 job seeker and 1 neither working nor looking: they count, out of employment.
    other("h08", Situation.JOB_SEEKER),
    other("h09", Situation.OTHER),
    # 4 neutralised, one per case of the FAQ:
    other("h10", Situation.FURTHER_STUDIES),
    employed("h11", targeted=True, contract=ContractType.WORK_STUDY),  # alternance = studies
    other("h12", Situation.UNABLE_TO_WORK),
    employed("h13", targeted=True, contract=ContractType.PERMANENT, works_abroad=True),
]


def test_the_hand_made_survey_gives_the_hand_computed_counts() -> None:
    # respondents 13, neutralised 4 (h10–h13), counted 13 - 4 = 9; employed among the
    # counted: h01–h07 = 7; in a targeted job: h01–h05 = 5.
    figures = insertion_figures(2025, SIX, ANSWERS, surveyed=17)
    assert (figures.surveyed, figures.respondents, figures.neutralised, figures.counted) == (
        17,
        13,
        4,
        9,
    )
    assert (figures.employed, figures.in_targeted_job) == (7, 5)
    assert figures.neutralised_by_reason == {
        NeutralisedReason.FURTHER_STUDIES: 1,
        NeutralisedReason.WORK_STUDY: 1,
        NeutralisedReason.UNABLE_TO_WORK: 1,
        NeutralisedReason.WORKING_ABROAD: 1,
    }


def test_the_hand_made_survey_gives_the_hand_computed_rates() -> None:
    # employment 7/9 = 0.77777… → 0.7778; targeted job 5/9 = 0.55555… → 0.5556;
    # response 13/17 = 0.764705… → 0.7647.
    figures = insertion_figures(2025, SIX, ANSWERS, surveyed=17)
    assert figures.employment_rate == Fraction(7, 9)
    assert figures.targeted_job_rate == Fraction(5, 9)
    assert figures.response_rate == Fraction(13, 17)
    assert [
        rate_to_string(r)
        for r in (figures.employment_rate, figures.targeted_job_rate, figures.response_rate)
    ] == ["0.7778", "0.5556", "0.7647"]


def test_working_abroad_counts_when_the_targeted_job_is_international() -> None:
    # h13 (abroad, targeted job, assessed in France) is no longer neutralised: counted 10,
    # employed 8, targeted 6 → 8/10 and 6/10.
    figures = insertion_figures(2025, SIX, ANSWERS, surveyed=17, targeted_job_is_international=True)
    assert (figures.neutralised, figures.counted) == (3, 10)
    assert figures.employment_rate == Fraction(4, 5)
    assert figures.targeted_job_rate == Fraction(3, 5)


def test_working_abroad_stays_neutralised_when_assessed_outside_france() -> None:
    answer = employed("h14", targeted=True, works_abroad=True, assessed_in_france=False)
    assert (
        neutralised_reason(answer, targeted_job_is_international=True)
        is NeutralisedReason.WORKING_ABROAD
    )


def test_a_job_seeker_or_an_inactive_holder_is_never_neutralised() -> None:
    assert neutralised_reason(other("a", Situation.JOB_SEEKER)) is None
    assert neutralised_reason(other("b", Situation.OTHER)) is None


def test_job_descriptions_cover_only_the_jobs_counted_in_the_rates() -> None:
    # h11 (work-study) and h13 (abroad) are employed but neutralised: their contracts are
    # not in the table. Counted contracts: 3 permanent (h01, h02, h07), 1 of each other kind.
    figures = insertion_figures(2025, SIX, ANSWERS, surveyed=17)
    assert figures.contracts == {
        ContractType.PERMANENT: 3,
        ContractType.FIXED_TERM: 1,
        ContractType.SELF_EMPLOYED: 1,
        ContractType.CIVIL_SERVANT: 1,
        ContractType.TEMPORARY: 1,
    }
    assert figures.working_times == {WorkingTime.FULL_TIME: 3, WorkingTime.PART_TIME: 1}
    assert figures.salary_bands == {"30-35 k€": 2, "25-30 k€": 1}


def test_a_survey_where_everyone_is_neutralised_has_undefined_insertion_rates() -> None:
    figures = insertion_figures(2025, SIX, [other("a", Situation.FURTHER_STUDIES)], surveyed=3)
    assert figures.employment_rate is None
    assert figures.targeted_job_rate is None
    assert figures.response_rate == Fraction(1, 3)


def test_a_survey_sent_to_nobody_has_an_undefined_response_rate() -> None:
    assert insertion_figures(2025, SIX, [], surveyed=0).response_rate is None


def test_figures_are_given_per_cohort_and_measurement_point() -> None:
    # 2024 at 2 years: 2 answers of 4 surveyed, one employed in a targeted job, one seeking.
    later = [
        InsertionAnswer("g1", 2024, TWO, EMPLOYED, in_targeted_job=True),
        InsertionAnswer("g2", 2024, TWO, Situation.JOB_SEEKER),
    ]
    figures = insertion_figures_by_cohort(
        [*ANSWERS, *later], {(2025, SIX): 17, (2024, TWO): 4, (2024, SIX): 5}
    )
    assert [(f.cohort, f.point, f.respondents) for f in figures] == [
        (2024, SIX, 0),
        (2024, TWO, 2),
        (2025, SIX, 13),
    ]
    assert figures[1].employment_rate == Fraction(1, 2)
    assert figures[1].response_rate == Fraction(1, 2)
    assert figures[0].response_rate == 0


def test_an_answer_to_a_survey_without_a_number_surveyed_is_refused() -> None:
    with pytest.raises(ValueError, match="no number of holders surveyed"):
        insertion_figures_by_cohort(ANSWERS, {(2024, SIX): 3})


def test_a_holder_answering_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="answered twice"):
        insertion_figures(2025, SIX, [other("a", Situation.OTHER)] * 2, surveyed=5)


def test_more_answers_than_holders_surveyed_is_refused() -> None:
    with pytest.raises(ValueError, match="only 12 holders surveyed"):
        insertion_figures(2025, SIX, ANSWERS, surveyed=12)


def test_job_details_for_a_holder_out_of_employment_are_refused() -> None:
    with pytest.raises(ValueError, match="in_targeted_job"):
        InsertionAnswer("a", 2025, SIX, Situation.JOB_SEEKER, in_targeted_job=True)
