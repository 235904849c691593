"""The bank's writes: cases and versions, all-or-nothing draws that never repeat a case for a
candidate nor exceed the session's limit, re-draws only before the épreuve, journalled
openings."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from certif.candidates.models import Candidate
from certif.casebank import actions
from certif.casebank.models import Case, CaseVersion, Draw
from certif.casebank.services import (
    CaseRefused,
    add_version,
    draw_cases,
    open_draw,
    redraw,
    retire_case,
)
from certif.core.errors import Forbidden, Invalid
from certif.core.models import AuditEvent
from certif.core.roles import Role
from certif.referential.models import ReferentialVersion
from tests.support.casebank import bank_case, bank_of, case_session, pdf_upload, set_start

pytestmark = pytest.mark.django_db
REASON = "Le candidat a vu ce cas en formation."


def test_a_case_is_created_with_its_first_version_and_a_checked_pdf(
    version: ReferentialVersion,
) -> None:
    case = bank_case("B2", "B2-001", pdf=True)
    first = case.versions.get()
    assert (first.number, first.attachment_pages) == (1, 2)
    assert len(first.attachment_sha256) == 64


def test_a_case_without_text_nor_pdf_is_refused(version: ReferentialVersion) -> None:
    with pytest.raises(Invalid):
        bank_case("B2", "B2-001", text=" ")


def test_a_version_without_text_nor_pdf_is_refused(version: ReferentialVersion) -> None:
    case = bank_case("B2", "B2-001")
    empty = {"text": "", "client_script": "", "note": ""}
    with pytest.raises(Invalid):
        add_version(case.pk, empty, actor=None)


def test_a_file_that_is_not_a_pdf_is_refused_and_nothing_is_created(
    version: ReferentialVersion,
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from certif.casebank.services import create_case

    fake = SimpleUploadedFile("cas.pdf", b"MZ not a pdf at all")
    data = {
        "slot": "B2",
        "reference": "B2-009",
        "title": "T",
        "text": "x",
        "client_script": "",
        "note": "",
    }
    with pytest.raises(CaseRefused, match="PDF refusé"):
        create_case(data, fake, actor=None)
    assert not Case.objects.exists()


def test_a_slot_the_referential_does_not_draw_is_refused(version: ReferentialVersion) -> None:
    with pytest.raises(Invalid):
        bank_case("B1", "B1-001")


def test_a_new_version_keeps_the_old_ones_and_the_draws_keep_theirs(
    version: ReferentialVersion, candidates: list[Candidate]
) -> None:
    case = bank_case("B2", "B2-001")
    session = case_session(version, "S1", candidates[:1], [("B2", "")])
    draw_cases(session, actor=None)
    add_version(
        case.pk, {"text": "Texte revu", "client_script": "", "note": "coquille"}, actor=None
    )
    assert list(case.versions.values_list("number", flat=True)) == [2, 1]
    assert Draw.objects.get().version.number == 1


def test_each_enrolled_unit_gets_its_cases_b3_per_part_and_b4_two(
    version: ReferentialVersion, candidates: list[Candidate]
) -> None:
    for slot in ("B3:pme", "B4Me1", "B4Me2"):
        bank_of(slot, 2)
    session = case_session(version, "S1", candidates, [("B3", "pme"), ("B4", "")])
    outcome = draw_cases(session, actor=None)
    assert outcome.drawn == 6
    slots = set(Draw.objects.filter(candidate=candidates[0]).values_list("slot", flat=True))
    assert slots == {"B3:pme", "B4Me1", "B4Me2"}


def test_drawing_again_only_fills_what_is_missing(
    version: ReferentialVersion, candidates: list[Candidate]
) -> None:
    bank_of("B2", 3)
    session = case_session(version, "S1", candidates, [("B2", "")])
    draw_cases(session, actor=None)
    assert draw_cases(session, actor=None).drawn == 0
    assert Draw.objects.count() == 2


def test_a_retake_never_gets_a_case_the_candidate_had(
    version: ReferentialVersion, candidates: list[Candidate]
) -> None:
    bank_of("B2", 2)
    first = case_session(version, "S1", candidates[:1], [("B2", "")])
    draw_cases(first, actor=None)
    had = Draw.objects.get().case_id
    retake = case_session(version, "S2", candidates[:1], [("B2", "")])
    draw_cases(retake, actor=None)
    assert Draw.objects.get(session=retake).case_id != had


def test_a_draw_the_bank_cannot_satisfy_is_refused_whole(
    version: ReferentialVersion, candidates: list[Candidate]
) -> None:
    bank_of("B2", 1)
    bank_of("B3:pme", 2)
    first = case_session(version, "S1", candidates[:1], [("B2", "")])
    draw_cases(first, actor=None)
    retake = case_session(version, "S2", candidates[:1], [("B2", ""), ("B3", "pme")])
    with pytest.raises(
        CaseRefused, match="B2 — Scénario de jeu de rôle : aucun cas possible pour C001"
    ):
        draw_cases(retake, actor=None)
    assert not Draw.objects.filter(session=retake).exists()


@override_settings(CASE_MAX_USES_PER_SESSION=1)
def test_a_case_is_not_used_in_a_session_beyond_the_limit(
    version: ReferentialVersion, candidates: list[Candidate]
) -> None:
    bank_of("B2", 1)
    session = case_session(version, "S1", candidates, [("B2", "")])
    with pytest.raises(CaseRefused, match="au plus 1 fois par session"):
        draw_cases(session, actor=None)
    bank_case("B2", "B2-EXTRA")
    draw_cases(session, actor=None)
    assert Draw.objects.values("case").distinct().count() == 2


def test_a_retired_case_is_no_longer_drawn_but_stays(
    version: ReferentialVersion, candidates: list[Candidate]
) -> None:
    retired, kept = bank_of("B2", 2)
    retire_case(retired.pk, {"reason": "Cas devenu obsolète après la loi."}, actor=None)
    session = case_session(version, "S1", candidates, [("B2", "")])
    draw_cases(session, actor=None)
    assert set(Draw.objects.values_list("case_id", flat=True)) == {kept.pk}
    assert Case.objects.filter(pk=retired.pk).exists()


def test_a_redraw_before_the_epreuve_keeps_the_replaced_draw_in_the_history(
    version: ReferentialVersion, candidates: list[Candidate]
) -> None:
    bank_of("B2", 2)
    session = case_session(version, "S1", candidates[:1], [("B2", "")])
    draw_cases(session, actor=None)
    first = Draw.objects.get()
    second = redraw(first.pk, {"reason": REASON}, actor=None)
    first.refresh_from_db()
    assert (first.current, first.replaced_reason) == (False, REASON)
    assert second.case_id != first.case_id
    assert AuditEvent.objects.filter(action=actions.CASE_REDRAWN.code, reason=REASON).exists()


def test_a_redraw_after_the_epreuve_started_is_refused(
    version: ReferentialVersion, candidates: list[Candidate]
) -> None:
    bank_of("B2", 2)
    session = case_session(version, "S1", candidates[:1], [("B2", "")], start=timezone.localdate())
    set_start(session, ("B2", ""), timezone.now() - timedelta(minutes=5))
    draw_cases(session, actor=None)
    with pytest.raises(CaseRefused, match="a commencé"):
        redraw(Draw.objects.get().pk, {"reason": REASON}, actor=None)


def _candidate_user(make_user: Any, candidate: Candidate) -> Any:
    return make_user(Role.CANDIDATE, candidate=candidate)


def test_a_candidate_opens_their_case_only_once_the_epreuve_started_and_it_is_journalled(
    version: ReferentialVersion, candidates: list[Candidate], make_user: Any
) -> None:
    bank_of("B2", 2)
    session = case_session(version, "S1", candidates[:1], [("B2", "")], start=timezone.localdate())
    draw_cases(session, actor=None)
    draw = Draw.objects.get()
    user = _candidate_user(make_user, candidates[0])
    with pytest.raises(Forbidden):
        open_draw(draw.pk, actor=user)  # no slot, no access
    set_start(session, ("B2", ""), timezone.now() + timedelta(hours=1))
    with pytest.raises(Forbidden):
        open_draw(draw.pk, actor=user)
    set_start(session, ("B2", ""), timezone.now() - timedelta(minutes=1))
    assert open_draw(draw.pk, actor=user).pk == draw.pk
    assert AuditEvent.objects.filter(action=actions.CASE_OPENED.code, actor=user).count() == 1


def test_another_candidate_never_opens_the_case(
    version: ReferentialVersion, candidates: list[Candidate], make_user: Any
) -> None:
    bank_of("B2", 2)
    session = case_session(version, "S1", candidates, [("B2", "")], start=timezone.localdate())
    set_start(session, ("B2", ""), timezone.now() - timedelta(minutes=1))
    draw_cases(session, actor=None)
    other = _candidate_user(make_user, candidates[1])
    with pytest.raises(Forbidden):
        open_draw(Draw.objects.get(candidate=candidates[0]).pk, actor=other)


def test_versions_are_numbered_in_order(version: ReferentialVersion) -> None:
    case = bank_case("B2", "B2-001")
    add_version(case.pk, {"text": "v2", "client_script": "", "note": ""}, pdf_upload(), actor=None)
    third = add_version(
        case.pk, {"text": "", "client_script": "", "note": "", "keep_pdf": "on"}, actor=None
    )
    assert third.number == 3
    assert third.has_attachment
    assert CaseVersion.objects.filter(case=case).count() == 3


def test_each_b4_case_study_opens_at_its_own_sitting(
    version: ReferentialVersion, candidates: list[Candidate], make_user: Any
) -> None:
    from certif.domain.units import SittingRef, UnitRef
    from certif.sessions.timetable import Slot, set_timetable

    bank_of("B4Me1", 1)
    bank_of("B4Me2", 1)
    session = case_session(version, "S1", candidates[:1], [("B4", "")], start=timezone.localdate())
    now = timezone.now()
    session.start_date = timezone.localdate() - timedelta(days=1)
    session.end_date = timezone.localdate() + timedelta(days=2)
    session.save()
    set_timetable(
        session,
        {
            SittingRef(UnitRef("B4"), "B4Me1"): Slot(now - timedelta(minutes=5)),
            SittingRef(UnitRef("B4"), "B4Me2"): Slot(now + timedelta(days=1)),
        },
        None,
    )
    draw_cases(session, actor=None)
    user = _candidate_user(make_user, candidates[0])
    assert open_draw(Draw.objects.get(slot="B4Me1").pk, actor=user).slot == "B4Me1"
    with pytest.raises(Forbidden):
        open_draw(Draw.objects.get(slot="B4Me2").pk, actor=user)
