"""Sessions with stored results, juries and deliberations, built through the services."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
import yaml
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.test import Client

from certif.candidates.models import Candidate
from certif.core.roles import Role
from certif.deliberations import services
from certif.deliberations.models import (
    Affiliation,
    Decision,
    Deliberation,
    JuryMember,
    MemberRole,
)
from certif.domain.referential.loading import LoadedReferential
from certif.domain.referential.schema import Referential
from certif.imports.candidates import import_candidates
from certif.imports.scores import import_scores
from certif.referential.models import ReferentialVersion
from certif.referential.services import load_referential
from certif.sessions.models import ExamSession
from certif.sessions.services import create_session, update_session
from tests.support.builders import score_rows, thesis_rows, threshold
from tests.support.files import CANDIDATE_HEADER, SCORE_HEADER, write_csv

SESSION = "2026-06"
# The session's days: its deliberation is dated on or after the last one.
SESSION_DAYS = (date(2026, 6, 15), date(2026, 6, 19))
# The next session, six months later.
DECEMBER = "2026-12"
DECEMBER_DAYS = (date(2026, 12, 14), date(2026, 12, 18))


Rows = list[tuple[str, str, str, str, str, str]]


def import_rows(tmp_path: Path, rows: Rows, name: str = "notes.csv") -> None:
    import_scores(write_csv(tmp_path / name, SCORE_HEADER, rows), create_sessions=True)


def every_block_rows(
    ccab: Referential, numero: str, total: Decimal | str, session: str = SESSION
) -> Rows:
    """Every block of the référentiel given ``total`` raw points (each part of a block with
    parts too), and a thesis meeting its conditions, in ``session``."""
    rows: Rows = []
    for block in ccab.blocks:
        if block.scoring.method == "pass_fail":
            rows += thesis_rows(ccab, numero, session)
        elif block.parts:
            for part in block.parts:
                rows += score_rows(ccab, numero, block.code, total, session, part=part.code)
        else:
            rows += score_rows(ccab, numero, block.code, total, session)
    return rows


def add_candidates(tmp_path: Path, *numeros: str) -> list[Candidate]:
    """More candidates, imported as a file would bring them."""
    import_candidates(
        write_csv(
            tmp_path / f"candidats-{'-'.join(numeros)}.csv",
            CANDIDATE_HEADER,
            [(numero, "Autre", "Camille", "01/01/2000") for numero in numeros],
        )
    )
    return list(Candidate.objects.filter(numero__in=numeros).order_by("numero"))


@pytest.fixture
def session(ccab: Referential, candidates: list[Candidate], tmp_path: Path) -> ExamSession:
    """C001 passes everything well above every threshold; C002 has B1 only, below its
    threshold."""
    validated = threshold(ccab, "B1") + 4
    failed = threshold(ccab, "B1") - 4
    import_rows(
        tmp_path,
        every_block_rows(ccab, "C001", validated) + score_rows(ccab, "C002", "B1", failed),
    )
    return held(SESSION, *SESSION_DAYS)


def held(code: str, start: date, end: date) -> ExamSession:
    """The session, with the days it was held."""
    found = ExamSession.objects.get(code=code)
    return update_session(found, {"start_date": start, "end_date": end})


@pytest.fixture
def client_for(client_as: Callable[..., Client]) -> Callable[[Role], Client]:
    """A signed-in client holding ``role`` (a candidate account gets a candidate of its own)."""
    counter = iter(range(1, 10_000))

    def signed_in(role: Role) -> Client:
        if role != Role.CANDIDATE:
            return client_as(role)
        candidate = Candidate.objects.create(
            numero=f"R{next(counter):04d}",
            birth_name="Rôle",
            first_name="Test",
            birth_date=date(2000, 1, 1),
        )
        return client_as(role, candidate=candidate)

    return signed_in


@pytest.fixture
def deliberation(session: ExamSession, staff: AbstractUser) -> Deliberation:
    return services.open_deliberation(session, staff, date(2026, 7, 1), "Paris")


def seat(
    deliberation: Deliberation,
    user: AbstractUser | None,
    role: MemberRole = MemberRole.MEMBER,
    affiliation: Affiliation = Affiliation.EXTERNAL,
    name: str | None = None,
) -> JuryMember:
    return services.record_member(
        deliberation,
        None,
        full_name=name or (user.get_username() if user is not None else "Membre sans compte"),
        role=role,
        affiliation=affiliation,
        user=user,
    )


@pytest.fixture
def jury(
    deliberation: Deliberation, president: AbstractUser, member: AbstractUser
) -> tuple[JuryMember, JuryMember]:
    """A valid composition: an external president and an external member, both present."""
    return seat_jury(deliberation, president, member)


def decision(deliberation: Deliberation, numero: str, unit: str) -> Decision:
    return Decision.objects.get(deliberation=deliberation, candidate__numero=numero, unit=unit)


def closed(deliberation: Deliberation, president: AbstractUser) -> Deliberation:
    """Confirm everything still pending, then close."""
    services.confirm_all_pending(deliberation, president)
    return services.close_deliberation(deliberation, president)


def seat_jury(
    deliberation: Deliberation, president: AbstractUser, member: AbstractUser
) -> tuple[JuryMember, JuryMember]:
    """The ``jury`` fixture's composition, on another deliberation."""
    return (
        seat(deliberation, president, MemberRole.PRESIDENT, name="Hélène Président"),
        seat(deliberation, member, name="Marc Membre"),
    )


