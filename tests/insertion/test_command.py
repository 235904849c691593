"""``certif insertion stats`` and ``send``: the same figures and sending as the services."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from certif.candidates.models import Candidate
from certif.insertion.models import Survey
from tests.support.deliberations import on
from tests.support.insertion import SIX_MONTHS_DUE, answered, employed, survey

pytestmark = pytest.mark.django_db


def test_stats_in_json_give_the_rates_of_the_year(version: object) -> None:
    answered(survey("S1"), **employed())
    answered(survey("S2"), situation="further_studies")
    survey("S3", cohort=2024)
    out = StringIO()
    call_command("insertion", "stats", "--year", "2025", "--format", "json", stdout=out)
    found = json.loads(out.getvalue())
    assert found["scope"] == {"year": 2025}
    [figures] = found["surveys"]
    assert (figures["respondents"], figures["neutralised"]) == (2, 1)
    assert figures["employment_rate"] == "1.0000"
    assert figures["response_rate"] == "1.0000"


def test_stats_as_a_table_write_the_rates_in_french(version: object) -> None:
    answered(survey("S1"), **employed(targeted=False))
    survey("S2")
    out = StringIO()
    call_command("insertion", "stats", stdout=out)
    table = out.getvalue()
    assert "Taux d'emploi" in table
    assert "2025" in table
    assert "à 6 mois" in table
    assert "50,00\u00a0%" in table  # the response rate
    assert "0,00\u00a0%" in table  # the targeted-job rate


def test_send_with_dry_run_writes_nothing(certified: Candidate) -> None:
    out = StringIO()
    with on(SIX_MONTHS_DUE):
        call_command("insertion", "send", "--dry-run", stdout=out)
    assert "1 enquête(s) ouverte(s)" in out.getvalue()
    assert not Survey.objects.exists()
