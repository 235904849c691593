"""Archived documents as files: one PDF each, or a zip of a batch."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from certif.documents.models import IssuedDocument, Kind

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def _safe(text: str) -> str:
    return _UNSAFE.sub("-", text).strip("-") or "document"


def file_name(document: IssuedDocument) -> str:
    """« parchemin-C000008.pdf », « attestation-C000008-B1.pdf », « pv-2026-06-1.pdf »."""
    if document.kind == Kind.PV:
        number = document.deliberation.number if document.deliberation is not None else ""
        return _safe(f"pv-{document.session.code}-{number}") + ".pdf"
    parts = [
        document.kind,
        document.candidate.numero if document.candidate else "",
        document.block_code,
    ]
    return _safe("-".join(part for part in parts if part)) + ".pdf"


def archived(documents: Iterable[IssuedDocument]) -> Iterator[tuple[str, bytes]]:
    for document in documents:
        yield file_name(document), bytes(document.pdf)


def write_zip(files: Iterable[tuple[str, bytes]], out: IO[bytes]) -> int:
    """PDFs are compressed already: stored as they are, which is fast and as small."""
    count = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in files:
            archive.writestr(name, data)
            count += 1
    return count


def write_folder(files: Iterable[tuple[str, bytes]], folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for name, data in files:
        (folder / name).write_bytes(data)
        count += 1
    return count
