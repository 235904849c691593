"""A later change is a new, motivated act that starts from the last closed decisions."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser

from certif.candidates.models import Candidate
from certif.core.errors import Invalid
from certif.core.models import AuditEvent
from certif.deliberations import services
from certif.deliberations.models import (
    CERTIFICATION,
    Decision,
    Deliberation,
    DeliberationError,
    JuryMember,
    Kind,
    Resolution,
    UnitStatus,
)
from certif.domain.referential.schema import Referential
from certif.imports.scores import import_scores
from tests.support.builders import score_rows
from tests.support.deliberations import closed, decision, threshold
from tests.support.files import SCORE_HEADER, write_csv

pytestmark = pytest.mark.django_db

REASON = "Note de B1 corrigée après le recours gracieux du candidat."


@pytest.fixture
def done(
    deliberation: Deliberation, jury: tuple[JuryMember, JuryMember], president: AbstractUser
) -> Deliberation:
    return closed(deliberation, president)


@pytest.mark.parametrize("reason", ["", "   ", "erreur"])
def test_an_amendment_requires_a_reason(
    done: Deliberation, staff: AbstractUser, candidates: list[Candidate], reason: str
) -> None:
    with pytest.raises(Invalid) as refused:
        services.open_amendment(done.session, staff, reason, candidates[1:])
    assert "doit être motivé" in refused.value.errors["reason"][0]
    assert not Deliberation.objects.filter(kind=Kind.AMENDMENT).exists()


def test_an_amendment_names_its_candidates(done: Deliberation, staff: AbstractUser) -> None:
    with pytest.raises(Invalid) as refused:
        services.open_amendment(done.session, staff, REASON, [])
    assert "au moins un candidat" in refused.value.errors["candidates"][0]


def test_an_amendment_is_dated_on_or_after_the_last_day_of_its_session(
    done: Deliberation, staff: AbstractUser, candidates: list[Candidate]
) -> None:
    assert done.session.end_date is not None
    with pytest.raises(Invalid) as refused:
        services.open_amendment(
            done.session,
            staff,
            REASON,
            candidates[1:],
            date=done.session.end_date - timedelta(days=1),
        )
    assert "date" in refused.value.errors
    assert not Deliberation.objects.filter(kind=Kind.AMENDMENT).exists()


def test_an_amendment_only_concerns_candidates_already_decided(
    deliberation: Deliberation, staff: AbstractUser, candidates: list[Candidate]
) -> None:
    with pytest.raises(DeliberationError, match="encore ouverte"):
        services.open_amendment(deliberation.session, staff, REASON, candidates[1:])


def test_an_amendment_starts_from_the_last_closed_decisions_of_its_candidates(
    done: Deliberation,
    staff: AbstractUser,
    candidates: list[Candidate],
    ccab: Referential,
    tmp_path: Path,
) -> None:
    import_scores(
        write_csv(
            tmp_path / "recours.csv",
            SCORE_HEADER,
            score_rows(ccab, "C002", "B1", threshold(ccab, "B1") + 1),
        ),
        replace=True,
        create_sessions=True,
    )
    amendment = services.open_amendment(
        done.session, staff, REASON, candidates[1:], date=date(2026, 9, 15), place="Lyon"
    )
    assert (amendment.kind, amendment.number, amendment.reason) == (Kind.AMENDMENT, 2, REASON)
    amended = Decision.objects.filter(deliberation=amendment)
    assert set(amended.values_list("candidate__numero", flat=True)) == {"C002"}
    b1 = decision(amendment, "C002", "B1")
    assert b1.previous == decision(done, "C002", "B1")
    assert b1.previous is not None
    assert b1.previous.status == UnitStatus.NOT_VALIDATED
    # The proposal is the engine's as it stands now, after the correction.
    assert b1.proposed_status == UnitStatus.VALIDATED
    assert b1.resolution == Resolution.PENDING
    assert decision(amendment, "C002", CERTIFICATION).previous == decision(
        done, "C002", CERTIFICATION
    )
    event = AuditEvent.objects.get(action="deliberation.amendment_opened")
    assert event.reason == REASON


def test_a_second_amendment_starts_from_the_first(
    done: Deliberation,
    staff: AbstractUser,
    president: AbstractUser,
    member: AbstractUser,
    candidates: list[Candidate],
) -> None:
    first = services.open_amendment(done.session, staff, REASON, candidates[1:])
    for user, role in ((president, "president"), (member, "member")):
        services.record_member(
            first, staff, full_name=user.get_username(), role=role, affiliation="external",
            user=user,
        )  # fmt: skip
    closed(first, president)
    second = services.open_amendment(done.session, staff, REASON, candidates[1:])
    assert decision(second, "C002", "B1").previous == decision(first, "C002", "B1")
    assert second.number == 3
