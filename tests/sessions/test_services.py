"""Enrolling and assigning: idempotent, audited, and refused when the rules forbid it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser

from certif.accounts.models import ConflictKind
from certif.accounts.services import declare_conflict
from certif.candidates.models import Candidate
from certif.core.errors import Invalid
from certif.core.models import AuditEvent
from certif.core.roles import Role
from certif.domain.units import enrolment_units
from certif.imports.numeros import candidates_from_file
from certif.imports.reading import FileRejected
from certif.referential.models import ReferentialVersion
from certif.sessions.models import Assignment, Enrolment, ExamSession
from certif.sessions.services import (
    AssignmentRefused,
    SessionError,
    assign_evaluator,
    assign_evaluator_bulk,
    enrol,
    update_session,
)
from tests.support.files import write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def ids(candidates: list[Candidate]) -> list[int]:
    return [c.pk for c in candidates]


def test_the_units_of_a_session_come_from_its_referential(session: ExamSession) -> None:
    referential = session.referential_version.referential
    expected = [(block.code, part.code) for block in referential.blocks for part in block.parts] + [
        (block.code, "") for block in referential.blocks if not block.parts
    ]
    assert sorted(enrolment_units(referential)) == sorted(expected)


def test_enrolling_twice_creates_nothing_the_second_time(
    session: ExamSession, candidates: list[Candidate]
) -> None:
    first = enrol(session, ids(candidates), [("B1", ""), ("B3", "pme")])
    second = enrol(session, ids(candidates), [("B1", ""), ("B3", "pme")])
    assert (first.created, first.existing) == (4, 0)
    assert (second.created, second.existing) == (0, 4)
    assert Enrolment.objects.filter(session=session).count() == 4


def test_an_enrolment_is_one_journal_entry_with_its_counts(
    session: ExamSession, candidates: list[Candidate]
) -> None:
    enrol(session, ids(candidates), [("B1", "")])
    enrol(session, ids(candidates), [("B1", ""), ("B2", "")])
    events = AuditEvent.objects.filter(action="session.enrolled").order_by("id")
    assert [e.after for e in events] == [
        {"units": ["B1"], "candidates": 2, "created": 2, "existing": 0},
        {"units": ["B1", "B2"], "candidates": 2, "created": 2, "existing": 2},
    ]


def test_a_block_with_parts_is_enrolled_part_by_part(
    session: ExamSession, candidates: list[Candidate]
) -> None:
    with pytest.raises(SessionError, match="par partie"):
        enrol(session, ids(candidates), [("B3", "")])
    with pytest.raises(SessionError, match="bloc inconnu"):
        enrol(session, ids(candidates), [("B9", "")])
    assert not Enrolment.objects.exists()


def test_a_file_of_numeros_gives_its_candidates(
    candidates: list[Candidate], tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "liste.xlsx", ["numero", "nom"], [["C002", "Lefèvre"], ["C001", ""]]
    )
    assert candidates_from_file(path) == sorted(ids(candidates))


def test_a_file_with_an_unknown_numero_is_refused_naming_line_and_value(
    candidates: list[Candidate], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "liste.csv", ["numero"], [["C001"], ["C999"], ["C002"], [" "]])
    with pytest.raises(FileRejected) as caught:
        candidates_from_file(path)
    problems = [problem.describe() for problem in caught.value.problems]
    assert problems == [
        "ligne 3, colonne numero, valeur « C999 » : candidat inconnu",
    ]


def test_a_file_without_a_numero_column_is_refused(
    candidates: list[Candidate], tmp_path: Path
) -> None:
    with pytest.raises(FileRejected, match="numero"):
        candidates_from_file(write_csv(tmp_path / "liste.csv", ["nom"], [["Dupont"]]))


def test_assigning_an_evaluator_is_idempotent_and_journaled(
    session: ExamSession, candidates: list[Candidate], evaluator: AbstractUser
) -> None:
    enrol(session, ids(candidates), [("B1", "")])
    first = assign_evaluator(session, candidates[0], "B1", "", evaluator, 1)
    again = assign_evaluator(session, candidates[0], "B1", "", evaluator, 1)
    assert (first.created, again.unchanged) == (1, 1)
    assignment = Assignment.objects.get()
    assert (assignment.evaluator, assignment.marker, assignment.part) == (evaluator, 1, "")
    assert AuditEvent.objects.filter(action="assignment.created").count() == 1


def test_another_evaluator_replaces_the_first_with_before_and_after(
    session: ExamSession,
    candidates: list[Candidate],
    evaluator: AbstractUser,
    second_evaluator: AbstractUser,
) -> None:
    enrol(session, ids(candidates), [("B1", "")])
    assign_evaluator(session, candidates[0], "B1", "", evaluator, 1)
    outcome = assign_evaluator(session, candidates[0], "B1", "", second_evaluator, 1)
    assert outcome.replaced == 1
    assert Assignment.objects.get().evaluator == second_evaluator
    event = AuditEvent.objects.get(action="assignment.changed")
    assert (event.before, event.after) == ({"evaluator": "eva"}, {"evaluator": "hugo"})


def test_an_evaluator_linked_to_the_candidate_is_refused_naming_both(
    session: ExamSession, candidates: list[Candidate], evaluator: AbstractUser
) -> None:
    enrol(session, ids(candidates), [("B1", "")])
    declare_conflict(evaluator, candidates[0], ConflictKind.TRAINER)
    with pytest.raises(AssignmentRefused) as caught:
        assign_evaluator(session, candidates[0], "B1", "", evaluator, 1)
    message = str(caught.value)
    assert "eva" in message
    assert "C001 DUPONT Marie" in message
    assert "formateur" in message
    assert not Assignment.objects.exists()


def test_the_same_evaluator_cannot_mark_twice(
    session: ExamSession, candidates: list[Candidate], evaluator: AbstractUser
) -> None:
    enrol(session, ids(candidates), [("B3", "eti")])
    assign_evaluator(session, candidates[0], "B3", "eti", evaluator, 1)
    with pytest.raises(AssignmentRefused, match="autre personne"):
        assign_evaluator(session, candidates[0], "B3", "eti", evaluator, 2)


def test_a_second_marker_is_another_person(
    session: ExamSession,
    candidates: list[Candidate],
    evaluator: AbstractUser,
    second_evaluator: AbstractUser,
) -> None:
    enrol(session, ids(candidates), [("B3", "eti")])
    assign_evaluator(session, candidates[0], "B3", "eti", evaluator, 1)
    assign_evaluator(session, candidates[0], "B3", "eti", second_evaluator, 2)
    assert sorted(Assignment.objects.values_list("marker", "evaluator__username")) == [
        (1, "eva"),
        (2, "hugo"),
    ]


def test_a_unit_the_candidate_is_not_enrolled_in_cannot_be_assigned(
    session: ExamSession, candidates: list[Candidate], evaluator: AbstractUser
) -> None:
    with pytest.raises(SessionError, match="n'est pas inscrit"):
        assign_evaluator(session, candidates[0], "B1", "", evaluator, 1)


def test_a_person_without_the_evaluator_role_is_refused(
    session: ExamSession,
    candidates: list[Candidate],
    make_user: Callable[..., AbstractUser],
) -> None:
    enrol(session, ids(candidates), [("B1", "")])
    staff = make_user(Role.STAFF)
    with pytest.raises(AssignmentRefused, match="rôle évaluateur"):
        assign_evaluator(session, candidates[0], "B1", "", staff, 1)


def test_a_bulk_assignment_covers_every_enrolled_candidate_once(
    session: ExamSession, candidates: list[Candidate], evaluator: AbstractUser
) -> None:
    enrol(session, ids(candidates), [("B2", "")])
    first = assign_evaluator_bulk(session, "B2", "", evaluator, 1)
    again = assign_evaluator_bulk(session, "B2", "", evaluator, 1)
    assert (first.created, again.created, again.unchanged) == (2, 0, 2)
    assert Assignment.objects.count() == 2
    assert AuditEvent.objects.filter(action="assignments.assigned").count() == 2


def test_a_bulk_assignment_is_refused_whole_when_the_evaluator_is_linked_to_one(
    session: ExamSession, candidates: list[Candidate], evaluator: AbstractUser
) -> None:
    enrol(session, ids(candidates), [("B2", "")])
    declare_conflict(evaluator, candidates[1], ConflictKind.EMPLOYER)
    with pytest.raises(AssignmentRefused) as caught:
        assign_evaluator_bulk(session, "B2", "", evaluator, 1)
    assert "eva" in str(caught.value)
    assert "C002" in str(caught.value)
    assert not Assignment.objects.exists()


def test_a_bulk_assignment_can_leave_the_candidates_already_assigned(
    session: ExamSession,
    candidates: list[Candidate],
    evaluator: AbstractUser,
    second_evaluator: AbstractUser,
) -> None:
    enrol(session, ids(candidates), [("B2", "")])
    declare_conflict(evaluator, candidates[1], ConflictKind.EMPLOYER)
    assign_evaluator(session, candidates[1], "B2", "", second_evaluator, 1)
    outcome = assign_evaluator_bulk(session, "B2", "", evaluator, 1, only_unassigned=True)
    assert (outcome.created, outcome.skipped) == (1, 1)
    assert dict(Assignment.objects.values_list("candidate__numero", "evaluator__username")) == {
        "C001": "eva",
        "C002": "hugo",
    }


def test_a_bulk_second_marking_refuses_the_first_markers(
    session: ExamSession, candidates: list[Candidate], evaluator: AbstractUser
) -> None:
    enrol(session, ids(candidates), [("B2", "")])
    assign_evaluator_bulk(session, "B2", "", evaluator, 1)
    with pytest.raises(AssignmentRefused, match="autre personne"):
        assign_evaluator_bulk(session, "B2", "", evaluator, 2)


def test_the_version_of_a_session_with_enrolments_stays(
    session: ExamSession, candidates: list[Candidate]
) -> None:
    enrol(session, ids(candidates), [("B1", "")])
    other = ReferentialVersion.objects.create(
        code="CCAB", number=99, label="autre", title="t", sha256="x", source_name="s",
        source_text="", document=session.referential_version.document,
    )  # fmt: skip
    with pytest.raises(Invalid, match="ne peut plus changer"):
        update_session(session, {"referential_version": other})


def test_a_session_edit_is_journaled_with_before_and_after(session: ExamSession) -> None:
    update_session(session, {"place": "Lyon", "title": session.title})
    event = AuditEvent.objects.get(action="session.updated")
    assert (event.before, event.after) == ({"place": ""}, {"place": "Lyon"})
