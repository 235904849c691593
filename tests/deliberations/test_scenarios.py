"""Deliberations over time (issue 11): two and three sessions, closings in between.

June 2026 (the ``session`` fixture: C001 passes everything, C002 sat B1 only and failed it),
December 2026, June 2027. Each deliberation judges what its session knew; what a jury validated
stays validated; the certification follows the blocks; the official standing says whose word
it is. Points and thresholds come from the référentiel; « today » is set where it matters.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from io import StringIO
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from certif.candidates.models import Candidate
from certif.core.errors import Invalid
from certif.core.models import AuditEvent
from certif.core.roles import Role
from certif.deliberations import services
from certif.deliberations.checks import check_composition, counts, minutes_data
from certif.deliberations.models import (
    CERTIFICATION,
    Decision,
    Deliberation,
    DeliberationError,
    JuryMember,
    Resolution,
    UnitStatus,
)
from certif.deliberations.standing import ENGINE, JURY, Standing, standing_of
from certif.domain.referential.schema import Referential
from certif.grading.forms import grid_data
from certif.grading.services import open_sheet, save_sheet
from certif.referential.models import Block
from certif.results.models import CandidateResult
from certif.sessions.models import Assignment, ExamSession
from certif.sessions.services import enrol
from tests.support.builders import score_rows, thesis_rows, values_totalling
from tests.support.deliberations import (
    DECEMBER,
    DECEMBER_DAYS,
    SESSION,
    SESSION_DAYS,
    Rows,
    add_candidates,
    closed_on_its_day,
    decision,
    every_block_rows,
    held,
    import_rows,
    on,
    seat_jury,
    threshold,
)

pytestmark = pytest.mark.django_db

JUSTIFICATION = "Le jury retient la pratique professionnelle attestée par le dossier."
REASON = "Recours gracieux : la validation de B1 reposait sur une pièce erronée."
# The deliberations' dates: on or after each session's last day.
JUNE_DATE = date(2026, 7, 1)
DECEMBER_DATE = date(2026, 12, 21)
JUNE_2027 = "2027-06"
JUNE_2027_DAYS = (date(2027, 6, 14), date(2027, 6, 18))
JUNE_2027_DATE = date(2027, 6, 21)

_files = count(1)


def graded(tmp_path: Path, code: str, days: tuple[date, date], rows: Rows) -> ExamSession:
    """The session ``code``, held on ``days``, with these submitted sheets."""
    import_rows(tmp_path, rows, f"notes-{code}-{next(_files)}.csv")
    return held(code, *days)


def opened(
    session: ExamSession, staff: AbstractUser, on_date: date, **options: Any
) -> Deliberation:
    return services.open_deliberation(session, staff, on_date, "Paris", **options)


def jury_closes(
    deliberation: Deliberation, president: AbstractUser, member: AbstractUser
) -> Deliberation:
    """The usual jury sits, confirms what is left, and closes on the deliberation's date."""
    if not deliberation.members.exists():
        seat_jury(deliberation, president, member)
    return closed_on_its_day(deliberation, president)


def standing(numero: str) -> Standing:
    candidate = Candidate.objects.get(numero=numero)
    stored = CandidateResult.objects.get(candidate=candidate)
    return standing_of(candidate.pk, stored.decision)


def results_json() -> dict[str, dict[str, Any]]:
    out = StringIO()
    call_command("results", "--format", "json", stdout=out)
    return {entry["candidate"]: entry for entry in json.loads(out.getvalue())}


def act(session: str, number: int, on_date: date) -> dict[str, Any]:
    return {"session": session, "number": number, "date": on_date.isoformat()}


@pytest.fixture
def june_granted_b1(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    president: AbstractUser,
    member: AbstractUser,
) -> Deliberation:
    """June: the jury overrides C002's failed B1 to « validé », then closes."""
    services.override(
        decision(deliberation, "C002", "B1"), UnitStatus.VALIDATED, JUSTIFICATION, member
    )
    return jury_closes(deliberation, president, member)


@pytest.fixture
def june_refused_b1(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    president: AbstractUser,
    member: AbstractUser,
) -> Deliberation:
    """June: the jury follows the proposals (C002's B1 « non validé ») and closes."""
    return jury_closes(deliberation, president, member)


def december(tmp_path: Path, rows: Rows) -> ExamSession:
    return graded(tmp_path, DECEMBER, DECEMBER_DAYS, rows)


# -- rule 1: each deliberation judges what its session knew ------------------------------------


def test_a_june_deliberation_ignores_a_december_sheet(
    session: ExamSession, staff: AbstractUser, ccab: Referential, tmp_path: Path
) -> None:
    december(tmp_path, score_rows(ccab, "C002", "B2", threshold(ccab, "B2") + 2, DECEMBER))
    # The stored result follows every sheet: it says B2 validated…
    assert standing("C002").engine.blocks["B2"].validated
    june = opened(session, staff, JUNE_DATE)
    # … the June jury knows nothing of it.
    b2 = decision(june, "C002", "B2")
    assert (b2.proposed_status, b2.resolution) == (
        UnitStatus.NOT_ASSESSED,
        Resolution.WITHOUT_DECISION,
    )
    assert DECEMBER not in b2.explanation


