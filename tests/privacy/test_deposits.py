"""The purge of deposited files: ``deposits_years`` after the last closure of a deliberation of
their session (or their deposit, if later), never while one is open; the records stay, a
content another deposit still holds stays, nothing goes if the purge fails."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from certif.candidates.models import Candidate
from certif.casebank.models import CaseVersion
from certif.casebank.services import create_case
from certif.config import Retention
from certif.core.models import AuditEvent
from certif.core.roles import Role
from certif.deliberations.models import Deliberation, Kind, State
from certif.deposits.storage import stored_path
from certif.privacy import actions, services
from certif.privacy.models import Purge
from certif.referential.models import ReferentialVersion
from certif.sessions.models import ExamSession
from certif.submissions.models import Deposit
from certif.submissions.queries import store_folder
from certif.submissions.services import open_receipt
from tests.deposits.pdfs import pdf_bytes
from tests.support.buckets import keys
from tests.support.submissions import deposited, session_in

pytestmark = pytest.mark.django_db

YEARS = 5
PERIOD = timedelta(days=365 * YEARS)
# Before anything: deposits, then the jury a month later.
DEPOSITED = datetime(2027, 1, 4, 9, 0, tzinfo=timezone.get_fixed_timezone(0))
CLOSED = DEPOSITED + timedelta(days=30)
SECOND = timedelta(seconds=1)
REASON = "Demande d'effacement reçue le 3 mars 2027 par courrier."


@pytest.fixture(autouse=True)
def periods(settings: Any) -> Retention:
    """The deposits' default period; identities kept long enough not to interfere, but where
    a test asks for it."""
    settings.RETENTION = Retention(identity_years=50, deposits_years=YEARS)
    return settings.RETENTION


@dataclass(frozen=True)
class Deposits:
    marie: Candidate
    eloise: Candidate
    session: ExamSession
    support: Deposit
    owner: AbstractUser
    staff: AbstractUser

    def path(self, deposit: Deposit) -> Path:
        return self.path_of(deposit.sha256)

    def path_of(self, sha256: str) -> Path:
        return stored_path(store_folder(), sha256)


def _session(version: ReferentialVersion, candidates: list[Candidate], code: str) -> ExamSession:
    session = session_in(version, candidates[0], 60, code=code, blocks=("B1",))
    session_in(version, candidates[1], 60, code=code, blocks=("B1",))
    return session


@pytest.fixture
def world(
    version: ReferentialVersion,
    candidates: list[Candidate],
    make_user: Callable[..., AbstractUser],
) -> Deposits:
    """Marie deposited her written support (4 pages) on 4 January 2027."""
    marie, eloise = candidates
    with time_machine.travel(DEPOSITED, tick=False):
        session = _session(version, candidates, "2027-03")
        owner = make_user(Role.CANDIDATE, candidate=marie)
        support = deposited(marie, session, "B1Support", owner, pages=4, name="dupont.pdf")
        staff = make_user(Role.STAFF)
    return Deposits(marie, eloise, session, support, owner, staff)


def close_jury(world: Deposits, at: datetime, number: int = 1) -> Deliberation:
    return Deliberation.objects.create(
        session=world.session,
        number=number,
        kind=Kind.INITIAL if number == 1 else Kind.AMENDMENT,
        reason="" if number == 1 else "Erreur matérielle",
        date=at.date(),
        opened_by=world.staff,
        opened_at=at - timedelta(hours=3),
        status=State.CLOSED,
        closed_by=world.staff,
        closed_at=at,
        digest="0" * 64,
    )


def open_amendment(world: Deposits, at: datetime) -> Deliberation:
    return Deliberation.objects.create(
        session=world.session,
        number=2,
        kind=Kind.AMENDMENT,
        reason="Recours gracieux d'un candidat",
        date=at.date(),
        opened_by=world.staff,
        opened_at=at,
    )


def counted_at(moment: datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return services.purge(dry_run=True).counts["deposits"]


def purge_at(moment: datetime, capture: Any) -> services.PurgeOutcome:
    with time_machine.travel(moment, tick=False), capture(execute=True):
        return services.purge()


# -- when a deposit expires --------------------------------------------------------------------


def test_a_deposit_expires_its_period_after_the_jury_of_its_session_closed(
    world: Deposits,
) -> None:
    close_jury(world, CLOSED)
    assert counted_at(CLOSED + PERIOD - SECOND) == 0
    assert counted_at(CLOSED + PERIOD) == 1


def test_without_a_closed_jury_the_period_runs_from_the_deposit(world: Deposits) -> None:
    assert counted_at(DEPOSITED + PERIOD - SECOND) == 0
    assert counted_at(DEPOSITED + PERIOD) == 1


def test_an_amendment_closed_later_restarts_the_period(world: Deposits) -> None:
    close_jury(world, CLOSED)
    amended = CLOSED + timedelta(days=400)
    close_jury(world, amended, number=2)
    assert counted_at(CLOSED + PERIOD) == 0
    assert counted_at(amended + PERIOD - SECOND) == 0
    assert counted_at(amended + PERIOD) == 1


def test_nothing_expires_while_a_deliberation_of_the_session_is_open(world: Deposits) -> None:
    close_jury(world, CLOSED)
    open_amendment(world, CLOSED + timedelta(days=60))
    assert counted_at(CLOSED + PERIOD * 3) == 0


def test_the_period_comes_from_its_variable(world: Deposits, settings: Any) -> None:
    close_jury(world, CLOSED)
    settings.RETENTION = Retention(identity_years=50, deposits_years=1)
    assert counted_at(CLOSED + timedelta(days=365)) == 1


# -- what the purge does ----------------------------------------------------------------------


def test_a_dry_run_counts_the_expired_deposits_and_erases_nothing(
    world: Deposits, django_capture_on_commit_callbacks: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    close_jury(world, CLOSED)
    with time_machine.travel(CLOSED + PERIOD, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            outcome = services.purge(dry_run=True)
        call_command("rgpd", "purge", "--dry-run")
    assert outcome.counts["deposits"] == 1
    assert "       1  fichiers déposés effacés" in capsys.readouterr().out
    world.support.refresh_from_db()
    assert world.support.original_name == "dupont.pdf"
    assert world.path(world.support).exists()
    assert not Purge.objects.exists()


def test_the_purge_erases_the_expired_files_keeps_their_records_and_is_journalled(
    world: Deposits, django_capture_on_commit_callbacks: Any
) -> None:
    close_jury(world, CLOSED)
    stored = world.path(world.support)
    assert stored.exists()

    outcome = purge_at(CLOSED + PERIOD, django_capture_on_commit_callbacks)

    assert outcome.counts["deposits"] == 1
    assert not stored.exists()
    kept = Deposit.objects.get(pk=world.support.pk)
    assert kept.original_name == "", "the file's name often names its author"
    assert (kept.sha256, kept.size, kept.page_count) == (
        world.support.sha256,
        world.support.size,
        world.support.page_count,
    )
    run = Purge.objects.get()
    assert run.counts["deposits"] == 1
    assert run.retention["deposits_years"] == YEARS
    journalled = AuditEvent.objects.get(action=actions.PURGED.code, object_id=str(run.pk))
    assert journalled.after["counts"]["deposits"] == 1
    assert counted_at(CLOSED + PERIOD) == 0, "a second purge has nothing left to erase"


def test_the_purge_erases_the_kept_receipt_which_names_the_candidate(
    world: Deposits, django_capture_on_commit_callbacks: Any
) -> None:
    def render(deposit: Deposit) -> bytes:
        return f"%PDF-1.7 accusé de dépôt de {deposit.candidate.numero}".encode()

    with time_machine.travel(DEPOSITED, tick=False):
        kept, stream = open_receipt(world.support.pk, actor=world.owner, render=render)
        stream.close()
    receipt = world.path_of(kept.receipt_sha256)
    assert receipt.exists()
    close_jury(world, CLOSED)

    purge_at(CLOSED + PERIOD, django_capture_on_commit_callbacks)

    assert not receipt.exists()
    assert Deposit.objects.get(pk=world.support.pk).receipt_sha256 == ""


def test_a_content_a_deposit_not_expired_shares_is_kept_for_it(
    world: Deposits,
    version: ReferentialVersion,
    make_user: Callable[..., AbstractUser],
    django_capture_on_commit_callbacks: Any,
) -> None:
    close_jury(world, CLOSED)
    later = DEPOSITED + timedelta(days=365 * 2)
    with time_machine.travel(later, tick=False):
        session = _session(version, [world.marie, world.eloise], "2029-01")
        owner = make_user(Role.CANDIDATE, candidate=world.eloise)
        same = deposited(world.eloise, session, "B1Support", owner, pages=4, name="lefevre.pdf")
        other = deposited(world.marie, session, "B1Support", world.owner, pages=6)
    assert same.sha256 == world.support.sha256
    with time_machine.travel(DEPOSITED, tick=False):
        own = deposited(world.marie, world.session, "B1Support", world.owner, pages=5)

    outcome = purge_at(CLOSED + PERIOD, django_capture_on_commit_callbacks)

    assert outcome.counts["deposits"] == 2, "Marie's two versions of the 2027 session"
    assert Deposit.objects.get(pk=world.support.pk).original_name == ""
    assert world.path(same).exists(), "Éloïse's deposit of 2029 still holds this content"
    assert not world.path(own).exists()
    assert world.path(other).exists()
    assert Deposit.objects.get(pk=same.pk).original_name == "lefevre.pdf"


def test_a_content_shared_only_with_an_erased_deposit_goes(
    world: Deposits,
    make_user: Callable[..., AbstractUser],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with time_machine.travel(DEPOSITED + timedelta(days=1), tick=False):
        owner = make_user(Role.CANDIDATE, candidate=world.eloise)
        same = deposited(world.eloise, world.session, "B1Support", owner, pages=4)
    with django_capture_on_commit_callbacks(execute=True):
        services.anonymise(world.eloise, {"confirmation": world.eloise.numero, "reason": REASON})
    assert world.path(same).exists(), "anonymising Éloïse kept the file Marie's deposit holds"
    close_jury(world, CLOSED)

    outcome = purge_at(CLOSED + PERIOD, django_capture_on_commit_callbacks)

    assert outcome.counts["deposits"] == 1
    assert not world.path(same).exists()


def test_nothing_is_erased_when_the_purge_fails(
    world: Deposits, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    close_jury(world, CLOSED)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disque plein")

    monkeypatch.setattr(services.audit, "record", broken)
    with pytest.raises(RuntimeError, match="disque plein"):
        purge_at(CLOSED + PERIOD, django_capture_on_commit_callbacks)
    assert world.path(world.support).exists()
    assert Deposit.objects.get(pk=world.support.pk).original_name == "dupont.pdf"
    assert not Purge.objects.exists()


def test_a_candidate_anonymised_by_the_same_purge_is_counted_once_as_an_identity(
    world: Deposits, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.RETENTION = Retention(identity_years=YEARS, deposits_years=YEARS)
    close_jury(world, CLOSED)
    outcome = purge_at(CLOSED + PERIOD, django_capture_on_commit_callbacks)
    assert outcome.counts["identity"] == 2, "neither Marie nor Éloïse validated anything"
    assert outcome.counts["deposits"] == 0
    assert not world.path(world.support).exists()


def test_the_case_banks_pdfs_are_the_certifiers_own_and_stay(
    world: Deposits, django_capture_on_commit_callbacks: Any
) -> None:
    # The same bytes as Marie's support: the bank's store is apart, the purge never reaches it.
    upload = SimpleUploadedFile("cas.pdf", pdf_bytes(4), content_type="application/pdf")
    data = {
        "slot": "B2",
        "reference": "B2-001",
        "title": "Cas B2-001",
        "text": "Situation du client.",
        "client_script": "Le client hésite.",
        "note": "",
    }
    with time_machine.travel(DEPOSITED, tick=False):
        case = create_case(data, upload, actor=None)
    attached = CaseVersion.objects.get(case=case)
    assert attached.attachment_sha256 == world.support.sha256
    close_jury(world, CLOSED)

    purge_at(CLOSED + PERIOD * 2, django_capture_on_commit_callbacks)

    assert not world.path(world.support).exists()
    assert stored_path(settings.CASE_FILES_DIR, attached.attachment_sha256).exists()


def test_with_a_bucket_the_purge_erases_the_expired_files_there(
    bucket: Any, world: Deposits, django_capture_on_commit_callbacks: Any
) -> None:
    object_key = f"certif/depots/{world.support.sha256[:2]}/{world.support.sha256}.pdf"
    assert object_key in keys(bucket)
    close_jury(world, CLOSED)

    outcome = purge_at(CLOSED + PERIOD, django_capture_on_commit_callbacks)

    assert outcome.counts["deposits"] == 1
    assert object_key not in keys(bucket)
