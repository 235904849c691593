"""The insertion survey of holders, and the two insertion rates France compétences examines.

Source: France compétences, FAQ « Comment calculez-vous l'insertion ? »,
https://francecompetences.fr/faq-ext/index.php?q=FAQ---France-comptences%2F01---Certification-professionnelle%2F7015496025e8628e77d4951.21910369
It states, for a certification's instruction:

- taux d'insertion dans le métier visé = respondents in the targeted job / respondents,
- taux d'insertion global dans l'emploi = respondents in employment / respondents,

both numerator and denominator *less the neutralised respondents*, measured 6 months after
the certification was obtained, possibly completed 2 years after. Neutralised (« personnes
neutralisées du calcul ») are, in the FAQ's words:

- people continuing their studies (« en poursuite d'études »);
- work-study contracts (« contrats en alternance »), assimilated to continuing studies;
- people temporarily or permanently unable to work (« impossibilité temporaire ou
  définitive d'exercer un emploi »);
- holders working outside the French labour market, *unless* the targeted job of the
  certification substantially involves working internationally *and* the certifying
  assessment took place in France.

That last exception is a property of the certification's targeted job (the référentiel),
not of the holder's job: it is the ``targeted_job_is_international`` argument, while each
answer says whether the holder works abroad and where they were assessed.

The response rate (respondents / surveyed holders) is not part of the FAQ's formulas; it is
given so that a rate over few respondents is read for what it is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

from certif.domain.statistics.rates import rate


class MeasurementPoint(StrEnum):
    """When the holders are surveyed, counted from the date the certification was obtained."""

    SIX_MONTHS = "6_months"
    TWO_YEARS = "2_years"


_POINT_ORDER = {MeasurementPoint.SIX_MONTHS: 0, MeasurementPoint.TWO_YEARS: 1}


class Situation(StrEnum):
    """The holder's situation on the day of the survey (one answer)."""

    EMPLOYED = "employed"  # en emploi: salarié, fonctionnaire, indépendant, chef d'entreprise
    JOB_SEEKER = "job_seeker"  # en recherche d'emploi
    FURTHER_STUDIES = "further_studies"  # en poursuite d'études (hors alternance)
    UNABLE_TO_WORK = "unable_to_work"  # impossibilité temporaire ou définitive de travailler
    OTHER = "other"  # sans emploi et n'en cherchant pas, pour une autre raison


class ContractType(StrEnum):
    PERMANENT = "permanent"  # CDI
    FIXED_TERM = "fixed_term"  # CDD
    TEMPORARY = "temporary"  # intérim
    CIVIL_SERVANT = "civil_servant"  # fonctionnaire
    SELF_EMPLOYED = "self_employed"  # indépendant, micro-entrepreneur, chef d'entreprise
    WORK_STUDY = "work_study"  # alternance: apprentissage, professionnalisation
    OTHER = "other"


class WorkingTime(StrEnum):
    FULL_TIME = "full_time"
    PART_TIME = "part_time"


class NeutralisedReason(StrEnum):
    """Why an answer is left out of both rates, one per case the FAQ lists."""

    FURTHER_STUDIES = "further_studies"
    WORK_STUDY = "work_study"
    UNABLE_TO_WORK = "unable_to_work"
    WORKING_ABROAD = "working_abroad"


@dataclass(frozen=True, slots=True)
class InsertionAnswer:
    """One holder's answer to the survey at one measurement point.

    ``in_targeted_job`` says whether the job is one of the targeted jobs of the référentiel
    (the fiche RNCP's « métiers visés »), as judged by the certifier's staff from the job
    title and activities; the other job fields describe the job for the placement tables
    (type of contract, working time, pay) and are optional. They are meaningful only for a
    holder in employment: giving them for another situation is refused.
    """

    holder: str
    cohort: int
    point: MeasurementPoint
    situation: Situation
    job_title: str = ""
    in_targeted_job: bool = False
    contract: ContractType | None = None
    working_time: WorkingTime | None = None
    salary_band: str | None = None
    employer_sector: str | None = None
    executive_status: bool | None = None
    works_abroad: bool = False
    assessed_in_france: bool = True

    def __post_init__(self) -> None:
        if self.situation is Situation.EMPLOYED:
            return
        job_fields = {
            "job_title": self.job_title != "",
            "in_targeted_job": self.in_targeted_job,
            "contract": self.contract is not None,
            "working_time": self.working_time is not None,
            "salary_band": self.salary_band is not None,
            "employer_sector": self.employer_sector is not None,
            "executive_status": self.executive_status is not None,
            "works_abroad": self.works_abroad,
        }
        given = [name for name, present in job_fields.items() if present]
        if given:
            raise ValueError(
                f"{self.holder}: {', '.join(given)} describe a job, "
                f"but the situation is {self.situation.value}"
            )


