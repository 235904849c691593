"""One import of the same content at a time, and no database conflict escaping as a traceback.

``importing`` holds a lock named after the kind of import and the SHA-256 of what is imported
(a file's bytes, an API request's body) while it is read, checked and written: the same file
sent twice at once is imported once, the other sender is told it is being imported
(``Busy``, 409). ``conflicts_refused`` turns what another writer can still cause meanwhile (two
different files creating the same sheet) into a refusal: the transaction is undone, nothing is
written, and the import can be run again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import IntegrityError, OperationalError

from certif.core.errors import Refused
from certif.core.locks import exclusive
from certif.core.text import quoted
from certif.imports.problems import FileRejected, Problem

BUSY = (
    "Ce fichier est déjà en cours d'import (même contenu, envoyé en même temps) : attendez la "
    "fin de cet import, puis consultez-en le résultat."
)
CONFLICT = (
    "Un autre import ou une saisie a écrit les mêmes notes ou candidats au même moment : rien "
    "n'a été enregistré, relancez l'import."
)


def file_sha256(file: Path) -> str:
    """The file's digest, read a megabyte at a time; ``FileRejected`` if there is no file."""
    if not file.is_file():
        raise FileRejected(
            [Problem(None, None, None, f"fichier introuvable : {quoted(str(file))}")]
        )
    digest = hashlib.sha256()
    with file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def importing(kind: str, sha256: str) -> Iterator[None]:
    """While the block runs, the same content cannot be imported as ``kind`` elsewhere;
    ``Busy`` (409) at once if it is being imported."""
    with exclusive(f"certif.imports:{kind}:{sha256}", BUSY), conflicts_refused():
        yield


# PostgreSQL's codes for a transaction that lost to another: deadlock, serialisation failure.
_LOST = {"40P01", "40001"}


@contextmanager
def conflicts_refused() -> Iterator[None]:
    """A unique constraint broken by a concurrent writer, or a deadlock with one, as a refusal
    (409), not a 500: the transaction was undone, the import can be run again."""
    try:
        yield
    except IntegrityError as error:
        raise Refused(CONFLICT) from error
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) in _LOST:
            raise Refused(CONFLICT) from error
        raise
