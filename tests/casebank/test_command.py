"""``certif cases``: drawing a session's cases and listing them from the command line."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from certif.candidates.models import Candidate
from certif.casebank.models import Draw
from certif.referential.models import ReferentialVersion
from tests.support.casebank import bank_of, case_session

pytestmark = pytest.mark.django_db


def test_draw_draws_the_sessions_cases_and_says_how_many(
    version: ReferentialVersion, candidates: list[Candidate]
) -> None:
    bank_of("B2", 2)
    case_session(version, "2026-12", candidates, [("B2", "")])
    out = StringIO()
    call_command("cases", "draw", "--session", "2026-12", stdout=out)
    assert "2 cas tiré(s) dans la session 2026-12" in out.getvalue()
    assert Draw.objects.count() == 2


def test_draw_fails_with_the_reasons_when_the_bank_cannot(
    version: ReferentialVersion, candidates: list[Candidate]
) -> None:
    case_session(version, "2026-12", candidates, [("B2", "")])
    with pytest.raises(CommandError, match="Tirage impossible"):
        call_command("cases", "draw", "--session", "2026-12")


def test_an_unknown_session_is_named(version: ReferentialVersion) -> None:
    with pytest.raises(CommandError, match="session inconnue"):
        call_command("cases", "draw", "--session", "NOPE")


def test_list_shows_a_sessions_draws_by_reference(
    version: ReferentialVersion, candidates: list[Candidate]
) -> None:
    bank_of("B2", 2)
    session = case_session(version, "2026-12", candidates[:1], [("B2", "")])
    call_command("cases", "draw", "--session", session.code)
    out = StringIO()
    call_command("cases", "list", "--session", session.code, stdout=out)
    assert Draw.objects.get().case.reference in out.getvalue()
