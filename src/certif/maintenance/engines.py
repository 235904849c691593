"""Copying the database while the server runs, and putting a copy back: one way per engine.

- SQLite: the online backup API (``sqlite3.Connection.backup``) copies the database page by
  page into a file; readers and writers go on meanwhile, and the copy is one consistent state.
  The inventory is then read from that file. A restore copies the file back the same way.
- PostgreSQL: ``pg_dump`` (custom format) within a snapshot that Certif's own connection
  exports (``pg_export_snapshot``) in a read-only, repeatable-read transaction: the inventory
  read in that transaction and the dump see exactly the same state. A restore is
  ``pg_restore`` in one transaction.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from certif.core.progress import Reporter
from certif.maintenance.archive import BackupRefused, Inventory, quoted, take_inventory

# Tables that a migrated database fills by itself (or that only hold sign-ins): they do not
# make an installation « non-empty ».
BOOKKEEPING = frozenset(
    {"django_migrations", "django_content_type", "auth_permission", "auth_group", "django_session"}
)
# Pages the SQLite backup copies per step, between which other connections may write.
SQLITE_PAGES = 1024
NO_PG_DUMP = (
    "{tool} est introuvable : installez les outils clients de PostgreSQL (paquet "
    "« postgresql-client », de la même version majeure que le serveur ou plus récente), ou "
    "ajoutez leur dossier au PATH."
)


def engine() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def _outside_transaction() -> None:
    if connection.in_atomic_block:
        raise BackupRefused(
            "Une sauvegarde ou une restauration se lance hors de toute transaction."
        )


def _sqlite_tables(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    return [row[0] for row in cursor.fetchall()]


def _live_tables() -> list[str]:
    with connection.cursor() as cursor:
        return list(connection.introspection.table_names(cursor))


# -- taking a copy ---------------------------------------------------------------------------


def copy_database(target: Path, reporter: Reporter) -> Inventory:
    """Copy the database into ``target`` and read its inventory from the same state."""
    _outside_transaction()
    if engine() == "sqlite":
        return _copy_sqlite(target, reporter)
    return _copy_postgresql(target, reporter)


def _copy_sqlite(target: Path, reporter: Reporter) -> Inventory:
    connection.ensure_connection()
    source = connection.connection
    reporter.phase("Copie de la base SQLite", None)
    copy = sqlite3.connect(target)
    try:
        copied = [0]

        def step(status: int, remaining: int, total: int) -> None:
            # Pages copied so far; a write by another connection may restart the copy.
            done = max(total - remaining, 0)
            if done > copied[0]:
                reporter.advance(done - copied[0])
            copied[0] = done

        source.backup(copy, pages=SQLITE_PAGES, progress=step)
        cursor = copy.cursor()
        return take_inventory(cursor, _sqlite_tables(cursor), "?", reporter)
    finally:
        copy.close()


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupRefused(NO_PG_DUMP.format(tool=name))
    return found


def _pg_arguments() -> tuple[list[str], dict[str, str]]:
    """Where the database is, as the PostgreSQL tools take it (the password in their
    environment, never on the command line where `ps` would show it)."""
    settings = connection.settings_dict
    arguments = ["--dbname", str(settings["NAME"])]
    if settings.get("HOST"):
        arguments += ["--host", str(settings["HOST"])]
    if settings.get("PORT"):
        arguments += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        arguments += ["--username", str(settings["USER"])]
    environment = {**os.environ, "PGAPPNAME": "certif-backup"}
    if settings.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings["PASSWORD"])
    return arguments, environment


def _run(command: list[str], environment: dict[str, str], what: str) -> None:
    completed = subprocess.run(
        command, env=environment, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        detail = (completed.stderr or completed.stdout).strip().splitlines()
        raise BackupRefused(f"{what} a échoué : " + (detail[-1] if detail else "erreur inconnue"))


def _copy_postgresql(target: Path, reporter: Reporter) -> Inventory:
    pg_dump = _pg_tool("pg_dump")
    arguments, environment = _pg_arguments()
    connection.ensure_connection()
    with transaction.atomic(), connection.cursor() as cursor:
        # The first statement of the transaction: from here on it sees one state only.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        reporter.phase("Copie de la base PostgreSQL (pg_dump)", None)
        _run(
            [
                pg_dump,
                *arguments,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={target}",
            ],
            environment,
            "pg_dump",
        )
        tables = list(connection.introspection.table_names(cursor))
        return take_inventory(cursor, tables, "%s", reporter)


# -- putting a copy back ---------------------------------------------------------------------


def occupied_tables() -> list[str]:
    """The tables of the current database holding rows, bookkeeping apart."""
    _outside_transaction()
    occupied: list[str] = []
    tables = [table for table in _live_tables() if table not in BOOKKEEPING]
    with connection.cursor() as cursor:
        for table in sorted(tables):
            cursor.execute(f"SELECT 1 FROM {quoted(table)} LIMIT 1")
            if cursor.fetchone() is not None:
                occupied.append(table)
    return occupied


def inventory_of(database: Path, reporter: Reporter) -> Inventory:
    """The inventory of an SQLite copy, before it is put back."""
    copy = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        cursor = copy.cursor()
        return take_inventory(cursor, _sqlite_tables(cursor), "?", reporter)
    finally:
        copy.close()


def live_inventory(reporter: Reporter) -> Inventory:
    with connection.cursor() as cursor:
        tables = list(connection.introspection.table_names(cursor))
        return take_inventory(cursor, tables, "%s", reporter)


def put_back(database: Path, reporter: Reporter) -> None:
    """Replace the current database's content with the copy ``database``, as one change."""
    _outside_transaction()
    if engine() == "sqlite":
        connection.ensure_connection()
        reporter.phase("Restauration de la base SQLite", None)
        copy = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        try:
            copy.backup(connection.connection, pages=SQLITE_PAGES)
        finally:
            copy.close()
        return
    pg_restore = _pg_tool("pg_restore")
    arguments, environment = _pg_arguments()
    # Certif's own connection may hold prepared statements on the tables about to be replaced.
    connection.close()
    reporter.phase("Restauration de la base PostgreSQL (pg_restore)", None)
    _run(
        [
            pg_restore,
            *arguments,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            str(database),
        ],
        environment,
        "pg_restore",
    )
    connection.close()
