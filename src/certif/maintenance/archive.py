"""A backup file and what it says of itself, whatever the database engine.

A backup is one gzipped tar holding, in this order:

- ``manifest.json``: the format version, the engine, Certif's version, when it was made, the
  migrations applied, the rows of every table, each archived document's SHA-256, and each
  member's SHA-256 and size;
- the database: ``database.sqlite3`` (SQLite, a page-by-page copy) or ``database.dump``
  (PostgreSQL, ``pg_dump``'s custom format);
- ``field_key``, only when asked for: the keys that decrypt the NIRs.

The inventory (rows, migrations, documents) is read from the very snapshot that was copied,
through a plain DB-API cursor, so that it describes the copy and not the database a moment
later; after a restore, the same reading of the restored database must give the same figures.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import tarfile
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from certif.core.errors import Refused
from certif.core.progress import Reporter

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
POSTGRESQL_FILE = "database.dump"
KEY_FILE = "field_key"
MEMBERS = (MANIFEST, SQLITE_FILE, POSTGRESQL_FILE, KEY_FILE)
# The files kept on disk beside the database, each under the name of its store: deposited
# mémoires and written supports (« depots »), the case bank's PDFs (« cas »). Both stores keep
# a file under its SHA-256, so a member's name is checked whole before anything is written.
FILE_STORES = ("depots", "cas")
STORED_FILE = re.compile(r"^files/(?:depots|cas)/[0-9a-f]{2}/[0-9a-f]{64}\.pdf$")


def is_member(name: str) -> bool:
    return name in MEMBERS or STORED_FILE.match(name) is not None


DOCUMENTS_TABLE = "documents_issueddocument"
# Documents hashed per query: their PDFs are read a few at a time, never all at once.
CHUNK = 200
BUFFER = 1024 * 1024


class BackupRefused(Refused):
    """A backup or a restore refused; the message says why, in French."""


@dataclass
class Inventory:
    """What a database holds, as a backup's manifest records it."""

    tables: dict[str, int] = field(default_factory=dict)
    migrations: dict[str, list[str]] = field(default_factory=dict)
    documents: dict[str, str] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    def differences(self, other: Inventory) -> list[str]:
        """What ``other`` (the database read again) lacks or has otherwise, in French."""
        found: list[str] = []
        for table in sorted(set(self.tables) | set(other.tables)):
            expected, actual = self.tables.get(table), other.tables.get(table)
            if expected != actual:
                found.append(
                    f"table {table} : {_count(expected)} attendue(s), {_count(actual)} trouvée(s)"
                )
        if self.migrations != other.migrations:
            found.append("les migrations appliquées diffèrent de celles de la sauvegarde")
        for public_id in sorted(set(self.documents) | set(other.documents)):
            if self.documents.get(public_id) != other.documents.get(public_id):
                found.append(f"document {public_id} : empreinte différente ou document absent")
        return found


def _count(value: int | None) -> str:
    return "aucune ligne" if value is None else str(value)


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def take_inventory(
    cursor: Any, tables: list[str], placeholder: str, reporter: Reporter
) -> Inventory:
    """Count every table's rows and hash every archived document's PDF as stored, with
    ``cursor`` (DB-API: ``placeholder`` is ``?`` for sqlite3, ``%s`` for Django's cursor)."""
    inventory = Inventory()
    reporter.phase("Inventaire des tables", len(tables))
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quoted(table)}")
        inventory.tables[table] = int(cursor.fetchone()[0])
        reporter.advance()
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        for app, name in cursor.fetchall():
            inventory.migrations.setdefault(app, []).append(name)
    if DOCUMENTS_TABLE in tables:
        reporter.phase("Empreintes des documents", inventory.tables[DOCUMENTS_TABLE])
        last = 0
        while True:
            cursor.execute(
                f"SELECT id, public_id, pdf FROM {DOCUMENTS_TABLE} WHERE id > {placeholder} "
                f"ORDER BY id LIMIT {CHUNK}",
                [last],
            )
            chunk = cursor.fetchall()
            if not chunk:
                break
            for pk, public_id, pdf in chunk:
                inventory.documents[public_id] = hashlib.sha256(bytes(pdf or b"")).hexdigest()
                last = pk
            reporter.advance(len(chunk))
    return inventory


