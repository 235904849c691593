"""The world the documents need, built once per test module through the services: a référentiel
whose registration mentions are filled, a certifier with its settings, a session whose
deliberation is closed, and a second session whose deliberation is ready to close.

Building it takes about a second (two référentiels, imports, a deliberation); each test then
runs inside it and rolls back its own changes, as any database test does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.test import Client

from certif.accounts.services import create_user
from certif.candidates.models import Candidate, Sex
from certif.core.roles import Role
from certif.deliberations import services as deliberations
from certif.deliberations.models import Decision, Deliberation, MemberRole, UnitStatus
from certif.documents.models import CertifierSettings
from certif.domain.referential.loading import load_builtin_referential, parse_referential
from certif.domain.referential.schema import PointsScoring, Referential
from certif.imports.candidates import import_candidates
from certif.imports.scores import import_scores
from certif.referential.models import ReferentialVersion
from certif.referential.services import load_builtin, load_referential
from certif.sessions.models import ExamSession
from certif.sessions.services import enrol
from tests.support.builders import score_rows, thesis_rows
from tests.support.documents import OVERRIDE, candidate
from tests.support.files import CANDIDATE_HEADER, SCORE_HEADER, write_csv

SESSION = "2026-06"
LATER = "2026-10"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "documents"
PASSWORD = "pw-for-tests"

# The registration mentions, as a certifier fills them in its copy of the référentiel.
MENTIONS = {
    'rncp_code: ""': 'rncp_code: "RNCP38576"',
    'level: ""': 'level: "5"',
    'nsf_code: ""': 'nsf_code: "313"',
    'certifier: ""': 'certifier: "Institut Européen de l\'Assurance"',
    "registration_decision_date: null": "registration_decision_date: 2024-03-12",
    "registration_duration_years: null": "registration_duration_years: 5",
}


def registered_text() -> str:
    text = (resources.files("certif.referentials") / "ccab.yaml").read_text(encoding="utf-8")
    for blank, filled in MENTIONS.items():
        assert blank in text
        text = text.replace(blank, filled, 1)
    return text


def threshold(referential: Referential, block: str) -> Any:
    scoring = referential.block(block).scoring
    assert isinstance(scoring, PointsScoring)
    return scoring.threshold


def every_block_rows(referential: Referential, numero: str, total: Any, session: str) -> list[Any]:
    rows: list[Any] = []
    for block in referential.blocks:
        if block.scoring.method == "pass_fail":
            rows += thesis_rows(referential, numero, session)
        elif block.parts:
            for part in block.parts:
                rows += score_rows(referential, numero, block.code, total, session, part.code)
        else:
            rows += score_rows(referential, numero, block.code, total, session)
    return rows


@dataclass(frozen=True)
class World:
    builtin: int
    registered: int
    session: int
    later: int
    closed: int
    ready: int
    staff: int
    president: int
    member: int


def _people(tmp: Path) -> None:
    import_candidates(
        write_csv(
            tmp / "candidats.csv",
            CANDIDATE_HEADER,
            [
                ("C001", "Dupont", "Marie", "12/03/1990"),
                ("C002", "Lefèvre", "Éloïse Anne", "01/07/1988"),
                ("C003", "Nguyễn", "Thành", "05/05/1995"),
            ],
        )
    )
    Candidate.objects.filter(numero="C001").update(birth_place="Saint-Étienne", sex=Sex.FEMALE)
    Candidate.objects.filter(numero="C002").update(
        birth_place="Orléans",
        sex=Sex.FEMALE,
        usage_name="Martin",
        extra_time_percent=33,
        accommodations="Salle au rez-de-chaussée.",
    )
    Candidate.objects.filter(numero="C003").update(birth_place="Hô Chi Minh-Ville", sex=Sex.MALE)


def _scores(tmp: Path, referential: Referential) -> None:
    """Session 2026-06: C001 validates everything; C002 validates B1 and has B2 below its
    threshold. Session 2026-10: C003 validates everything."""
    above, below = threshold(referential, "B1") + 4, threshold(referential, "B2") - 3
    rows = (
        every_block_rows(referential, "C001", above, SESSION)
        + score_rows(referential, "C002", "B1", above, SESSION)
        + score_rows(referential, "C002", "B2", below, SESSION)
        + every_block_rows(referential, "C003", above, LATER)
    )
    import_scores(write_csv(tmp / "notes.csv", SCORE_HEADER, rows), create_sessions=True)


def _jury(deliberation: Deliberation, president: AbstractUser, member: AbstractUser) -> None:
    for user, role, name in (
        (president, MemberRole.PRESIDENT, "Hélène Présidente"),
        (member, MemberRole.MEMBER, "Marc Évaluateur"),
    ):
        deliberations.record_member(
            deliberation, None, full_name=name, role=role, affiliation="external", user=user
        )


def _build(tmp: Path) -> World:
    builtin = load_builtin().version
    loaded = parse_referential(registered_text(), "ccab-enregistre.yaml")
    registered = load_referential(loaded).version
    referential = registered.referential
    CertifierSettings(
        legal_name="Institut Européen de l'Assurance",
        address="12, rue de la Paix\n75002 Paris",
        issue_place="Paris",
        signatory_name="Hélène Delacroix",
        signatory_title="Directrice générale",
        public_url="https://certif.example.fr",
    ).save()
    _people(tmp)
    _scores(tmp, referential)
    people = {c.numero: c.pk for c in Candidate.objects.all()}
    staff = create_user("gestion", password=PASSWORD, roles=[Role.STAFF])
    president = create_user("presidente", password=PASSWORD, roles=[Role.JURY_PRESIDENT])
    member = create_user("membre", password=PASSWORD, roles=[Role.JURY_MEMBER])
    session = ExamSession.objects.get(code=SESSION)
    assert session.referential_version_id == registered.pk
    ExamSession.objects.filter(code__in=[SESSION, LATER]).update(
        start_date=date(2026, 6, 15),
        end_date=date(2026, 6, 19),
        place="Centre d'examen, 3 quai de Seine, Rouen",
    )
    ExamSession.objects.filter(code=SESSION).update(title="Session de juin 2026")
    enrol(session, [people["C001"], people["C002"]], [("B1", ""), ("B2", "")])
    closed = deliberations.open_deliberation(session, staff, date(2026, 7, 1), "Rouen")
    _jury(closed, president, member)
    decision = Decision.objects.get(deliberation=closed, candidate__numero="C002", unit="B2")
    deliberations.override(decision, UnitStatus.VALIDATED, OVERRIDE, member)
    deliberations.confirm_all_pending(closed, president)
    deliberations.close_deliberation(closed, president)
    later = ExamSession.objects.get(code=LATER)
    ready = deliberations.open_deliberation(later, staff, date(2026, 11, 2), "Rouen")
    _jury(ready, president, member)
    deliberations.confirm_all_pending(ready, president)
    return World(
        builtin.pk,
        registered.pk,
        session.pk,
        later.pk,
        closed.pk,
        ready.pk,
        staff.pk,
        president.pk,
        member.pk,
    )


@pytest.fixture(scope="module")
def world(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build(tmp_path_factory.mktemp("documents"))
        transaction.set_rollback(True)


@pytest.fixture
def ccab_registered(world: World, db: None) -> ReferentialVersion:
    return ReferentialVersion.objects.get(pk=world.registered)


@pytest.fixture
def builtin(world: World, db: None) -> ReferentialVersion:
    return ReferentialVersion.objects.get(pk=world.builtin)


@pytest.fixture
def session(world: World, db: None) -> ExamSession:
    return ExamSession.objects.get(pk=world.session)


@pytest.fixture
def later(world: World, db: None) -> ExamSession:
    return ExamSession.objects.get(pk=world.later)


@pytest.fixture
def closed(world: World, db: None) -> Deliberation:
    return Deliberation.objects.select_related("session").get(pk=world.closed)


@pytest.fixture
def ready(world: World, db: None) -> Deliberation:
    """A deliberation whose every decision is taken: the president may close it."""
    return Deliberation.objects.select_related("session").get(pk=world.ready)


def _user(pk: int) -> AbstractUser:
    from django.contrib.auth import get_user_model

    user: AbstractUser = get_user_model().objects.get(pk=pk)
    return user


@pytest.fixture
def staff(world: World, db: None) -> AbstractUser:
    return _user(world.staff)


@pytest.fixture
def president(world: World, db: None) -> AbstractUser:
    return _user(world.president)


@pytest.fixture
def member(world: World, db: None) -> AbstractUser:
    return _user(world.member)


@pytest.fixture
def certifier(world: World, db: None) -> CertifierSettings:
    return CertifierSettings.load()


@pytest.fixture
def client_for(world: World, client_as: Callable[..., Client]) -> Callable[..., Client]:
    """A signed-in client holding ``role``; a candidate account is linked to ``numero`` (by
    default a candidate of its own, who holds no document)."""
    counter = iter(range(1, 10_000))

    def signed_in(role: Role, numero: str | None = None) -> Client:
        if role != Role.CANDIDATE:
            return client_as(role)
        person = (
            candidate(numero)
            if numero is not None
            else Candidate.objects.create(
                numero=f"R{next(counter):04d}",
                birth_name="Rôle",
                first_name="Test",
                birth_date=date(2000, 1, 1),
            )
        )
        return client_as(role, candidate=person)

    return signed_in


def builtin_referential() -> Referential:
    return load_builtin_referential().referential