def test_a_june_deliberation_dated_after_december_still_ignores_its_sheets(
    session: ExamSession, staff: AbstractUser, ccab: Referential, tmp_path: Path
) -> None:
    december(tmp_path, score_rows(ccab, "C002", "B1", threshold(ccab, "B1") + 2, DECEMBER))
    late = opened(session, staff, date(2027, 1, 11))
    b1 = decision(late, "C002", "B1")
    assert b1.proposed_status == UnitStatus.NOT_VALIDATED
    assert DECEMBER not in b1.explanation


def test_a_december_deliberation_sees_the_june_sheets(
    june_refused_b1: Deliberation, staff: AbstractUser, ccab: Referential, tmp_path: Path
) -> None:
    session = december(tmp_path, score_rows(ccab, "C002", "B2", threshold(ccab, "B2"), DECEMBER))
    december_act = opened(session, staff, DECEMBER_DATE)
    b1 = decision(december_act, "C002", "B1")
    assert (b1.proposed_status, b1.resolution) == (UnitStatus.NOT_VALIDATED, Resolution.PENDING)
    assert f"session {SESSION}" in b1.explanation
    assert decision(december_act, "C002", "B2").proposed_status == UnitStatus.VALIDATED


def test_a_deliberation_dated_before_the_last_day_of_its_session_is_refused(
    june_refused_b1: Deliberation, staff: AbstractUser, ccab: Referential, tmp_path: Path
) -> None:
    session = december(tmp_path, score_rows(ccab, "C002", "B2", threshold(ccab, "B2"), DECEMBER))
    with pytest.raises(Invalid) as refused:
        opened(session, staff, DECEMBER_DAYS[0])
    assert "18 décembre 2026" in refused.value.errors["date"][0]
    assert not Deliberation.objects.filter(session=session).exists()


def test_a_deliberation_dated_in_the_future_cannot_be_closed_before_its_date(
    june_refused_b1: Deliberation,
    staff: AbstractUser,
    president: AbstractUser,
    member: AbstractUser,
    ccab: Referential,
    tmp_path: Path,
) -> None:
    session = december(tmp_path, score_rows(ccab, "C002", "B2", threshold(ccab, "B2"), DECEMBER))
    dated = date(2027, 1, 8)
    with on(date(2026, 12, 19)):
        december_act = opened(session, staff, dated)
        seat_jury(december_act, president, member)
        services.confirm_all_pending(december_act, president)
        with pytest.raises(DeliberationError, match="8 janvier 2027"):
            services.close_deliberation(december_act, president)
    december_act.refresh_from_db()
    assert december_act.is_open
    with on(dated):
        services.close_deliberation(december_act, president)
    december_act.refresh_from_db()
    assert december_act.is_closed
    assert december_act.closed_at is not None
    assert december_act.closed_at.date() >= december_act.date


# -- rule 2: acquired for life ------------------------------------------------------------------


@pytest.fixture
def december_after_grant(
    june_granted_b1: Deliberation, staff: AbstractUser, ccab: Referential, tmp_path: Path
) -> Deliberation:
    """December: C002 retakes B1 lower than in June, and sits B2; its deliberation opens."""
    failed = threshold(ccab, "B1") - 6
    rows = score_rows(ccab, "C002", "B1", failed, DECEMBER)
    rows += score_rows(ccab, "C002", "B2", threshold(ccab, "B2") + 1, DECEMBER)
    return opened(december(tmp_path, rows), staff, DECEMBER_DATE)


def test_a_block_validated_by_an_override_in_june_is_acquired_in_december(
    june_granted_b1: Deliberation, december_after_grant: Deliberation
) -> None:
    b1 = decision(december_after_grant, "C002", "B1")
    assert (b1.resolution, b1.status, b1.proposed_status) == (
        Resolution.ACQUIRED,
        UnitStatus.VALIDATED,
        UnitStatus.VALIDATED,
    )
    assert b1.acquired_from == decision(june_granted_b1, "C002", "B1")
    assert "jury du 1 juillet 2026 (session 2026-06, délibération n° 1)" in b1.explanation


def test_the_memoire_validated_in_june_is_acquired_in_december(
    session: ExamSession,
    staff: AbstractUser,
    president: AbstractUser,
    member: AbstractUser,
    ccab: Referential,
    tmp_path: Path,
) -> None:
    graded(tmp_path, SESSION, SESSION_DAYS, thesis_rows(ccab, "C002"))
    june = jury_closes(opened(session, staff, JUNE_DATE), president, member)
    rows = score_rows(ccab, "C002", "B2", threshold(ccab, "B2"), DECEMBER)
    memoire = decision(opened(december(tmp_path, rows), staff, DECEMBER_DATE), "C002", "MEM")
    assert (memoire.resolution, memoire.status) == (Resolution.ACQUIRED, UnitStatus.VALIDATED)
    assert memoire.acquired_from == decision(june, "C002", "MEM")