@dataclass
class Manifest:
    engine: str
    certif_version: str
    created_at: str
    inventory: Inventory
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    format: int = FORMAT

    @property
    def database_member(self) -> str:
        return SQLITE_FILE if self.engine == "sqlite" else POSTGRESQL_FILE

    @property
    def with_key(self) -> bool:
        return KEY_FILE in self.members

    def to_json(self) -> bytes:
        document = {
            "format": self.format,
            "application": "certif",
            "certif_version": self.certif_version,
            "engine": self.engine,
            "created_at": self.created_at,
            "members": self.members,
            "migrations": self.inventory.migrations,
            "tables": self.inventory.tables,
            "documents": self.inventory.documents,
        }
        return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        try:
            document = json.loads(data.decode("utf-8"))
            if document.get("application") != "certif":
                raise ValueError("not a Certif backup")
            manifest = cls(
                engine=str(document["engine"]),
                certif_version=str(document["certif_version"]),
                created_at=str(document["created_at"]),
                inventory=Inventory(
                    tables={str(k): int(v) for k, v in document["tables"].items()},
                    migrations={str(k): list(v) for k, v in document["migrations"].items()},
                    documents={str(k): str(v) for k, v in document["documents"].items()},
                ),
                members=dict(document["members"]),
                format=int(document["format"]),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise BackupRefused(
                "Le manifeste de la sauvegarde est illisible : ce fichier n'est pas une "
                "sauvegarde de Certif, ou il est endommagé."
            ) from error
        if manifest.format > FORMAT:
            raise BackupRefused(
                f"Cette sauvegarde est au format {manifest.format}, plus récent que celui que "
                f"cette version de Certif sait lire ({FORMAT}) : mettez Certif à jour."
            )
        return manifest


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(BUFFER):
            digest.update(chunk)
    return digest.hexdigest()


def describe_member(path: Path) -> dict[str, Any]:
    return {"sha256": file_digest(path), "size": path.stat().st_size}


def write_backup(out: IO[bytes], manifest: Manifest, files: dict[str, Path]) -> None:
    """The manifest first (a restore reads it before anything else), then each file."""
    data = manifest.to_json()
    with tarfile.open(fileobj=out, mode="w:gz", compresslevel=6) as archive:
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(data)
        info.mode = 0o600
        info.mtime = int(time.time())
        archive.addfile(info, io.BytesIO(data))
        for name, path in files.items():
            archive.add(str(path), arcname=name, recursive=False, filter=_private)


def _private(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
    return info


def read_backup(path: Path, into: Path, progress: Callable[[int], None]) -> Manifest:
    """Unpack ``path`` into the folder ``into``, checking each member against the manifest:
    only the known members, regular files, with the SHA-256 and size the manifest gives."""
    try:
        with tarfile.open(path, mode="r:*") as archive:
            return _unpack(archive, into, progress, path)
    except (tarfile.TarError, EOFError, zlib.error) as error:
        raise BackupRefused(f"{path} n'est pas une sauvegarde de Certif lisible.") from error


def _unpack(
    archive: tarfile.TarFile, into: Path, progress: Callable[[int], None], path: Path
) -> Manifest:
    manifest: Manifest | None = None
    seen: set[str] = set()
    for member in archive:
        if not is_member(member.name) or not member.isfile() or member.name in seen:
            raise BackupRefused(
                f"La sauvegarde contient un élément inattendu ({member.name}) : elle n'a pas "
                "été produite par « certif backup », ou elle a été modifiée."
            )
        seen.add(member.name)
        stream = archive.extractfile(member)
        assert stream is not None
        if member.name == MANIFEST:
            manifest = Manifest.from_json(stream.read())
            continue
        if manifest is None:
            raise BackupRefused("La sauvegarde ne commence pas par son manifeste.")
        expected = manifest.members.get(member.name)
        if expected is None:
            raise BackupRefused(f"Le manifeste ne mentionne pas {member.name}.")
        target = into / member.name
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with target.open("wb") as out:
            while chunk := stream.read(BUFFER):
                digest.update(chunk)
                out.write(chunk)
                progress(len(chunk))
        target.chmod(0o600)
        if digest.hexdigest() != expected.get("sha256") or target.stat().st_size != int(
            expected.get("size", -1)
        ):
            raise BackupRefused(
                f"{member.name} n'a pas l'empreinte que le manifeste indique : la sauvegarde "
                "est endommagée. Rien n'a été restauré."
            )
    if manifest is None:
        raise BackupRefused(f"{path} ne contient pas de manifeste : ce n'est pas une sauvegarde.")
    missing = set(manifest.members) - seen
    if missing:
        raise BackupRefused(
            "La sauvegarde est incomplète (manquent : " + ", ".join(sorted(missing)) + ")."
        )
    return manifest
