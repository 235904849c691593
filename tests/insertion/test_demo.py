"""The demo has survey answers, some neutralised, and still loads twice in a row."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from certif.insertion.models import Answer
from certif.insertion.queries import insertion_rates

pytestmark = pytest.mark.django_db


def test_the_demo_answers_the_six_month_survey_and_loads_twice() -> None:
    call_command("init", "--demo", stdout=StringIO())
    answers = Answer.objects.count()
    call_command("init", "--demo", stdout=StringIO())
    assert Answer.objects.count() == answers > 0
    [figures] = insertion_rates()
    assert figures.neutralised > 0
    assert figures.respondents < figures.surveyed
    assert figures.employment_rate is not None
