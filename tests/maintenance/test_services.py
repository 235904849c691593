"""A backup taken while the installation runs, restored into an empty one: the same rows in
every table, the same decisions, the same archived documents byte for byte — on the engine the
suite runs on (SQLite, or PostgreSQL through pg_dump and pg_restore)."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from certif.candidates.models import Candidate
from certif.core.models import AuditEvent
from certif.core.progress import Silent
from certif.deliberations.models import Decision, Deliberation
from certif.documents.models import IssuedDocument, Kind
from certif.maintenance import actions, engines, services
from certif.maintenance.archive import FORMAT, KEY_FILE, MANIFEST, BackupRefused
from certif.maintenance.models import Operation, OperationKind
from tests.support.declarations import MARIE_NIR, complete_identity
from tests.support.registry import issued

# pg_dump and SQLite's backup both read committed data: these tests commit theirs.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def installation(certified: Deliberation, candidates: list[Candidate]) -> Deliberation:
    """C001 certified, with a NIR, a parchemin and a convocation issued."""
    complete_identity(candidates[0], MARIE_NIR)
    issued(candidates[0], Kind.PARCHEMIN)
    issued(candidates[0], Kind.CONVOCATION)
    return certified


def decisions() -> list[tuple[str, str, str, str]]:
    return sorted(Decision.objects.values_list("candidate__numero", "unit", "status", "resolution"))


def documents() -> dict[str, tuple[str, str]]:
    return {
        document.public_id: (document.sha256, hashlib.sha256(bytes(document.pdf)).hexdigest())
        for document in IssuedDocument.objects.all()
    }


def emptied() -> None:
    """The installation as a new, migrated database is: tables, no data."""
    call_command("flush", interactive=False, verbosity=0)


def repacked(
    source: Path,
    target: Path,
    manifest: Callable[[dict[str, Any]], None] = lambda m: None,
    member: Callable[[str, bytes], bytes] = lambda n, d: d,
) -> Path:
    """The backup ``source`` with its manifest or a member changed, as damage or a hand would."""
    with tarfile.open(source) as archive:
        contents = {m.name: archive.extractfile(m).read() for m in archive}  # type: ignore[union-attr]
    document = json.loads(contents[MANIFEST])
    manifest(document)
    contents[MANIFEST] = json.dumps(document).encode()
    with tarfile.open(target, "w:gz") as archive:
        for name, data in contents.items():
            info = tarfile.TarInfo(name)
            changed = data if name == MANIFEST else member(name, data)
            info.size = len(changed)
            archive.addfile(info, io.BytesIO(changed))
    return target


def test_a_backup_restored_into_an_empty_installation_has_the_same_rows_decisions_and_documents(
    installation: Deliberation, tmp_path: Path
) -> None:
    before_decisions, before_documents = decisions(), documents()
    assert len(before_documents) >= 2
    outcome = services.backup(tmp_path / "certif.tar.gz")
    counts = outcome.manifest.inventory.tables
    assert counts["candidates_candidate"] == Candidate.objects.count()
    assert outcome.manifest.engine == engines.engine()
    emptied()
    assert Decision.objects.count() == 0

    restored = services.restore(tmp_path / "certif.tar.gz")

    assert decisions() == before_decisions
    assert documents() == before_documents
    assert all(stored == actual for stored, actual in documents().values())
    live = engines.live_inventory(Silent())
    journalled = {"maintenance_operation": 1, "core_auditevent": 1}  # the restore's own record
    assert {table: live.tables[table] - journalled.get(table, 0) for table in counts} == counts
    assert Candidate.objects.get(numero="C001").nir == MARIE_NIR.value
    assert restored.warnings == []
    operation = Operation.objects.get(kind=OperationKind.RESTORE)
    assert operation.rows == outcome.manifest.inventory.rows
    assert AuditEvent.objects.filter(action=actions.RESTORED.code).count() == 1


def test_a_backup_is_journalled_and_its_manifest_says_what_it_holds(
    installation: Deliberation, tmp_path: Path
) -> None:
    outcome = services.backup(tmp_path / "certif.tar.gz")
    with tarfile.open(outcome.path) as archive:
        names = archive.getnames()
        manifest = json.loads(archive.extractfile(MANIFEST).read())  # type: ignore[union-attr]
    assert names[0] == MANIFEST
    assert KEY_FILE not in names
    assert manifest["format"] == FORMAT
    assert manifest["engine"] == engines.engine()
    assert manifest["certif_version"]
    assert manifest["created_at"]
    assert "0001_initial" in manifest["migrations"]["candidates"]
    assert manifest["tables"]["deliberations_decision"] == Decision.objects.count()
    assert set(manifest["documents"]) == set(
        IssuedDocument.objects.values_list("public_id", flat=True)
    )
    assert outcome.path.stat().st_mode & 0o077 == 0, "a backup holds personal data"
    event = AuditEvent.objects.get(action=actions.BACKUP_MADE.code)
    assert event.after["documents"] == len(manifest["documents"])


def test_the_encryption_key_is_left_out_with_a_warning_unless_asked_for(
    installation: Deliberation, tmp_path: Path
) -> None:
    without = services.backup(tmp_path / "sans-cle.tar.gz")
    assert "ne contient pas la clé" in without.warnings[0]
    with_key = services.backup(tmp_path / "avec-cle.tar.gz", with_key=True)
    assert with_key.manifest.with_key
    assert "contient la clé" in with_key.warnings[0]
    with tarfile.open(with_key.path) as archive:
        key = archive.extractfile(KEY_FILE).read().decode()  # type: ignore[union-attr]
    assert key.split() == list(settings.FIELD_ENCRYPTION_KEYS)


def test_a_restore_into_an_installation_holding_data_is_refused_and_changes_nothing(
    installation: Deliberation, tmp_path: Path
) -> None:
    services.backup(tmp_path / "certif.tar.gz")
    rows = Decision.objects.count()
    with pytest.raises(BackupRefused, match="L'installation n'est pas vide"):
        services.restore(tmp_path / "certif.tar.gz")
    assert Decision.objects.count() == rows


def test_a_damaged_backup_is_refused_before_the_database_is_touched(
    installation: Deliberation, tmp_path: Path
) -> None:
    good = services.backup(tmp_path / "certif.tar.gz").path
    damaged = repacked(
        good,
        tmp_path / "abimee.tar.gz",
        member=lambda name, data: data[:-10] + b"0123456789",
    )
    emptied()
    with pytest.raises(BackupRefused, match="endommagée"):
        services.restore(damaged)
    assert engines.occupied_tables() == []


def test_a_backup_of_another_engine_or_a_newer_version_is_refused(
    installation: Deliberation, tmp_path: Path
) -> None:
    good = services.backup(tmp_path / "certif.tar.gz").path
    other = "postgresql" if engines.engine() == "sqlite" else "sqlite"

    def other_engine(manifest: dict[str, Any]) -> None:
        manifest["engine"] = other

    def newer(manifest: dict[str, Any]) -> None:
        manifest["migrations"]["candidates"].append("9999_from_the_future")

    def newer_format(manifest: dict[str, Any]) -> None:
        manifest["format"] = FORMAT + 1

    emptied()
    with pytest.raises(BackupRefused, match="installation du même moteur"):
        services.restore(repacked(good, tmp_path / "moteur.tar.gz", other_engine))
    with pytest.raises(BackupRefused, match="version plus récente"):
        services.restore(repacked(good, tmp_path / "future.tar.gz", newer))
    with pytest.raises(BackupRefused, match="mettez Certif à jour"):
        services.restore(repacked(good, tmp_path / "format.tar.gz", newer_format))
    assert engines.occupied_tables() == []


def test_a_file_that_is_not_a_backup_is_refused_in_french(db: None, tmp_path: Path) -> None:
    stranger = tmp_path / "autre.tar.gz"
    with tarfile.open(stranger, "w:gz") as archive:
        info = tarfile.TarInfo("etc/passwd")
        archive.addfile(info, io.BytesIO(b""))
    emptied()
    with pytest.raises(BackupRefused, match="élément inattendu"):
        services.restore(stranger)
    (tmp_path / "texte.tar.gz").write_text("bonjour")
    with pytest.raises(BackupRefused, match="n'est pas une sauvegarde"):
        services.restore(tmp_path / "texte.tar.gz")


def test_without_pg_dump_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engines.shutil, "which", lambda name: None)
    with pytest.raises(BackupRefused, match=r"pg_dump est introuvable.*postgresql-client"):
        engines._pg_tool("pg_dump")


def test_a_person_other_than_an_administrator_may_not_back_up(
    db: None, staff: Any, tmp_path: Path
) -> None:
    from certif.core.errors import Forbidden

    with pytest.raises(Forbidden, match="administrateur"):
        services.backup(tmp_path / "certif.tar.gz", actor=staff)
    assert not (tmp_path / "certif.tar.gz").exists()


def test_the_commands_back_up_and_restore_and_say_so_in_french(
    installation: Deliberation, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "certif.tar.gz"
    call_command("backup", str(path))
    written = capsys.readouterr()
    assert "Sauvegarde écrite" in written.out
    assert "attention : La sauvegarde ne contient pas la clé" in written.err
    emptied()
    call_command("restore", str(path))
    assert "restaurée et vérifiée" in capsys.readouterr().out
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="n'est pas vide"):
        call_command("restore", str(path))


def test_a_write_made_while_the_backup_runs_is_left_out_whole_and_the_backup_stays_consistent(
    installation: Deliberation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another connection writes after the copy started: on SQLite once the pages are copied,
    on PostgreSQL once the snapshot is exported, just before pg_dump reads it."""

    def write_elsewhere() -> None:
        def write() -> None:
            AuditEvent.objects.create(action="test.concurrent", object_type="x", object_id="1")
            connection.close()

        worker = threading.Thread(target=write)
        worker.start()
        worker.join()

    before = AuditEvent.objects.count()
    if engines.engine() == "sqlite":
        inventory = engines.take_inventory

        def late_inventory(*args: Any) -> Any:
            write_elsewhere()
            return inventory(*args)

        monkeypatch.setattr(engines, "take_inventory", late_inventory)
    else:
        run = engines._run

        def late_dump(*args: Any) -> None:
            write_elsewhere()
            run(*args)

        monkeypatch.setattr(engines, "_run", late_dump)

    outcome = services.backup(tmp_path / "certif.tar.gz")

    assert AuditEvent.objects.filter(action="test.concurrent").exists()
    assert outcome.manifest.inventory.tables["core_auditevent"] == before
    monkeypatch.undo()
    emptied()
    services.restore(tmp_path / "certif.tar.gz")
    assert not AuditEvent.objects.filter(action="test.concurrent").exists()


