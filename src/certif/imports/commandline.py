"""What the import commands say when a file or an act is refused: every problem, then exit 1."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from certif.core.errors import Refused
from certif.imports.reading import FileRejected


@contextmanager
def refusals_reported(stderr: Any, refused: str = "Import refusé") -> Iterator[None]:
    """Run the block; a refused file lists its problems, another refusal says why (after
    ``refused``), and the command exits with status 1, nothing written."""
    try:
        yield
    except FileRejected as rejected:
        stderr.write(f"Fichier refusé, rien n'a été enregistré ({rejected.total} erreur(s)) :")
        stderr.write(rejected.describe())
        raise SystemExit(1) from None
    except Refused as error:
        stderr.write(f"{refused}, rien n'a été enregistré : {error}")
        raise SystemExit(1) from None