def test_overriding_a_block_acquired_in_june_is_refused_naming_the_act(
    december_after_grant: Deliberation, president: AbstractUser, member: AbstractUser
) -> None:
    seat_jury(december_after_grant, president, member)
    with pytest.raises(DeliberationError) as refused:
        services.override(
            decision(december_after_grant, "C002", "B1"),
            UnitStatus.NOT_VALIDATED,
            JUSTIFICATION,
            member,
        )
    message = str(refused.value)
    assert "acquis à vie" in message
    assert "jury du 1 juillet 2026 (session 2026-06, délibération n° 1)" in message
    assert decision(december_after_grant, "C002", "B1").status == UnitStatus.VALIDATED


def test_confirming_a_block_acquired_in_june_is_refused_naming_the_act(
    december_after_grant: Deliberation, president: AbstractUser, member: AbstractUser
) -> None:
    seat_jury(december_after_grant, president, member)
    with pytest.raises(DeliberationError, match="délibération n° 1"):
        services.confirm(decision(december_after_grant, "C002", "B1"), member)
    assert decision(december_after_grant, "C002", "B1").resolution == Resolution.ACQUIRED


def test_a_lower_retake_does_not_undo_a_jury_validation(
    december_after_grant: Deliberation, president: AbstractUser, member: AbstractUser
) -> None:
    jury_closes(december_after_grant, president, member)
    official = standing("C002")
    # Neither sheet reaches the threshold: the rules alone would not validate B1.
    assert not official.engine.blocks["B1"].validated
    found = official.units["B1"]
    assert found.validated
    assert found.act is not None
    assert (found.act.session, found.act.number) == (SESSION, 1)


def test_a_lower_retake_does_not_undo_a_validation_by_the_rules(
    session: ExamSession, staff: AbstractUser, ccab: Referential, tmp_path: Path
) -> None:
    # No June jury: C001's B1 was validated by its June sheet; December's retake is lower.
    failed = threshold(ccab, "B1") - 6
    december_act = opened(
        december(tmp_path, score_rows(ccab, "C001", "B1", failed, DECEMBER)), staff, DECEMBER_DATE
    )
    b1 = decision(december_act, "C001", "B1")
    assert (b1.proposed_status, b1.resolution) == (UnitStatus.VALIDATED, Resolution.PENDING)


def test_a_june_block_not_validated_is_decided_again_in_december(
    june_refused_b1: Deliberation,
    staff: AbstractUser,
    president: AbstractUser,
    member: AbstractUser,
    ccab: Referential,
    tmp_path: Path,
) -> None:
    session = december(tmp_path, score_rows(ccab, "C002", "B2", threshold(ccab, "B2"), DECEMBER))
    december_act = opened(session, staff, DECEMBER_DATE)
    seat_jury(december_act, president, member)
    b1 = services.override(
        decision(december_act, "C002", "B1"), UnitStatus.VALIDATED, JUSTIFICATION, member
    )
    assert (b1.resolution, b1.status) == (Resolution.OVERRIDDEN, UnitStatus.VALIDATED)
    assert b1.acquired_from is None


def test_a_june_failure_retaken_and_validated_in_december_is_proposed_validated(
    june_refused_b1: Deliberation, staff: AbstractUser, ccab: Referential, tmp_path: Path
) -> None:
    passed = threshold(ccab, "B1") + 2
    session = december(tmp_path, score_rows(ccab, "C002", "B1", passed, DECEMBER))
    b1 = decision(opened(session, staff, DECEMBER_DATE), "C002", "B1")
    assert (b1.proposed_status, b1.resolution) == (UnitStatus.VALIDATED, Resolution.PENDING)
    assert f"session {DECEMBER}" in b1.explanation


def test_the_minutes_cite_the_act_that_granted_an_acquired_unit(
    december_after_grant: Deliberation, president: AbstractUser, member: AbstractUser
) -> None:
    done = jury_closes(december_after_grant, president, member)
    b1 = next(
        entry
        for entry in minutes_data(done)["decisions"]
        if (entry["candidate"], entry["unit"]) == ("C002", "B1")
    )
    assert b1["resolution"] == Resolution.ACQUIRED
    assert b1["decision"] == UnitStatus.VALIDATED
    assert b1["acquired"] == {"session": SESSION, "deliberation": 1, "date": JUNE_DATE.isoformat()}


