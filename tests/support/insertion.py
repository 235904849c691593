"""Holders and insertion surveys, for the survey's tests.

``holders`` certifies C001 through a real deliberation (closed and published); ``survey``
opens a survey directly, for sets of answers built by hand (the rates do not depend on how a
survey was opened).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser

from certif.candidates.models import Candidate
from certif.deliberations.models import Deliberation, JuryMember
from certif.deliberations.services import publish_results
from certif.insertion.models import Point, Survey
from certif.insertion.services import answer_survey
from certif.insertion.tokens import token_for
from tests.support.deliberations import closed_on_its_day

PUBLIC_URL = "https://certif.example.org"
# The deliberation fixture's date: C001's certification.
CERTIFIED_ON = date(2026, 7, 1)
SIX_MONTHS_DUE = date(2027, 1, 1)


@pytest.fixture
def certified(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    president: AbstractUser,
    staff: AbstractUser,
    candidates: list[Candidate],
    settings: Any,
) -> Candidate:
    """C001, certified by the published deliberation of 1 July 2026, with an address; C002
    not certified."""
    settings.PUBLIC_URL = PUBLIC_URL
    holder = candidates[0]
    holder.email = "c001@example.org"
    holder.save(update_fields=["email"])
    closed_on_its_day(deliberation, president)
    publish_results(deliberation, staff)
    return holder


def survey(
    numero: str,
    point: Point = Point.SIX_MONTHS,
    *,
    cohort: int = 2025,
    closes_on: date | None = None,
    email: str = "",
) -> Survey:
    """An open survey of a new candidate ``numero``, certified on 1 July of ``cohort``."""
    candidate = Candidate.objects.create(
        numero=numero, birth_name="Titulaire", first_name="Test", birth_date=date(2000, 1, 1),
        email=email,
    )  # fmt: skip
    certified_on = date(cohort, 7, 1)
    due = date(cohort + (1 if point == Point.SIX_MONTHS else 2), 1 if point == Point.SIX_MONTHS
               else 7, 1)  # fmt: skip
    return Survey.objects.create(
        candidate=candidate,
        point=point,
        cohort=cohort,
        certified_on=certified_on,
        due_on=due,
        closes_on=closes_on or date.today() + timedelta(days=30),
    )


def answered(survey_: Survey, **answer: Any) -> None:
    """``survey_`` answered through its link, as the holder would (form data)."""
    data: Mapping[str, Any] = {"works_abroad": "no", **answer}
    answer_survey(token_for(survey_.pk), data)


def employed(targeted: bool = True, **more: Any) -> dict[str, Any]:
    """The form data of a holder in employment (in the référentiel's first target job)."""
    return {
        "situation": "employed",
        "job_title": "Conseiller clientèle",
        "targeted_job": "CCAB" if targeted else "none",
        "contract": "permanent",
        "working_time": "full_time",
        **more,
    }