def neutralised_reason(
    answer: InsertionAnswer, *, targeted_job_is_international: bool = False
) -> NeutralisedReason | None:
    """Why the answer is left out of both rates, following the FAQ; None when it counts."""
    if answer.situation is Situation.FURTHER_STUDIES:
        return NeutralisedReason.FURTHER_STUDIES
    if answer.situation is Situation.UNABLE_TO_WORK:
        return NeutralisedReason.UNABLE_TO_WORK
    if answer.situation is not Situation.EMPLOYED:
        return None
    if answer.contract is ContractType.WORK_STUDY:
        return NeutralisedReason.WORK_STUDY
    abroad_counts = targeted_job_is_international and answer.assessed_in_france
    if answer.works_abroad and not abroad_counts:
        return NeutralisedReason.WORKING_ABROAD
    return None


@dataclass(frozen=True, slots=True)
class InsertionFigures:
    """The survey of one cohort (year of certification) at one measurement point."""

    cohort: int
    point: MeasurementPoint
    surveyed: int
    respondents: int
    neutralised_by_reason: Mapping[NeutralisedReason, int]
    employed: int
    in_targeted_job: int
    contracts: Mapping[ContractType, int] = field(default_factory=dict)
    working_times: Mapping[WorkingTime, int] = field(default_factory=dict)
    salary_bands: Mapping[str, int] = field(default_factory=dict)

    @property
    def neutralised(self) -> int:
        return sum(self.neutralised_by_reason.values())

    @property
    def counted(self) -> int:
        """Respondents less the neutralised: the denominator of both insertion rates."""
        return self.respondents - self.neutralised

    @property
    def response_rate(self) -> Fraction | None:
        return rate(self.respondents, self.surveyed)

    @property
    def employment_rate(self) -> Fraction | None:
        """Taux d'insertion global dans l'emploi."""
        return rate(self.employed, self.counted)

    @property
    def targeted_job_rate(self) -> Fraction | None:
        """Taux d'insertion dans le métier visé."""
        return rate(self.in_targeted_job, self.counted)


def insertion_figures(
    cohort: int,
    point: MeasurementPoint,
    answers: Iterable[InsertionAnswer],
    surveyed: int,
    *,
    targeted_job_is_international: bool = False,
) -> InsertionFigures:
    """Respondents, neutralised, both insertion rates and the response rate of one survey.

    ``surveyed`` is the number of holders the survey was sent to; every answer must belong
    to this cohort and point, and a holder may answer once.
    """
    holders: set[str] = set()
    neutralised: Counter[NeutralisedReason] = Counter()
    contracts: Counter[ContractType] = Counter()
    working_times: Counter[WorkingTime] = Counter()
    salary_bands: Counter[str] = Counter()
    employed = in_targeted_job = 0
    for answer in answers:
        if (answer.cohort, answer.point) != (cohort, point):
            raise ValueError(
                f"{answer.holder} answered for {answer.cohort} at {answer.point.value}, "
                f"not for {cohort} at {point.value}"
            )
        if answer.holder in holders:
            raise ValueError(f"{answer.holder} answered twice for {cohort} at {point.value}")
        holders.add(answer.holder)
        reason = neutralised_reason(
            answer, targeted_job_is_international=targeted_job_is_international
        )
        if reason is not None:
            neutralised[reason] += 1
            continue
        if answer.situation is not Situation.EMPLOYED:
            continue
        employed += 1
        if answer.in_targeted_job:
            in_targeted_job += 1
        # The job descriptions cover the jobs counted in the rates, as the rates do.
        if answer.contract is not None:
            contracts[answer.contract] += 1
        if answer.working_time is not None:
            working_times[answer.working_time] += 1
        if answer.salary_band is not None:
            salary_bands[answer.salary_band] += 1
    if len(holders) > surveyed:
        raise ValueError(
            f"{len(holders)} answers for {cohort} at {point.value}, "
            f"but only {surveyed} holders surveyed"
        )
    return InsertionFigures(
        cohort=cohort,
        point=point,
        surveyed=surveyed,
        respondents=len(holders),
        neutralised_by_reason=dict(neutralised),
        employed=employed,
        in_targeted_job=in_targeted_job,
        contracts=dict(contracts),
        working_times=dict(working_times),
        salary_bands=dict(salary_bands),
    )


def insertion_figures_by_cohort(
    answers: Iterable[InsertionAnswer],
    surveyed: Mapping[tuple[int, MeasurementPoint], int],
    *,
    targeted_job_is_international: bool = False,
) -> list[InsertionFigures]:
    """The figures of every (cohort, point) surveyed, by cohort then 6 months before 2 years.

    ``surveyed`` gives, for each cohort and point, how many holders were surveyed; a survey
    sent to nobody may be listed with 0 (all its rates are then undefined).
    """
    grouped: dict[tuple[int, MeasurementPoint], list[InsertionAnswer]] = {
        key: [] for key in surveyed
    }
    for answer in answers:
        key = (answer.cohort, answer.point)
        if key not in grouped:
            raise ValueError(
                f"{answer.holder} answered for {answer.cohort} at {answer.point.value}, "
                "a survey with no number of holders surveyed"
            )
        grouped[key].append(answer)
    ordered = sorted(grouped, key=lambda key: (key[0], _POINT_ORDER[key[1]]))
    return [
        insertion_figures(
            cohort,
            point,
            grouped[(cohort, point)],
            surveyed[(cohort, point)],
            targeted_job_is_international=targeted_job_is_international,
        )
        for cohort, point in ordered
    ]