def test_the_december_page_shows_the_acquired_block_and_filters_on_it(
    december_after_grant: Deliberation, president: AbstractUser, member: AbstractUser
) -> None:
    seat_jury(december_after_grant, president, member)
    client = Client()
    client.force_login(member)
    url = reverse("deliberations:detail", args=[december_after_grant.pk])
    page = client.get(url).content.decode()
    assert "jury du 1 juillet 2026 (session 2026-06, délibération n° 1)" in page
    rows = client.get(url, {"filtre": "acquis"}).context["rows"]
    assert [row.candidate.numero for row in rows] == ["C002"]


def test_a_block_acquired_in_december_is_not_a_partial_validation_of_december(
    june_granted_b1: Deliberation,
    staff: AbstractUser,
    president: AbstractUser,
    member: AbstractUser,
    ccab: Referential,
    tmp_path: Path,
) -> None:
    failed = threshold(ccab, "B2") - 2
    session = december(tmp_path, score_rows(ccab, "C002", "B2", failed, DECEMBER))
    done = jury_closes(opened(session, staff, DECEMBER_DATE), president, member)
    assert minutes_data(done)["counts"] == {
        "candidates": 1,
        "certified": 0,
        "partially_validated": 0,
        "refused": 1,
        "without_decision": 0,
        "awaiting_marks": 0,
    }


def test_the_december_minutes_do_not_count_as_certified_a_candidate_certified_in_june(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    staff: AbstractUser,
    president: AbstractUser,
    member: AbstractUser,
    ccab: Referential,
    tmp_path: Path,
) -> None:
    jury_closes(deliberation, president, member)
    failed = threshold(ccab, "B1") - 5
    session = december(tmp_path, score_rows(ccab, "C001", "B1", failed, DECEMBER))
    done = jury_closes(opened(session, staff, DECEMBER_DATE), president, member)
    assert decision(done, "C001", CERTIFICATION).resolution == Resolution.ACQUIRED
    counted = minutes_data(done)["counts"]
    # December's jury decided nothing for C001: its certification is June's act.
    assert (counted["certified"], counted["without_decision"]) == (0, 1)


# -- three sessions ----------------------------------------------------------------------------


def test_in_a_third_session_a_june_grant_still_cites_the_june_act(
    december_after_grant: Deliberation,
    june_granted_b1: Deliberation,
    staff: AbstractUser,
    president: AbstractUser,
    member: AbstractUser,
    ccab: Referential,
    tmp_path: Path,
) -> None:
    jury_closes(december_after_grant, president, member)
    failed = threshold(ccab, "B1") - 8
    rows = score_rows(ccab, "C002", "B1", failed, JUNE_2027)
    rows += score_rows(ccab, "C002", "B3", threshold(ccab, "B3") + 1, JUNE_2027, part="pme")
    third = opened(graded(tmp_path, JUNE_2027, JUNE_2027_DAYS, rows), staff, JUNE_2027_DATE)
    b1 = decision(third, "C002", "B1")
    assert b1.resolution == Resolution.ACQUIRED
    assert b1.acquired_from == decision(june_granted_b1, "C002", "B1")
    # B2, validated in December, is acquired from December's act.
    b2 = decision(third, "C002", "B2")
    assert b2.resolution == Resolution.ACQUIRED
    assert b2.acquired_from == decision(december_after_grant, "C002", "B2")


def test_a_block_validated_in_december_after_a_june_failure_is_acquired_citing_december(
    june_refused_b1: Deliberation,
    staff: AbstractUser,
    president: AbstractUser,
    member: AbstractUser,
    ccab: Referential,
    tmp_path: Path,
) -> None:
    passed = threshold(ccab, "B1") + 2
    session = december(tmp_path, score_rows(ccab, "C002", "B1", passed, DECEMBER))
    december_act = jury_closes(opened(session, staff, DECEMBER_DATE), president, member)
    rows = score_rows(ccab, "C002", "B2", threshold(ccab, "B2"), JUNE_2027)
    third = opened(graded(tmp_path, JUNE_2027, JUNE_2027_DAYS, rows), staff, JUNE_2027_DATE)
    b1 = decision(third, "C002", "B1")
    assert b1.resolution == Resolution.ACQUIRED
    assert b1.acquired_from == decision(december_act, "C002", "B1")
    assert "jury du 21 décembre 2026 (session 2026-12, délibération n° 1)" in b1.explanation


# -- only an amendment of the granting act revises it -------------------------------------------


def amendment_of(
    deliberation: Deliberation,
    staff: AbstractUser,
    president: AbstractUser,
    member: AbstractUser,
    on_date: date,
) -> Deliberation:
    amendment = services.open_amendment(
        deliberation.session,
        staff,
        REASON,
        list(Candidate.objects.filter(numero="C002")),
        date=on_date,
        place="Paris",
    )
    seat_jury(amendment, president, member)
    return amendment


