"""A session's timetable: written whole, within the session's dates, journaled, never lost to a
concurrent save, and printed by the convocations."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.contrib.auth.models import AbstractUser
from django.utils import timezone

from certif.core.audit import AuditEvent
from certif.core.errors import Stale
from certif.documents import services
from certif.documents.models import Kind
from certif.documents.presenting import valid_convocations
from certif.domain.units import SittingRef, UnitRef
from certif.referential.models import Block
from certif.sessions.models import ExamSession, Sitting
from certif.sessions.services import enrol
from certif.sessions.timetable import (
    Slot,
    TimetableRefused,
    set_timetable,
    timetable,
)
from tests.support.documents import candidate, pdf_text

pytestmark = pytest.mark.django_db


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of June 2026, the month of the session's épreuves, in the certifier's zone."""
    return timezone.make_aware(datetime(2026, 6, day, hour, minute))


def test_a_timetable_lists_every_epreuve_of_the_referential_with_no_slot_at_first(
    session: ExamSession,
) -> None:
    rows = timetable(session).rows
    assert [row.sitting.key for row in rows] == [
        "B1",
        "B2",
        "B3:particulier",
        "B3:pme",
        "B3:eti",
        "B4/B4Me1",
        "B4/B4Me2",
        "MEM",
    ]
    assert all(row.slot is None for row in rows)


def test_each_case_study_of_b4_takes_a_slot_of_its_own(
    session: ExamSession, staff: AbstractUser
) -> None:
    first, second = SittingRef(UnitRef("B4"), "B4Me1"), SittingRef(UnitRef("B4"), "B4Me2")
    set_timetable(session, {first: Slot(at(17, 9)), second: Slot(at(17, 14))}, staff)
    slots = {row.sitting: row.slot for row in timetable(session).rows if row.slot is not None}
    assert slots == {first: Slot(at(17, 9)), second: Slot(at(17, 14))}


def test_a_slot_for_the_whole_of_b4_is_refused_naming_its_two_case_studies(
    session: ExamSession, staff: AbstractUser
) -> None:
    with pytest.raises(TimetableRefused) as refused:
        set_timetable(session, {UnitRef("B4"): Slot(at(17, 9))}, staff)
    assert refused.value.problems == [
        "Épreuve B4 : ce bloc a une épreuve par modalité (B4Me1, B4Me2) ; "
        "donnez l'horaire de chacune."
    ]
    assert not Sitting.objects.filter(session=session).exists()


def test_a_slot_saved_for_the_whole_of_b4_stands_for_each_case_study_until_saved_again(
    session: ExamSession,
) -> None:
    block = Block.objects.get(version=session.referential_version, code="B4")
    Sitting.objects.create(session=session, block=block, starts_at=at(17, 9), room="Salle 2")
    rows = {row.sitting.key: row.slot for row in timetable(session).rows}
    assert rows["B4/B4Me1"] == rows["B4/B4Me2"] == Slot(at(17, 9), "Salle 2")


def test_the_convocation_prints_each_case_study_of_b4_at_its_own_time(
    session: ExamSession, staff: AbstractUser
) -> None:
    b4 = UnitRef("B4")
    slots = {SittingRef(b4, "B4Me1"): Slot(at(17, 9)), SittingRef(b4, "B4Me2"): Slot(at(18, 14))}
    set_timetable(session, slots, staff)
    enrol(session, [candidate("C002").pk], [b4])
    subject = services.Subject(Kind.CONVOCATION, session, candidate("C002"))
    text = pdf_text(bytes(services.issue(subject, staff).pdf))
    assert "B4Me1 mercredi 17 juin 2026 9 h 00" in text
    assert "B4Me2 jeudi 18 juin 2026 14 h 00" in text


def test_a_saved_timetable_is_read_back_with_its_rooms(
    session: ExamSession, staff: AbstractUser
) -> None:
    set_timetable(
        session,
        {("B2", ""): Slot(at(16, 14, 30), " Salle Curie "), ("B3", "pme"): Slot(at(17, 9))},
        staff,
    )
    slots = {row.unit: row.slot for row in timetable(session).rows if row.slot is not None}
    assert slots == {
        ("B2", ""): Slot(at(16, 14, 30), "Salle Curie"),
        ("B3", "pme"): Slot(at(17, 9)),
    }


