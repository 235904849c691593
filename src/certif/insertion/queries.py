"""Reads of the insertion survey: who is a holder and since when, the référentiel's target
jobs, the surveys due, and the rates France compétences examines."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from certif.deliberations.models import CERTIFICATION, Decision, State, UnitStatus
from certif.deliberations.standing import TAKEN, jury_words, standing_act
from certif.domain.records import attributes
from certif.domain.referential.schema import TargetJob
from certif.domain.statistics.insertion import (
    ContractType,
    InsertionAnswer,
    InsertionFigures,
    MeasurementPoint,
    Situation,
    WorkingTime,
    insertion_figures_by_cohort,
)
from certif.domain.statistics.rates import format_rate, rate_to_string
from certif.insertion.models import Answer, Point, Survey
from certif.insertion.timing import due_on
from certif.referential.services import current_version


@dataclass(frozen=True)
class Holder:
    """A candidate certified by a jury, on the date of the act that granted it."""

    candidate_id: int
    certified_on: date


def holders(candidate_ids: Iterable[int] | None = None) -> list[Holder]:
    """Every holder: a published, closed jury act validated their certification (their
    official standing, ``deliberations.standing``), dated by the first act that did."""
    granting = Decision.objects.filter(
        unit=CERTIFICATION,
        status=UnitStatus.VALIDATED,
        resolution__in=TAKEN,
        deliberation__status=State.CLOSED,
        deliberation__published_at__isnull=False,
    )
    if candidate_ids is not None:
        granting = granting.filter(candidate_id__in=list(candidate_ids))
    ids = sorted(set(granting.values_list("candidate_id", flat=True)))
    words = jury_words(ids, published_only=True)
    found = []
    for candidate_id in ids:
        act = standing_act(words.get((candidate_id, CERTIFICATION), ()))
        if act is not None and act.validated:
            found.append(Holder(candidate_id, act.date))
    return found


@dataclass(frozen=True)
class Due:
    """A survey due by a given day that is not opened yet."""

    holder: Holder
    point: Point

    @property
    def due_on(self) -> date:
        return due_on(self.holder.certified_on, self.point)


def surveys_due(today: date) -> list[Due]:
    """The surveys of every holder due on or before ``today`` and not opened yet, the 2-year
    one only while the 6-month one is past (a holder certified long ago gets both)."""
    opened = set(Survey.objects.values_list("candidate_id", "point"))
    found = []
    for holder in holders():
        for point in Point:
            due = Due(holder, point)
            if due.due_on <= today and (holder.candidate_id, point.value) not in opened:
                found.append(due)
    return found


def target_jobs() -> list[TargetJob]:
    """The targeted jobs (« métiers visés ») of the référentiel in force."""
    version = current_version()
    return list(version.referential.target_jobs) if version is not None else []


def targeted_job_is_international() -> bool:
    version = current_version()
    return bool(version is not None and version.referential.target_jobs_international)


def survey_for(token_survey: int) -> Survey | None:
    return Survey.objects.select_related("candidate").filter(pk=token_survey).first()


def _domain_answer(answer: Answer) -> InsertionAnswer:
    survey = answer.survey
    employed = answer.situation == Situation.EMPLOYED.value
    return InsertionAnswer(
        holder=str(survey.candidate_id),
        cohort=survey.cohort,
        point=MeasurementPoint(survey.point),
        situation=Situation(answer.situation),
        job_title=answer.job_title if employed else "",
        in_targeted_job=employed and answer.in_targeted_job,
        contract=ContractType(answer.contract) if employed and answer.contract else None,
        working_time=(
            WorkingTime(answer.working_time) if employed and answer.working_time else None
        ),
        salary_band=answer.salary_band if employed and answer.salary_band else None,
        employer_sector=answer.employer_sector if employed and answer.employer_sector else None,
        works_abroad=employed and answer.works_abroad,
        assessed_in_france=survey.assessed_in_france,
    )


def cohorts() -> list[int]:
    """The years of certification some survey was opened for, latest first."""
    return sorted(set(Survey.objects.values_list("cohort", flat=True)), reverse=True)


def insertion_rates(year: int | None = None) -> list[InsertionFigures]:
    """The figures of each (cohort, point) surveyed, for ``year``'s cohort or all, exactly
    as ``certif.domain.statistics.insertion`` computes them."""
    surveys = Survey.objects.all()
    if year is not None:
        surveys = surveys.filter(cohort=year)
    surveyed: dict[tuple[int, MeasurementPoint], int] = {}
    for cohort, point in surveys.values_list("cohort", "point"):
        key = (cohort, MeasurementPoint(point))
        surveyed[key] = surveyed.get(key, 0) + 1
    answers = Answer.objects.filter(survey__in=surveys).select_related("survey")
    return insertion_figures_by_cohort(
        (_domain_answer(answer) for answer in answers.iterator(chunk_size=2000)),
        surveyed,
        targeted_job_is_international=targeted_job_is_international(),
    )


def figures_json(figures: InsertionFigures) -> dict[str, Any]:
    """One survey's figures in the machine form (rates as 4-decimal strings, or null)."""
    return {
        "cohort": figures.cohort,
        "point": figures.point.value,
        **attributes(figures, "surveyed", "respondents"),
        "response_rate": rate_to_string(figures.response_rate),
        "neutralised": figures.neutralised,
        "neutralised_by_reason": {
            reason.value: count for reason, count in sorted(figures.neutralised_by_reason.items())
        },
        **attributes(figures, "counted", "employed", "in_targeted_job"),
        "employment_rate": rate_to_string(figures.employment_rate),
        "targeted_job_rate": rate_to_string(figures.targeted_job_rate),
        "contracts": {key.value: n for key, n in sorted(figures.contracts.items())},
        "working_times": {key.value: n for key, n in sorted(figures.working_times.items())},
        "salary_bands": dict(sorted(figures.salary_bands.items())),
    }