def test_an_amendment_of_june_may_revise_the_june_grant(
    december_after_grant: Deliberation,
    june_granted_b1: Deliberation,
    staff: AbstractUser,
    president: AbstractUser,
    member: AbstractUser,
) -> None:
    jury_closes(december_after_grant, president, member)
    amendment = amendment_of(june_granted_b1, staff, president, member, date(2027, 1, 15))
    b1 = decision(amendment, "C002", "B1")
    # The amendment starts from the grant, and decides B1 again on June's sheets.
    assert b1.previous == decision(june_granted_b1, "C002", "B1")
    assert (b1.resolution, b1.proposed_status) == (Resolution.PENDING, UnitStatus.NOT_VALIDATED)
    services.confirm(b1, member)
    jury_closes(amendment, president, member)
    found = standing("C002").units["B1"]
    assert not found.validated
    assert found.source == JURY
    assert found.act is not None
    assert (found.act.session, found.act.number) == (SESSION, amendment.number)


def test_after_june_revised_its_grant_the_next_session_decides_the_block_again(
    december_after_grant: Deliberation,
    june_granted_b1: Deliberation,
    staff: AbstractUser,
    president: AbstractUser,
    member: AbstractUser,
    ccab: Referential,
    tmp_path: Path,
) -> None:
    jury_closes(december_after_grant, president, member)
    amendment = amendment_of(june_granted_b1, staff, president, member, date(2027, 1, 15))
    jury_closes(amendment, president, member)
    rows = score_rows(ccab, "C002", "B3", threshold(ccab, "B3"), JUNE_2027, part="pme")
    third = opened(graded(tmp_path, JUNE_2027, JUNE_2027_DAYS, rows), staff, JUNE_2027_DATE)
    b1 = decision(third, "C002", "B1")
    assert (b1.resolution, b1.proposed_status) == (Resolution.PENDING, UnitStatus.NOT_VALIDATED)
    assert b1.acquired_from is None


def test_an_amendment_of_december_cannot_revise_the_june_grant(
    december_after_grant: Deliberation,
    staff: AbstractUser,
    president: AbstractUser,
    member: AbstractUser,
) -> None:
    jury_closes(december_after_grant, president, member)
    amendment = amendment_of(december_after_grant, staff, president, member, date(2027, 1, 15))
    b1 = decision(amendment, "C002", "B1")
    assert b1.resolution == Resolution.ACQUIRED
    with pytest.raises(DeliberationError, match="Seul un acte modificatif de cette délibération"):
        services.override(b1, UnitStatus.NOT_VALIDATED, JUSTIFICATION, member)


# -- rule 4: this session's grading --------------------------------------------------------------


def enrolled(session: ExamSession, numero: str, block: str, part: str = "") -> None:
    candidate = Candidate.objects.get(numero=numero)
    enrol(session, [candidate.pk], [(block, part)])


def draft(
    session: ExamSession,
    numero: str,
    block: str,
    values: dict[str, Any],
    evaluator: AbstractUser,
) -> None:
    """An evaluator's sheet for the unit, saved but not submitted."""
    assignment = Assignment.objects.create(
        session=session,
        candidate=Candidate.objects.get(numero=numero),
        block=Block.objects.get(version=session.referential_version, code=block),
        evaluator=evaluator,
    )
    sheet = open_sheet(assignment, actor=evaluator)
    save_sheet(sheet.pk, grid_data(values, revision=sheet.revision), actor=evaluator)


@pytest.fixture
def december_unfinished(
    june_refused_b1: Deliberation,
    ccab: Referential,
    tmp_path: Path,
    make_user: Callable[..., AbstractUser],
) -> ExamSession:
    """December: C002 sits B2 (submitted) and B1 again, whose sheet is a draft — a passing one."""
    session = december(tmp_path, score_rows(ccab, "C002", "B2", threshold(ccab, "B2"), DECEMBER))
    enrolled(session, "C002", "B1")
    passing = values_totalling(ccab.block("B1"), threshold(ccab, "B1") + 4)
    draft(session, "C002", "B1", passing, make_user(Role.EVALUATOR))
    return session


def test_opening_on_unfinished_grading_asks_for_an_acknowledgement(
    december_unfinished: ExamSession, staff: AbstractUser
) -> None:
    with pytest.raises(services.UnfinishedGrading) as refused:
        opened(december_unfinished, staff, DECEMBER_DATE)
    assert refused.value.units == ["C002 — B1"]
    assert not Deliberation.objects.filter(session=december_unfinished).exists()


def test_a_unit_whose_sheet_is_not_submitted_is_proposed_incomplete_without_decision(
    december_unfinished: ExamSession, staff: AbstractUser
) -> None:
    december_act = opened(december_unfinished, staff, DECEMBER_DATE, acknowledge_unfinished=True)
    b1 = decision(december_act, "C002", "B1")
    # The draft would validate it: it is not used until submitted.
    assert (b1.proposed_status, b1.resolution) == (
        UnitStatus.INCOMPLETE,
        Resolution.WITHOUT_DECISION,
    )
    tallied = counts(december_act)
    assert tallied.awaiting == 1


