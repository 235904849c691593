"""Closing freezes everything, seals the minutes with a digest; publishing shows the results."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AbstractUser
from django.utils import timezone

from certif.candidates.models import Candidate
from certif.core.models import AuditEvent
from certif.deliberations import services
from certif.deliberations.checks import canonical_json, minutes_data, minutes_digest
from certif.deliberations.models import (
    Affiliation,
    Decision,
    Deliberation,
    DeliberationClosed,
    DeliberationError,
    DeliberationForbidden,
    JuryMember,
    MemberRole,
    Recusal,
    Resolution,
    State,
    UnitStatus,
)
from tests.support.deliberations import closed, decision, on

pytestmark = pytest.mark.django_db

JUSTIFICATION = "Erreur matérielle constatée sur la grille : le jury valide le bloc."


def test_closing_is_refused_while_problems_remain(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], president: AbstractUser
) -> None:
    pending = deliberation.decisions.filter(resolution=Resolution.PENDING).count()
    # The units without decision (C002's blocks not presented) are not left to take.
    assert pending == deliberation.decisions.exclude(resolution=Resolution.WITHOUT_DECISION).count()
    with pytest.raises(services.CompositionProblems) as refused:
        services.close_deliberation(deliberation, president)
    assert refused.value.problems[0].startswith(f"{pending} décision(s) restent à prendre")
    deliberation.refresh_from_db()
    assert deliberation.status == State.OPEN
    assert deliberation.digest == ""


def test_closing_succeeds_once_every_problem_is_solved(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], president: AbstractUser
) -> None:
    done = closed(deliberation, president)
    done.refresh_from_db()
    assert done.status == State.CLOSED
    assert done.closed_at is not None
    assert done.closed_by == president
    assert len(done.digest) == 64
    assert AuditEvent.objects.get(action="deliberation.closed").after["digest"] == done.digest


def test_only_the_president_sitting_closes(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    president: AbstractUser,
    member: AbstractUser,
) -> None:
    services.confirm_all_pending(deliberation, president)
    with pytest.raises(DeliberationForbidden, match="Seul le président"):
        services.close_deliberation(deliberation, member)
    deliberation.refresh_from_db()
    assert deliberation.status == State.OPEN


def test_the_president_marked_absent_cannot_close(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    president: AbstractUser,
    staff: AbstractUser,
) -> None:
    services.confirm_all_pending(deliberation, president)
    services.set_presence(jury[0], False, staff)
    with pytest.raises(DeliberationForbidden, match="Seul le président"):
        services.close_deliberation(deliberation, president)


def test_a_deliberation_is_not_closed_before_its_date(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], president: AbstractUser
) -> None:
    services.confirm_all_pending(deliberation, president)
    with (
        on(deliberation.date - timedelta(days=1)),
        pytest.raises(DeliberationError, match="ne peut pas être close avant ce jour"),
    ):
        services.close_deliberation(deliberation, president)
    deliberation.refresh_from_db()
    assert deliberation.status == State.OPEN
    with on(deliberation.date):
        services.close_deliberation(deliberation, president)
    deliberation.refresh_from_db()
    assert deliberation.status == State.CLOSED


@pytest.fixture
def done(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], president: AbstractUser
) -> Deliberation:
    return closed(deliberation, president)


def test_after_closing_confirming_is_refused(done: Deliberation, member: AbstractUser) -> None:
    with pytest.raises(DeliberationClosed):
        services.confirm(decision(done, "C002", "B1"), member)


def test_after_closing_overriding_is_refused(done: Deliberation, member: AbstractUser) -> None:
    with pytest.raises(DeliberationClosed):
        services.override(decision(done, "C002", "B1"), UnitStatus.VALIDATED, JUSTIFICATION, member)
    assert decision(done, "C002", "B1").status == UnitStatus.NOT_VALIDATED


def test_after_closing_the_jury_cannot_change(
    done: Deliberation, jury: tuple[JuryMember, JuryMember], candidates: list[Candidate]
) -> None:
    with pytest.raises(DeliberationClosed):
        services.record_member(
            done, None, full_name="Tardif", role=MemberRole.MEMBER, affiliation=Affiliation.EXTERNAL
        )
    with pytest.raises(DeliberationClosed):
        services.set_presence(jury[1], False, None)
    with pytest.raises(DeliberationClosed):
        services.remove_member(jury[1], None)
    with pytest.raises(DeliberationClosed):
        services.recuse(jury[1], candidates[0], None)
    assert done.members.count() == 2


def test_the_model_guard_refuses_a_direct_save_of_a_closed_decision(done: Deliberation) -> None:
    tampered = decision(done, "C002", "B1")
    tampered.status = UnitStatus.VALIDATED
    with pytest.raises(DeliberationClosed):
        tampered.save()
    assert decision(done, "C002", "B1").status == UnitStatus.NOT_VALIDATED


def test_the_model_guard_refuses_a_direct_save_of_a_closed_deliberation(
    done: Deliberation,
) -> None:
    done.place = "Ailleurs"
    with pytest.raises(DeliberationClosed):
        done.save()
    with pytest.raises(DeliberationClosed):
        done.save(update_fields=["place"])


def test_the_guard_refuses_bulk_updates_and_deletes(
    done: Deliberation, jury: tuple[JuryMember, JuryMember]
) -> None:
    with pytest.raises(DeliberationClosed):
        Decision.objects.filter(deliberation=done).update(status=UnitStatus.VALIDATED)
    with pytest.raises(DeliberationClosed):
        Decision.objects.filter(deliberation=done).delete()
    with pytest.raises(DeliberationClosed):
        JuryMember.objects.filter(deliberation=done).update(present=False)
    with pytest.raises(DeliberationClosed):
        Deliberation.objects.filter(pk=done.pk).update(status=State.OPEN)
    with pytest.raises(DeliberationClosed):
        done.delete()
    with pytest.raises(DeliberationClosed):
        JuryMember.objects.create(
            deliberation=done, full_name="Tardif", affiliation=Affiliation.EXTERNAL
        )


def test_the_guard_refuses_a_recusal_added_after_closing(
    done: Deliberation, jury: tuple[JuryMember, JuryMember], candidates: list[Candidate]
) -> None:
    with pytest.raises(DeliberationClosed):
        Recusal.objects.create(member=jury[1], candidate=candidates[0])


def test_the_digest_is_the_sha256_of_the_canonical_minutes(done: Deliberation) -> None:
    expected = hashlib.sha256(canonical_json(minutes_data(done)).encode("utf-8")).hexdigest()
    assert done.digest == expected == minutes_digest(done)


def test_the_digest_is_stable_for_the_same_content(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], president: AbstractUser
) -> None:
    services.confirm_all_pending(deliberation, president)
    first = minutes_digest(deliberation)
    # Timestamps are not content: deciding again, later, the same way changes nothing.
    Decision.objects.filter(deliberation=deliberation).update(decided_at=timezone.now())
    assert minutes_digest(deliberation) == first
    assert closed(deliberation, president).digest == first


def test_the_digest_changes_with_the_content(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    president: AbstractUser,
    member: AbstractUser,
) -> None:
    services.confirm_all_pending(deliberation, president)
    before = minutes_digest(deliberation)
    services.set_presence(jury[1], False, None)
    assert minutes_digest(deliberation) != before


def test_the_minutes_list_members_decisions_overrides_and_counts(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    president: AbstractUser,
    member: AbstractUser,
) -> None:
    services.override(
        decision(deliberation, "C002", "B1"), UnitStatus.VALIDATED, JUSTIFICATION, member
    )
    done = closed(deliberation, president)
    data = minutes_data(done)
    assert [m["name"] for m in data["members"]] == ["Hélène Président", "Marc Membre"]
    assert len(data["decisions"]) == 12
    assert data["overrides"] == [
        {
            "candidate": "C002",
            "unit": "B1",
            "from": "not_validated",
            "to": "validated",
            "justification": JUSTIFICATION,
        }
    ]
    assert data["counts"] == {
        "candidates": 2,
        "certified": 1,
        "partially_validated": 1,
        "refused": 0,
        "without_decision": 0,
        "awaiting_marks": 0,
    }
    # A unit not presented is in the minutes, without decision.
    not_presented = next(
        d for d in data["decisions"] if (d["candidate"], d["unit"]) == ("C002", "B2")
    )
    assert (not_presented["resolution"], not_presented["decision"]) == ("without", "")


def test_results_are_published_only_once_the_deliberation_is_closed(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], staff: AbstractUser
) -> None:
    with pytest.raises(DeliberationError, match="Seule une délibération close"):
        services.publish_results(deliberation, staff)


def test_publishing_records_when_and_who_once(done: Deliberation, staff: AbstractUser) -> None:
    published = services.publish_results(done, staff)
    published.refresh_from_db()
    assert published.published_at is not None
    assert published.published_by == staff
    assert published.digest == done.digest
    with pytest.raises(DeliberationError, match="déjà publiés"):
        services.publish_results(done, staff)
    assert AuditEvent.objects.filter(action="deliberation.published").count() == 1


def test_a_new_deliberation_cannot_open_while_another_is_open(
    deliberation: Deliberation, staff: AbstractUser, candidates: list[Candidate]
) -> None:
    with pytest.raises(DeliberationError, match="encore ouverte"):
        services.open_amendment(
            deliberation.session, staff, "Correction après recours gracieux", candidates,
            date=date(2026, 9, 1),
        )  # fmt: skip


def test_the_closing_check_speaks_english_to_an_english_reader(
    deliberation: Deliberation,
) -> None:
    from django.utils import translation

    from certif.deliberations.checks import check_composition

    with translation.override("en"):
        problems = check_composition(deliberation)
    assert any("at least two members present" in problem for problem in problems)
    assert not any("membres présents" in problem for problem in problems)