@contextmanager
def on(day: date) -> Iterator[None]:
    """Today is ``day`` (from noon, the certifier's time) for the duration of the block."""
    moment = datetime.combine(day, time(12), tzinfo=ZoneInfo(settings.TIME_ZONE))
    with time_machine.travel(moment, tick=True):
        yield


def closed_on_its_day(deliberation: Deliberation, president: AbstractUser) -> Deliberation:
    """Confirm everything still pending, then close on the deliberation's own date (a
    deliberation cannot be closed before it)."""
    with on(deliberation.date):
        return closed(deliberation, president)


def load_variant(ccab: Referential, block: str, new_threshold: Decimal) -> ReferentialVersion:
    """The référentiel with another threshold for ``block``: a new version, now in force."""
    document = ccab.model_dump(mode="json")
    document["version"] = f"{ccab.version} (seuil {block} {new_threshold})"
    for spec in document["blocks"]:
        if spec["code"] == block:
            spec["scoring"]["threshold"] = str(new_threshold)
            spec["scoring"]["rule_text"] = None
    referential = Referential.model_validate(document)
    text = yaml.safe_dump(document, allow_unicode=True)
    return load_referential(LoadedReferential(referential, "variante.yaml", text)).version


def many_candidates(tmp_path: Path, count: int, ccab: Referential) -> list[str]:
    """``count`` more candidates with a B1 sheet each in the session."""
    numeros = [f"M{index:04d}" for index in range(count)]
    import_candidates(
        write_csv(
            tmp_path / "nombreux.csv",
            CANDIDATE_HEADER,
            [(numero, "Nombreux", "Camille", "01/01/2000") for numero in numeros],
        )
    )
    total = threshold(ccab, "B1")
    rows: Rows = []
    for numero in numeros:
        rows += score_rows(ccab, numero, "B1", total)
    import_rows(tmp_path, rows, "nombreux-notes.csv")
    return numeros


@pytest.fixture
def december(
    deliberation: Deliberation,
    jury: tuple[JuryMember, JuryMember],
    president: AbstractUser,
    session: ExamSession,
) -> ExamSession:
    """June closed (C001 validated every block, C002 failed B1); December to come."""
    closed_on_its_day(deliberation, president)
    return create_session(
        {"code": DECEMBER, "title": "Décembre", "referential_version": session.referential_version}
    )