def test_a_unit_awaiting_marks_cannot_be_decided(
    december_unfinished: ExamSession,
    staff: AbstractUser,
    president: AbstractUser,
    member: AbstractUser,
) -> None:
    december_act = opened(december_unfinished, staff, DECEMBER_DATE, acknowledge_unfinished=True)
    seat_jury(december_act, president, member)
    with pytest.raises(DeliberationError, match="en attente de notes"):
        services.override(
            decision(december_act, "C002", "B1"), UnitStatus.VALIDATED, JUSTIFICATION, member
        )


def test_the_minutes_count_the_candidates_awaiting_marks(
    december_unfinished: ExamSession,
    staff: AbstractUser,
    president: AbstractUser,
    member: AbstractUser,
) -> None:
    december_act = opened(december_unfinished, staff, DECEMBER_DATE, acknowledge_unfinished=True)
    done = jury_closes(december_act, president, member)
    data = minutes_data(done)["counts"]
    assert data["awaiting_marks"] == 1
    # B2 validated in December: a partial validation, all the same.
    assert data["partially_validated"] == 1


def test_a_unit_validated_earlier_and_sat_again_unfinished_stays_validated(
    session: ExamSession, staff: AbstractUser, ccab: Referential, tmp_path: Path
) -> None:
    december_session = december(
        tmp_path, score_rows(ccab, "C001", "B2", threshold(ccab, "B2"), DECEMBER)
    )
    enrolled(december_session, "C001", "B1")
    december_act = opened(december_session, staff, DECEMBER_DATE, acknowledge_unfinished=True)
    b1 = decision(december_act, "C001", "B1")
    assert (b1.proposed_status, b1.resolution) == (UnitStatus.VALIDATED, Resolution.PENDING)


def test_a_candidate_with_nothing_but_units_awaiting_marks_is_counted_without_decision(
    session: ExamSession,
    staff: AbstractUser,
    candidates: list[Candidate],
    tmp_path: Path,
) -> None:
    (newcomer,) = add_candidates(tmp_path, "C003")
    enrol(session, [newcomer.pk], [("B4", "")])
    june = opened(session, staff, JUNE_DATE, acknowledge_unfinished=True)
    tallied = counts(june)
    assert (tallied.candidates, tallied.without_decision, tallied.awaiting) == (3, 1, 1)
    assert decision(june, "C003", CERTIFICATION).resolution == Resolution.WITHOUT_DECISION


# -- rule 5: the certification follows the blocks ----------------------------------------------


def test_overriding_a_block_updates_the_certification_line_and_the_counts(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], member: AbstractUser
) -> None:
    before = counts(deliberation)
    assert (before.certified, before.partial, before.refused) == (1, 0, 1)
    services.override(
        decision(deliberation, "C001", "B2"), UnitStatus.NOT_VALIDATED, JUSTIFICATION, member
    )
    certification = decision(deliberation, "C001", CERTIFICATION)
    assert certification.proposed_status == UnitStatus.NOT_VALIDATED
    assert "B2 non validé" in certification.explanation
    after = counts(deliberation)
    # C001 keeps B1, B3, B4 validated by this jury: a partial validation.
    assert (after.certified, after.partial, after.refused) == (0, 1, 1)


def test_overriding_the_only_failed_block_to_validated_gives_the_certification(
    session: ExamSession,
    staff: AbstractUser,
    president: AbstractUser,
    member: AbstractUser,
    ccab: Referential,
    tmp_path: Path,
) -> None:
    add_candidates(tmp_path, "C003")
    passed, failed = threshold(ccab, "B1") + 4, threshold(ccab, "B1") - 1
    rows = [row for row in every_block_rows(ccab, "C003", passed) if row[2] != "B1"]
    graded(tmp_path, SESSION, SESSION_DAYS, rows + score_rows(ccab, "C003", "B1", failed))
    june = opened(session, staff, JUNE_DATE)
    seat_jury(june, president, member)
    assert decision(june, "C003", CERTIFICATION).proposed_status == UnitStatus.NOT_VALIDATED
    certified = counts(june).certified
    services.override(decision(june, "C003", "B1"), UnitStatus.VALIDATED, JUSTIFICATION, member)
    assert decision(june, "C003", CERTIFICATION).proposed_status == UnitStatus.VALIDATED
    assert counts(june).certified == certified + 1


def test_a_confirmed_certification_contradicted_by_a_block_goes_back_to_decide(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    member: AbstractUser,
    candidates: list[Candidate],
) -> None:
    services.confirm_row(deliberation, candidates[0], member)
    services.override(
        decision(deliberation, "C001", "B2"), UnitStatus.NOT_VALIDATED, JUSTIFICATION, member
    )
    certification = decision(deliberation, "C001", CERTIFICATION)
    assert (certification.resolution, certification.status) == (Resolution.PENDING, "")
    assert AuditEvent.objects.filter(action="deliberation.certification_reviewed").count() == 1