RATES_HEADER = (
    "Promotion",
    "Enquête",
    "Interrogés",
    "Répondants",
    "Taux de réponse",
    "Neutralisés",
    "Taux d'emploi",
    "Taux métier visé",
)


def rates_rows(found: Sequence[InsertionFigures]) -> list[tuple[str, ...]]:
    """The figures as the command's table and the yearly report print them, one row per
    (cohort, point), under ``RATES_HEADER``."""
    words = dict(Point.choices)
    return [
        (
            str(f.cohort),
            str(words[Point(f.point.value)]),
            str(f.surveyed),
            str(f.respondents),
            format_rate(f.response_rate),
            str(f.neutralised),
            format_rate(f.employment_rate),
            format_rate(f.targeted_job_rate),
        )
        for f in found
    ]


def rates_json(year: int | None, found: Sequence[InsertionFigures]) -> dict[str, Any]:
    """The JSON of ``certif insertion stats`` (and ``certif stats insertion``)."""
    return {
        "scope": {"year": year},
        "source": "France compétences, FAQ « Comment calculez-vous l'insertion ? »",
        "surveys": [figures_json(figures) for figures in found],
    }


def personal_answers(candidate_id: int) -> list[dict[str, Any]]:
    """A holder's surveys and answers, in words, for their export (right of access)."""
    found = []
    for survey in Survey.objects.filter(candidate_id=candidate_id).order_by("due_on", "pk"):
        answer = Answer.objects.filter(survey=survey).first()
        found.append(
            {
                "enquête": survey.get_point_display(),
                "due le": survey.due_on.isoformat(),
                "courriels envoyés": (1 if survey.first_sent_at else 0) + survey.reminders_sent,
                "réponse": None
                if answer is None
                else {
                    "répondu le": answer.answered_at.isoformat(),
                    "situation": answer.get_situation_display(),
                    "intitulé du poste": answer.job_title,
                    "métier visé": answer.targeted_job,
                    "contrat": answer.get_contract_display(),
                    "temps de travail": answer.get_working_time_display(),
                    "rémunération": answer.get_salary_band_display(),
                    "secteur": answer.get_employer_sector_display(),
                    "hors de France": answer.works_abroad,
                },
            }
        )
    return found