def test_a_restore_puts_the_archived_key_where_certif_reads_it_or_says_the_nirs_are_unreadable(
    installation: Deliberation,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
) -> None:
    with_key = services.backup(tmp_path / "avec-cle.tar.gz", with_key=True).path
    without = services.backup(tmp_path / "sans-cle.tar.gz").path
    data = tmp_path / "donnees"
    monkeypatch.setenv("CERTIF_DATA_DIR", str(data))
    monkeypatch.delenv("CERTIF_FIELD_KEYS")

    emptied()
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    monkeypatch.setenv("CERTIF_FIELD_KEYS", settings.FIELD_ENCRYPTION_KEYS[0])
    unreadable = services.restore(without)
    assert unreadable.key_written is None
    assert any("1 NIR sur 1 ne peuvent pas être lus" in w for w in unreadable.warnings)

    emptied()
    settings.FIELD_ENCRYPTION_KEYS = []
    monkeypatch.delenv("CERTIF_FIELD_KEYS")
    readable = services.restore(with_key)
    assert readable.key_written == data / "field_key"
    assert readable.key_written.stat().st_mode & 0o077 == 0
    assert readable.warnings == []


def stored(folder: Path, content: bytes) -> Path:
    """A file in a store, under its digest, as the deposits and the case bank keep them."""
    digest = hashlib.sha256(content).hexdigest()
    path = folder / digest[:2] / f"{digest}.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def test_the_deposited_files_and_the_cases_pdfs_are_backed_up_and_put_back(
    installation: Deliberation, tmp_path: Path, settings: Any
) -> None:
    settings.DEPOSITS_DIR, settings.CASE_FILES_DIR = tmp_path / "depots", tmp_path / "cas"
    memoire = stored(settings.DEPOSITS_DIR, b"%PDF-1.7 a memoire")
    case = stored(settings.CASE_FILES_DIR, b"%PDF-1.7 a case study")
    (settings.DEPOSITS_DIR / ".incoming-half-received").write_bytes(b"%PDF")
    outcome = services.backup(tmp_path / "certif.tar.gz")
    assert sorted(n for n in outcome.manifest.members if n.startswith("files/")) == sorted(
        [
            f"files/depots/{memoire.parent.name}/{memoire.name}",
            f"files/cas/{case.parent.name}/{case.name}",
        ]
    )
    emptied()
    memoire.unlink()
    case.unlink()

    services.restore(tmp_path / "certif.tar.gz")

    assert memoire.read_bytes() == b"%PDF-1.7 a memoire"
    assert case.read_bytes() == b"%PDF-1.7 a case study"


def test_a_backup_member_naming_a_path_outside_the_stores_is_refused(
    installation: Deliberation, tmp_path: Path
) -> None:
    services.backup(tmp_path / "certif.tar.gz")
    with tarfile.open(tmp_path / "certif.tar.gz") as archive:
        manifest = archive.extractfile(MANIFEST).read()  # type: ignore[union-attr]
    hostile = tmp_path / "hostile.tar.gz"
    with tarfile.open(hostile, "w:gz") as archive:
        for name, data in ((MANIFEST, manifest), ("files/depots/../../evil.pdf", b"%PDF")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    emptied()
    with pytest.raises(BackupRefused, match="élément inattendu"):
        services.restore(hostile)
    assert not (tmp_path.parent / "evil.pdf").exists()