def test_confirm_all_never_confirms_a_stale_certification(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    president: AbstractUser,
    member: AbstractUser,
    candidates: list[Candidate],
) -> None:
    services.confirm_row(deliberation, candidates[0], member)
    services.override(
        decision(deliberation, "C001", "B2"), UnitStatus.NOT_VALIDATED, JUSTIFICATION, member
    )
    services.confirm_all_pending(deliberation, president)
    certification = decision(deliberation, "C001", CERTIFICATION)
    assert (certification.resolution, certification.status) == (
        Resolution.CONFIRMED,
        UnitStatus.NOT_VALIDATED,
    )
    assert check_composition(deliberation) == []
    assert counts(deliberation).certified == 0


def test_the_certification_cannot_be_overridden(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], member: AbstractUser
) -> None:
    with pytest.raises(DeliberationError, match="suit les décisions sur les blocs"):
        services.override(
            decision(deliberation, "C002", CERTIFICATION),
            UnitStatus.VALIDATED,
            JUSTIFICATION,
            member,
        )


def test_the_certification_cannot_be_confirmed_while_its_blocks_are_pending(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], member: AbstractUser
) -> None:
    with pytest.raises(DeliberationError, match="décidez d'abord B1"):
        services.confirm(decision(deliberation, "C001", CERTIFICATION), member)
    assert decision(deliberation, "C001", CERTIFICATION).resolution == Resolution.PENDING


# -- rule 7: B3 and its parts -------------------------------------------------------------------


def b3_rows(ccab: Referential, numero: str, parts: dict[str, str]) -> Rows:
    """B3's parts: « passed » above the threshold, « failed » below, « incomplete » with a
    criterion left empty; parts not named are not assessed."""
    above, below = threshold(ccab, "B3") + 2, threshold(ccab, "B3") - 2
    rows: Rows = []
    for part, how in parts.items():
        total = below if how == "failed" else above
        sheet = score_rows(ccab, numero, "B3", total, SESSION, part=part)
        rows += sheet[:-1] if how == "incomplete" else sheet
    return rows


def b3_in_june(
    ccab: Referential, tmp_path: Path, staff: AbstractUser, parts: dict[str, str]
) -> Decision:
    session = graded(tmp_path, SESSION, SESSION_DAYS, b3_rows(ccab, "C001", parts))
    return decision(opened(session, staff, JUNE_DATE), "C001", "B3")


def test_b3_is_incomplete_when_a_part_is_incomplete_and_none_failed(
    candidates: list[Candidate], ccab: Referential, tmp_path: Path, staff: AbstractUser
) -> None:
    b3 = b3_in_june(
        ccab, tmp_path, staff, {"particulier": "passed", "pme": "incomplete", "eti": "incomplete"}
    )
    assert (b3.proposed_status, b3.resolution) == (
        UnitStatus.INCOMPLETE,
        Resolution.WITHOUT_DECISION,
    )


def test_b3_is_not_validated_when_a_part_failed_even_with_another_incomplete(
    candidates: list[Candidate], ccab: Referential, tmp_path: Path, staff: AbstractUser
) -> None:
    b3 = b3_in_june(
        ccab, tmp_path, staff, {"particulier": "failed", "pme": "incomplete", "eti": "passed"}
    )
    assert (b3.proposed_status, b3.resolution) == (UnitStatus.NOT_VALIDATED, Resolution.PENDING)


def test_b3_with_parts_validated_and_one_not_assessed_is_not_validated_naming_what_remains(
    candidates: list[Candidate], ccab: Referential, tmp_path: Path, staff: AbstractUser
) -> None:
    b3 = b3_in_june(ccab, tmp_path, staff, {"particulier": "passed", "pme": "passed"})
    assert (b3.proposed_status, b3.resolution) == (UnitStatus.NOT_VALIDATED, Resolution.PENDING)
    assert "partie ETI non évaluée" in b3.explanation


def test_b3_is_validated_when_all_three_parts_are(
    candidates: list[Candidate], ccab: Referential, tmp_path: Path, staff: AbstractUser
) -> None:
    parts = {part.code: "passed" for part in ccab.block("B3").parts}
    b3 = b3_in_june(ccab, tmp_path, staff, parts)
    assert b3.proposed_status == UnitStatus.VALIDATED


def test_b3_with_a_part_whose_grading_is_unfinished_waits_for_it(
    candidates: list[Candidate], ccab: Referential, tmp_path: Path, staff: AbstractUser
) -> None:
    session = graded(
        tmp_path,
        SESSION,
        SESSION_DAYS,
        b3_rows(ccab, "C001", {"particulier": "passed", "pme": "passed"}),
    )
    enrolled(session, "C001", "B3", "eti")
    june = opened(session, staff, JUNE_DATE, acknowledge_unfinished=True)
    b3 = decision(june, "C001", "B3")
    assert (b3.proposed_status, b3.resolution) == (
        UnitStatus.INCOMPLETE,
        Resolution.WITHOUT_DECISION,
    )


