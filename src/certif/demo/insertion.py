"""The demo's insertion survey: the holders of the deliberated session surveyed at 6 months,
most of them answering (some neutralised), so that the rates page shows figures.

The answers go in as the staff would record answers collected by telephone
(``insertion.services.import_answers``); every fifth holder has not answered.
"""

from __future__ import annotations

from typing import Any

from certif.insertion.models import Point
from certif.insertion.queries import Due, holders
from certif.insertion.services import ImportedAnswer, import_answers, open_survey, validate_answer

_JOB = {"job_title": "Conseiller clientèle particuliers", "targeted_job": "CCAB",
        "contract": "permanent", "working_time": "full_time", "salary_band": "25k_30k",
        "employer_sector": "bank", "works_abroad": "no"}  # fmt: skip
# A spread of answers, taken in turn: mostly in the targeted job, and each neutralised case.
ANSWERS: tuple[dict[str, Any], ...] = (
    _JOB,
    {**_JOB, "employer_sector": "insurance", "contract": "fixed_term"},
    {**_JOB, "job_title": "Assistant commercial", "targeted_job": "none", "salary_band": "20k_25k"},
    {"situation": "job_seeker"},
    _JOB,
    {"situation": "further_studies"},
    {**_JOB, "contract": "work_study", "salary_band": "under_20k"},
    {**_JOB, "working_time": "part_time", "employer_sector": "brokerage"},
    {**_JOB, "works_abroad": "yes", "employer_sector": "other_finance"},
    {"situation": "unable_to_work"},
    {"situation": "other"},
)
UNANSWERED_EVERY = 5


def install_answers(actor: Any) -> int:
    """Open the 6-month survey of every holder and record the demo's answers; the number of
    answers."""
    rows: list[ImportedAnswer] = []
    for index, holder in enumerate(holders()):
        if index % UNANSWERED_EVERY == UNANSWERED_EVERY - 1:
            open_survey(Due(holder, Point.SIX_MONTHS), actor)
            continue
        answer = ANSWERS[len(rows) % len(ANSWERS)]
        data = {"situation": "employed", **answer}
        rows.append(ImportedAnswer(index + 2, holder, Point.SIX_MONTHS, validate_answer(data)))
    return import_answers(rows, actor)
