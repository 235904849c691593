"""Backing up the installation into one file, and restoring such a file into an empty one.

A backup is consistent while the server runs (``certif.maintenance.engines``) and holds the
archived documents, which live in the database with their SHA-256. The keys that decrypt the
NIRs stay out of it unless asked for (``with_key``): a backup without them cannot reveal a NIR,
which is what a backup stored elsewhere should be; the keys are then kept apart, and given to
the restore's environment (docs: README, « Sauvegarde et restauration »).

A restore refuses an installation holding anything, checks every member of the file against
the manifest before touching the database, then reads the restored database again and
compares its rows, migrations and documents' SHA-256 with the manifest.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader

from certif.config import default_field_key_file
from certif.core import audit
from certif.core.audit import Actor
from certif.core.policies import require
from certif.core.progress import Reporter, Silent
from certif.core.storage_backends import file_store
from certif.maintenance import actions, engines
from certif.maintenance.archive import (
    KEY_FILE,
    STORED_FILE,
    BackupRefused,
    Inventory,
    Manifest,
    describe_member,
    read_backup,
    write_backup,
)
from certif.maintenance.models import Operation, OperationKind
from certif.maintenance.policies import MAINTAIN_REFUSED, may_maintain

__all__ = ["BackupOutcome", "BackupRefused", "RestoreOutcome", "backup", "restore"]

CANDIDATES_TABLE = "candidates_candidate"


@dataclass(frozen=True)
class BackupOutcome:
    path: Path
    manifest: Manifest
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RestoreOutcome:
    manifest: Manifest
    warnings: list[str] = field(default_factory=list)
    key_written: Path | None = None


def certif_version() -> str:
    try:
        return metadata.version("certif")
    except metadata.PackageNotFoundError:
        return "inconnue"


NO_KEY_WARNING = (
    "La sauvegarde ne contient pas la clé de chiffrement des NIR : conservez-la à part (variable "
    "CERTIF_FIELD_KEYS ou fichier field_key du dossier de données). Sans elle, les NIR restaurés "
    "resteront illisibles."
)
WITH_KEY_WARNING = (
    "La sauvegarde contient la clé de chiffrement des NIR : qui détient ce fichier peut lire "
    "tous les NIR. Conservez-la chiffrée et dans un lieu protégé."
)


def backup(
    path: Path,
    *,
    with_key: bool = False,
    actor: Actor = None,
    reporter: Reporter | None = None,
) -> BackupOutcome:
    """Write a backup of the running installation to ``path`` (replaced whole, or not at all:
    it is written beside it and renamed once complete)."""
    require(actor, may_maintain, message=MAINTAIN_REFUSED)
    report = reporter or Silent()
    path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    keys = list(getattr(settings, "FIELD_ENCRYPTION_KEYS", []))
    if with_key and not keys:
        raise BackupRefused(
            "Aucune clé de chiffrement n'est configurée : il n'y a pas de clé à sauvegarder."
        )
    with tempfile.TemporaryDirectory(prefix="certif-backup-", dir=path.parent) as work:
        folder = Path(work)
        database = folder / ("database.sqlite3" if engines.engine() == "sqlite" else "db.dump")
        inventory = engines.copy_database(database, report)
        manifest = Manifest(
            engine=engines.engine(),
            certif_version=certif_version(),
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            inventory=inventory,
        )
        files = {manifest.database_member: database}
        if with_key:
            key_file = folder / KEY_FILE
            key_file.write_text("\n".join(keys) + "\n", encoding="utf-8")
            files[KEY_FILE] = key_file
        files.update(stored_files(folder))
        report.phase("Empreintes des fichiers", len(files))
        for name, file in files.items():
            manifest.members[name] = describe_member(file)
            report.advance()
        report.phase("Écriture de la sauvegarde", None)
        partial = folder / "backup.partial"
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            write_backup(out, manifest, files)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    _journal(OperationKind.BACKUP, actions.BACKUP_MADE, path, manifest, actor)
    return BackupOutcome(path, manifest, [WITH_KEY_WARNING if with_key else NO_KEY_WARNING])


def _journal(
    kind: OperationKind, action: audit.Action, path: Path, manifest: Manifest, actor: Actor
) -> None:
    with transaction.atomic():
        operation = Operation.objects.create(
            kind=kind,
            file_name=path.name[:255],
            manifest_sha256=hashlib.sha256(manifest.to_json()).hexdigest(),
            engine=manifest.engine,
            with_key=manifest.with_key,
            tables=len(manifest.inventory.tables),
            rows=manifest.inventory.rows,
            documents=len(manifest.inventory.documents),
        )
        audit.record(
            action,
            operation,
            actor=actor,
            after={
                "file": operation.file_name,
                "engine": manifest.engine,
                "certif_version": manifest.certif_version,
                "created_at": manifest.created_at,
                "tables": operation.tables,
                "rows": operation.rows,
                "documents": operation.documents,
                "with_key": manifest.with_key,
            },
        )


# -- restoring -------------------------------------------------------------------------------


def _known_migrations() -> set[tuple[str, str]]:
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def _refuse_unknown_migrations(manifest: Manifest) -> None:
    known = _known_migrations()
    unknown = sorted(
        f"{app}.{name}"
        for app, names in manifest.inventory.migrations.items()
        for name in names
        if (app, name) not in known
    )
    if unknown:
        raise BackupRefused(
            f"Cette sauvegarde vient d'une version plus récente de Certif "
            f"({manifest.certif_version}) : migrations inconnues ici ("
            + ", ".join(unknown[:5])
            + ("…" if len(unknown) > 5 else "")
            + "). Installez au moins cette version avant de restaurer."
        )


def _refuse_other_engine(manifest: Manifest) -> None:
    if manifest.engine != engines.engine():
        names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
        raise BackupRefused(
            f"Cette sauvegarde est celle d'une base {names.get(manifest.engine, manifest.engine)}"
            f" ; l'installation utilise {names[engines.engine()]}. Restaurez-la dans une "
            "installation du même moteur (CERTIF_DATABASE_URL)."
        )


def store_folders() -> dict[str, Path]:
    """Where each file store lives in this installation (``archive.FILE_STORES``)."""
    return {
        "depots": Path(settings.DEPOSITS_DIR),
        "cas": Path(settings.CASE_FILES_DIR),
    }


def stored_files(into: Path) -> dict[str, Path]:
    """Every file of the stores, by its name in a backup; a half-received upload (not named by
    its digest) is not one. A store in a bucket (``certif.core.storage_backends``) is copied
    into the folder ``into`` first, by chunks."""
    found = {}
    for store in store_folders():
        files = file_store(store)
        for relative in files.names():
            name = f"files/{store}/{relative}"
            if STORED_FILE.match(name):
                found[name] = files.local_copy(relative, into / "stores")
    return found


def put_back_stored_files(folder: Path, manifest: Manifest) -> None:
    """The backup's files into this installation's stores (checked against the manifest when
    read; a file already there has the same content, its name being its digest)."""
    for name in manifest.members:
        if not STORED_FILE.match(name):
            continue
        _, store, relative = name.split("/", 2)
        file_store(store).put_back(folder / name, relative)


def _refuse_occupied() -> None:
    occupied = engines.occupied_tables()
    if occupied:
        raise BackupRefused(
            "L'installation n'est pas vide (tables contenant des données : "
            + ", ".join(occupied[:5])
            + ("…" if len(occupied) > 5 else "")
            + ") : une restauration ne remplace jamais des données existantes. Restaurez dans "
            "une base neuve (CERTIF_DATABASE_URL), sans lancer « certif init »."
        )


def _refuse_differences(expected: Inventory, found: Inventory, when: str) -> None:
    differences = expected.differences(found)
    if differences:
        raise BackupRefused(
            f"{when} : la base ne correspond pas au manifeste de la sauvegarde ("
            + " ; ".join(differences[:5])
            + ("…" if len(differences) > 5 else "")
            + ")."
        )


def restore(path: Path, *, actor: Actor = None, reporter: Reporter | None = None) -> RestoreOutcome:
    """Restore the backup ``path`` into this installation, which must hold nothing yet."""
    require(actor, may_maintain, message=MAINTAIN_REFUSED)
    report = reporter or Silent()
    if not path.is_file():
        raise BackupRefused(f"Fichier introuvable : {path}")
    _refuse_occupied()
    with tempfile.TemporaryDirectory(prefix="certif-restore-") as work:
        folder = Path(work)
        report.phase("Lecture et vérification de la sauvegarde", path.stat().st_size)
        manifest = read_backup(path, folder, report.advance)
        _refuse_other_engine(manifest)
        _refuse_unknown_migrations(manifest)
        database = folder / manifest.database_member
        if manifest.engine == "sqlite":
            # Checked before it replaces anything: a copy that does not match is not put back.
            _refuse_differences(
                manifest.inventory, engines.inventory_of(database, report), "Avant restauration"
            )
        _refuse_occupied()
        engines.put_back(database, report)
        put_back_stored_files(folder, manifest)
        _refuse_differences(
            manifest.inventory, engines.live_inventory(report), "Après restauration"
        )
        keys = (
            [
                line.strip()
                for line in (folder / KEY_FILE).read_text(encoding="utf-8").splitlines()
                if line.strip()
            ]
            if manifest.with_key
            else []
        )
    warnings, written = _keys_after_restore(keys)
    if _known_migrations() - {
        (app, name) for app, names in manifest.inventory.migrations.items() for name in names
    }:
        warnings.append(
            "Cette version de Certif a des migrations que la sauvegarde n'avait pas : lancez "
            "« certif migrate »."
        )
    _journal(OperationKind.RESTORE, actions.RESTORED, path, manifest, actor)
    return RestoreOutcome(manifest, warnings, written)


def _keys_after_restore(archived: list[str]) -> tuple[list[str], Path | None]:
    """Put the archived keys where Certif reads them when none is configured, and say whether
    the restored NIRs can be read with the keys there will be."""
    configured = list(getattr(settings, "FIELD_ENCRYPTION_KEYS", []))
    warnings: list[str] = []
    written: Path | None = None
    if archived and not configured and not _key_configured_elsewhere():
        written = default_field_key_file()
        written.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(written, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write("\n".join(archived) + "\n")
    keys = configured + [key for key in archived if key not in configured]
    if archived and configured and set(archived) - set(configured):
        warnings.append(
            "La clé de chiffrement de la sauvegarde n'est pas celle qui est configurée : "
            "ajoutez-la à CERTIF_FIELD_KEYS (après la clé actuelle) pour lire les NIR restaurés."
        )
    total, unreadable = _nirs_readable(keys)
    if unreadable:
        warnings.append(
            f"{unreadable} NIR sur {total} ne peuvent pas être lus avec les clés disponibles : "
            "configurez la clé de chiffrement de l'installation sauvegardée."
        )
    return warnings, written


def _key_configured_elsewhere() -> bool:
    return bool(
        os.environ.get("CERTIF_FIELD_KEYS", "").strip()
        or os.environ.get("CERTIF_FIELD_KEY_FILE", "").strip()
        or default_field_key_file().exists()
    )


def _nirs_readable(keys: list[str]) -> tuple[int, int]:
    """How many NIRs are stored, and how many of them no key in ``keys`` decrypts."""
    with connection.cursor() as cursor:
        if CANDIDATES_TABLE not in connection.introspection.table_names(cursor):
            return 0, 0
        cursor.execute(f"SELECT nir FROM {CANDIDATES_TABLE} WHERE nir <> ''")
        stored = [row[0] for row in cursor.fetchall()]
    if not stored:
        return 0, 0
    try:
        cipher = MultiFernet([Fernet(key.encode("ascii")) for key in keys]) if keys else None
    except (ValueError, UnicodeEncodeError):
        cipher = None
    unreadable = 0
    for token in stored:
        try:
            if cipher is None:
                raise InvalidToken
            cipher.decrypt(token.encode("ascii"))
        except InvalidToken:
            unreadable += 1
    return len(stored), unreadable