# -- rule 6: the minutes' counts ----------------------------------------------------------------


def test_the_minutes_do_not_count_a_candidate_with_only_the_memoire_as_a_partial_validation(
    candidates: list[Candidate],
    ccab: Referential,
    tmp_path: Path,
    staff: AbstractUser,
    president: AbstractUser,
    member: AbstractUser,
) -> None:
    session = graded(tmp_path, SESSION, SESSION_DAYS, thesis_rows(ccab, "C001"))
    done = jury_closes(opened(session, staff, JUNE_DATE), president, member)
    assert decision(done, "C001", "MEM").status == UnitStatus.VALIDATED
    counted = minutes_data(done)["counts"]
    assert (counted["partially_validated"], counted["refused"]) == (0, 1)


def test_the_minutes_count_a_candidate_with_one_block_validated_as_a_partial_validation(
    candidates: list[Candidate],
    ccab: Referential,
    tmp_path: Path,
    staff: AbstractUser,
    president: AbstractUser,
    member: AbstractUser,
) -> None:
    rows = score_rows(ccab, "C001", "B4", threshold(ccab, "B4"))
    session = graded(tmp_path, SESSION, SESSION_DAYS, rows)
    done = jury_closes(opened(session, staff, JUNE_DATE), president, member)
    counted = minutes_data(done)["counts"]
    assert (counted["partially_validated"], counted["refused"]) == (1, 0)


# -- rule 3: the official standing --------------------------------------------------------------


def test_the_standing_reads_the_jury_decision_with_its_deliberation(
    june_granted_b1: Deliberation,
) -> None:
    found = standing("C002")
    b1 = found.units["B1"]
    # The rules say « non validé »; the jury's word stands.
    assert not found.engine.blocks["B1"].validated
    assert b1.validated
    assert b1.source == JURY
    assert b1.summary() == {"source": JURY, "deliberation": act(SESSION, 1, JUNE_DATE)}


def test_the_standing_of_a_unit_no_jury_decided_reads_the_engine(
    june_granted_b1: Deliberation,
) -> None:
    b2 = standing("C002").units["B2"]
    assert b2.source == ENGINE
    assert b2.summary() == {"source": ENGINE}


def test_the_standing_keeps_the_jury_refusal_until_a_jury_validates_a_later_sheet(
    june_refused_b1: Deliberation,
    staff: AbstractUser,
    president: AbstractUser,
    member: AbstractUser,
    ccab: Referential,
    tmp_path: Path,
) -> None:
    passed = threshold(ccab, "B1") + 2
    session = december(tmp_path, score_rows(ccab, "C002", "B1", passed, DECEMBER))
    before = standing("C002")
    assert before.engine.blocks["B1"].validated
    assert not before.units["B1"].validated
    assert before.units["B1"].summary()["deliberation"] == act(SESSION, 1, JUNE_DATE)
    jury_closes(opened(session, staff, DECEMBER_DATE), president, member)
    after = standing("C002").units["B1"]
    assert after.validated
    assert after.summary() == {"source": JURY, "deliberation": act(DECEMBER, 1, DECEMBER_DATE)}


def test_certif_results_json_says_jury_or_engine_and_keeps_its_fields(
    june_granted_b1: Deliberation, ccab: Referential, tmp_path: Path
) -> None:
    add_candidates(tmp_path, "C003")
    graded(
        tmp_path,
        DECEMBER,
        DECEMBER_DAYS,
        score_rows(ccab, "C003", "B1", threshold(ccab, "B1"), DECEMBER),
    )
    found = results_json()
    c002 = found["C002"]
    assert {"candidate", "certified", "blocks", "source"} <= set(c002)
    assert c002["certified"] is False
    assert (c002["source"], c002["deliberation"]) == (JURY, act(SESSION, 1, JUNE_DATE))
    b1 = c002["blocks"]["B1"]
    assert {"status", "score"} <= set(b1)
    assert (b1["status"], b1["source"], b1["deliberation"]) == (
        UnitStatus.VALIDATED,
        JURY,
        act(SESSION, 1, JUNE_DATE),
    )
    assert c002["blocks"]["B2"]["source"] == ENGINE
    assert "deliberation" not in c002["blocks"]["B2"]
    # No jury has deliberated on C003 yet: the rules' word, said as such.
    c003 = found["C003"]
    assert c003["source"] == ENGINE
    assert "deliberation" not in c003
    assert {block["source"] for block in c003["blocks"].values()} == {ENGINE}
    assert c003["blocks"]["B1"]["status"] == UnitStatus.VALIDATED