def test_an_epreuve_left_out_of_a_new_timetable_loses_its_slot(
    session: ExamSession, staff: AbstractUser
) -> None:
    set_timetable(session, {("B1", ""): Slot(at(15, 9)), ("B2", ""): Slot(at(16, 9))}, staff)
    set_timetable(session, {("B2", ""): Slot(at(16, 10))}, staff)
    assert list(Sitting.objects.filter(session=session).values_list("block__code", flat=True)) == [
        "B2"
    ]


def test_a_day_outside_the_sessions_dates_is_refused_and_nothing_is_written(
    session: ExamSession, staff: AbstractUser
) -> None:
    with pytest.raises(TimetableRefused) as refused:
        set_timetable(session, {("B1", ""): Slot(at(15, 9)), ("B2", ""): Slot(at(22, 9))}, staff)
    assert refused.value.problems == [
        "Épreuve B2 : le 22/06/2026 est hors des dates de la session 2026-06 "
        "(du 15/06/2026 au 19/06/2026)."
    ]
    assert not Sitting.objects.filter(session=session).exists()


def test_an_epreuve_the_referential_does_not_have_is_refused(
    session: ExamSession, staff: AbstractUser
) -> None:
    with pytest.raises(TimetableRefused) as refused:
        set_timetable(session, {("B3", "grande-entreprise"): Slot(at(15, 9))}, staff)
    assert "Épreuve B3 — grande-entreprise" in refused.value.problems[0]


def test_a_save_against_a_timetable_changed_since_it_was_read_is_refused(
    session: ExamSession, staff: AbstractUser
) -> None:
    read = timetable(session).fingerprint
    set_timetable(session, {("B1", ""): Slot(at(15, 9))}, staff, expected=read)
    with pytest.raises(Stale):
        set_timetable(session, {("B2", ""): Slot(at(16, 9))}, staff, expected=read)
    assert timetable(session).rows[0].slot == Slot(at(15, 9))
    assert timetable(session).rows[1].slot is None


def test_a_change_is_journaled_with_the_timetable_before_and_after(
    session: ExamSession, staff: AbstractUser
) -> None:
    set_timetable(session, {("B1", ""): Slot(at(15, 9), "Salle A")}, staff)
    set_timetable(session, {("B1", ""): Slot(at(15, 10), "Salle A")}, staff)
    event = AuditEvent.objects.filter(action="session.timetable").latest("pk")
    assert (event.before, event.after) == (
        {"B1": "2026-06-15 09:00 — Salle A"},
        {"B1": "2026-06-15 10:00 — Salle A"},
    )
    assert event.actor == staff


def test_saving_the_same_timetable_again_changes_nothing_and_journals_nothing(
    session: ExamSession, staff: AbstractUser
) -> None:
    set_timetable(session, {("B1", ""): Slot(at(15, 9))}, staff)
    again = set_timetable(session, {("B1", ""): Slot(at(15, 9))}, staff)
    assert not again.changed
    assert AuditEvent.objects.filter(action="session.timetable").count() == 1


def test_a_change_counts_the_convocations_that_keep_the_former_timetable(
    session: ExamSession, staff: AbstractUser
) -> None:
    services.issue(services.Subject(Kind.CONVOCATION, session, candidate("C002")), staff)
    saved = set_timetable(session, {UnitRef("B1"): Slot(at(15, 9))}, staff)
    assert saved.changed
    assert valid_convocations(session) == 1


def test_the_convocation_prints_the_day_time_and_room_of_the_timetable(
    session: ExamSession, staff: AbstractUser
) -> None:
    set_timetable(session, {("B2", ""): Slot(at(16, 14, 30), "Salle Curie")}, staff)
    subject = services.Subject(Kind.CONVOCATION, session, candidate("C002"))
    text = pdf_text(bytes(services.issue(subject, staff).pdf))
    assert "mardi 16 juin 2026 14 h 30 Salle Curie" in text


def test_the_convocation_agrees_with_the_candidates_recorded_sex(
    session: ExamSession, staff: AbstractUser
) -> None:
    woman = candidate("C002")
    assert woman.sex == "F"
    subject = services.Subject(Kind.CONVOCATION, session, woman)
    text = pdf_text(bytes(services.issue(subject, staff).pdf))
    assert "Candidate MARTIN" in text
    assert "Née le 1er juillet 1988" in text
    assert "Vous êtes convoquée aux épreuves" in text
