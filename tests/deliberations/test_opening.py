"""Opening a deliberation copies the engine's proposals once and for all."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser

from certif.candidates.models import Candidate
from certif.core.errors import Invalid
from certif.core.models import AuditEvent
from certif.core.roles import Role
from certif.deliberations import services
from certif.deliberations.models import (
    CERTIFICATION,
    Decision,
    Deliberation,
    DeliberationError,
    Resolution,
    UnitStatus,
)
from certif.deliberations.presenting import candidate_ids
from certif.domain.referential.schema import Referential
from certif.imports.scores import import_scores
from certif.referential.models import Block
from certif.referential.services import current_version
from certif.results.models import CandidateResult
from certif.sessions.models import Enrolment, ExamSession
from tests.support.builders import score_rows
from tests.support.deliberations import (
    SESSION,
    SESSION_DAYS,
    decision,
    held,
    import_rows,
    load_variant,
    threshold,
)
from tests.support.files import SCORE_HEADER, write_csv

pytestmark = pytest.mark.django_db


def test_opening_proposes_every_block_of_the_referential_and_the_certification_per_candidate(
    deliberation: Deliberation, ccab: Referential
) -> None:
    units = [block.code for block in ccab.blocks] + [CERTIFICATION]
    for numero in ("C001", "C002"):
        found = Decision.objects.filter(deliberation=deliberation, candidate__numero=numero)
        assert list(found.order_by("position").values_list("unit", flat=True)) == units


def test_units_assessed_wait_for_the_jury_and_units_not_assessed_get_no_decision(
    deliberation: Deliberation, ccab: Referential
) -> None:
    # C001 sat every unit; C002 only B1: its other blocks were not presented.
    assert not Decision.objects.filter(deliberation=deliberation, candidate__numero="C001").exclude(
        resolution=Resolution.PENDING
    )
    others = [block.code for block in ccab.blocks if block.code != "B1"]
    for unit in others:
        unassessed = decision(deliberation, "C002", unit)
        assert (unassessed.proposed_status, unassessed.resolution) == (
            UnitStatus.NOT_ASSESSED,
            Resolution.WITHOUT_DECISION,
        )
    assert decision(deliberation, "C002", "B1").resolution == Resolution.PENDING
    assert decision(deliberation, "C002", CERTIFICATION).resolution == Resolution.PENDING


def test_proposals_carry_the_engine_status_score_and_explanation(
    deliberation: Deliberation, ccab: Referential
) -> None:
    failed = decision(deliberation, "C002", "B1")
    assert failed.proposed_status == UnitStatus.NOT_VALIDATED
    assert failed.proposed_score == f"{threshold(ccab, 'B1') - 4:.2f}".replace(".", ",") + "/20"
    assert failed.explanation.startswith("B1 non validé")
    assert decision(deliberation, "C001", CERTIFICATION).proposed_status == UnitStatus.VALIDATED
    assert decision(deliberation, "C002", CERTIFICATION).proposed_status == (
        UnitStatus.NOT_VALIDATED
    )


def enrol_without_sheet(session: ExamSession) -> Candidate:
    """C003, enrolled in B2 of the session, with no sheet yet."""
    enrolled = Candidate.objects.create(
        numero="C003", birth_name="Martin", first_name="Léa", birth_date=date(1995, 1, 2)
    )
    Enrolment.objects.create(
        candidate=enrolled,
        session=session,
        block=Block.objects.get(version=session.referential_version, code="B2"),
    )
    return enrolled


def test_opening_on_unfinished_grading_is_refused_naming_the_units_left(
    session: ExamSession, candidates: list[Candidate], staff: AbstractUser
) -> None:
    enrol_without_sheet(session)
    with pytest.raises(services.UnfinishedGrading) as refused:
        services.open_deliberation(session, staff, date(2026, 7, 1))
    assert refused.value.status == 409
    assert refused.value.units == ["C003 — B2"]
    assert "C003 — B2" in refused.value.errors["acknowledge_unfinished"][0]
    assert not Deliberation.objects.exists()


def test_an_enrolled_candidate_without_any_sheet_waits_for_marks_once_acknowledged(
    session: ExamSession, candidates: list[Candidate], staff: AbstractUser
) -> None:
    enrol_without_sheet(session)
    deliberation = services.open_deliberation(
        session, staff, date(2026, 7, 1), acknowledge_unfinished=True
    )
    waiting = decision(deliberation, "C003", "B2")
    assert (waiting.proposed_status, waiting.resolution) == (
        UnitStatus.INCOMPLETE,
        Resolution.WITHOUT_DECISION,
    )
    # Nothing for this jury to decide for C003: no certification decision either.
    certification = decision(deliberation, "C003", CERTIFICATION)
    assert certification.proposed_status == UnitStatus.NOT_VALIDATED
    assert certification.resolution == Resolution.WITHOUT_DECISION
    event = AuditEvent.objects.get(action="deliberation.opened")
    assert event.after["grading_unfinished"] == ["C003 — B2"]


def test_the_proposal_does_not_move_when_the_stored_result_changes_after_opening(
    deliberation: Deliberation, ccab: Referential, tmp_path: Path
) -> None:
    before = decision(deliberation, "C002", "B1")
    passing = threshold(ccab, "B1") + 5
    import_scores(
        write_csv(tmp_path / "corrige.csv", SCORE_HEADER, score_rows(ccab, "C002", "B1", passing)),
        replace=True,
        create_sessions=True,
    )
    stored = CandidateResult.objects.get(candidate__numero="C002").decision
    assert stored.blocks["B1"].status.value == UnitStatus.VALIDATED
    after = decision(deliberation, "C002", "B1")
    assert (after.proposed_status, after.proposed_score, after.explanation, after.snapshot) == (
        before.proposed_status,
        before.proposed_score,
        before.explanation,
        before.snapshot,
    )


def test_opening_is_audited(deliberation: Deliberation) -> None:
    event = AuditEvent.objects.get(action="deliberation.opened")
    assert event.object_id == str(deliberation.pk)
    assert event.after["candidates"] == 2


def test_a_session_has_one_initial_deliberation(
    deliberation: Deliberation, session: ExamSession, staff: AbstractUser
) -> None:
    with pytest.raises(DeliberationError, match="acte modificatif"):
        services.open_deliberation(session, staff, date(2026, 7, 2))


def test_a_session_without_candidates_cannot_be_deliberated(
    version: object, staff: AbstractUser
) -> None:
    in_force = current_version()
    assert in_force is not None
    empty = ExamSession.objects.create(
        code="2027-01",
        referential_version=in_force,
        start_date=date(2027, 1, 11),
        end_date=date(2027, 1, 15),
    )
    with pytest.raises(DeliberationError, match="rien à délibérer"):
        services.open_deliberation(empty, staff, date(2027, 2, 1))


def test_a_session_without_its_dates_cannot_be_deliberated(
    session: ExamSession, staff: AbstractUser
) -> None:
    ExamSession.objects.filter(pk=session.pk).update(start_date=None, end_date=None)
    session.refresh_from_db()
    with pytest.raises(DeliberationError, match="n'a pas de dates"):
        services.open_deliberation(session, staff, date(2026, 7, 1))
    assert not Deliberation.objects.exists()


def test_a_deliberation_dated_before_the_last_day_of_its_session_is_refused(
    session: ExamSession, staff: AbstractUser
) -> None:
    assert session.end_date is not None
    with pytest.raises(Invalid) as refused:
        services.open_deliberation(session, staff, session.end_date - timedelta(days=1))
    assert "dernier jour de la session" in refused.value.errors["date"][0]
    assert not Deliberation.objects.exists()


def test_a_deliberation_may_be_dated_the_last_day_of_its_session(
    session: ExamSession, staff: AbstractUser
) -> None:
    assert session.end_date is not None
    opened = services.open_deliberation(session, staff, session.end_date)
    assert opened.date == session.end_date


def test_the_borderline_filter_uses_the_threshold_of_the_referential(
    ccab: Referential,
    candidates: list[Candidate],
    tmp_path: Path,
    make_user: Callable[..., AbstractUser],
) -> None:
    # B2 at 14 instead of the file's threshold: 13.5 is borderline, 12.5 is not, although
    # 12.5 would be with the built-in threshold.
    raised = threshold(ccab, "B2") + 2
    load_variant(ccab, "B2", raised)
    import_rows(
        tmp_path,
        score_rows(ccab, "C001", "B2", raised - Decimal("0.5"))
        + score_rows(ccab, "C002", "B2", raised - Decimal("1.5")),
    )
    session = held(SESSION, *SESSION_DAYS)
    deliberation = services.open_deliberation(session, make_user(Role.STAFF), date(2026, 7, 1))
    listed = list(candidate_ids(deliberation, "limites"))
    assert listed == [Candidate.objects.get(numero="C001").pk]
    assert decision(deliberation, "C001", "B2").proposed_status == UnitStatus.NOT_VALIDATED
