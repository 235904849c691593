"""A content-addressed store for deposited files, written and read as streams.

An upload arrives as chunks (Django's ``UploadedFile.chunks()``, an API body…). It is written
to a temporary name in the store's folder while its SHA-256 and size are computed, never held
whole in memory, and refused as soon as it exceeds its size limit. Complete, flushed and
fsynced, it waits there as an :class:`Incoming` file that the caller inspects
(``certif.deposits.pdf.inspect_pdf``) before committing it: only then is it renamed to
``<folder>/<sha256[:2]>/<sha256><suffix>``. The rename is atomic, so a reader sees a whole
file or none; on any failure (a refusal, a broken upload, an interrupted worker) the temporary
file is deleted, and nothing half-written or refused is ever in the store.

The same content always lands at the same path: storing it twice keeps one file. Files are
created readable by their owner only (the application's user).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Self

from certif.deposits.errors import DepositError, DepositRefused, RefusalReason, quoted
from certif.domain.referential.schema import BYTES_PER_MB

CHUNK_SIZE = 64 * 1024
TEMPORARY_PREFIX = ".incoming-"
TEMPORARY_SUFFIX = ".part"
_DIGEST = re.compile(r"^[0-9a-f]{64}$")
_SUFFIX = re.compile(r"^\.[a-z0-9]{1,8}$")


class StoredFileMissing(DepositError):
    """A file the database says is stored is not in the store."""


class ClosedOnExit:
    """A context manager that closes itself on leaving the block, whatever happened."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        raise NotImplementedError


@dataclass(frozen=True)
class StoredFile:
    path: Path
    sha256: str
    size: int


class Incoming(ClosedOnExit):
    """A complete upload under a temporary name in the store's folder, not yet in the store.

    Use it as a context manager: leaving the block without :meth:`commit` deletes it.
    """

    def __init__(self, folder: Path, path: Path, sha256: str, size: int, suffix: str) -> None:
        self.folder = folder
        self.path = path
        self.sha256 = sha256
        self.size = size
        self.suffix = suffix
        self._done = False

    def commit(self) -> StoredFile:
        """Move the file to its content address (or drop it if that content is already there)."""
        if self._done:
            raise RuntimeError("fichier entrant déjà rangé ou abandonné")
        target = stored_path(self.folder, self.sha256, self.suffix)
        try:
            target.parent.mkdir(exist_ok=True)
            if target.exists():
                # Same digest, same content: the store keeps the file it has.
                self.path.unlink()
            else:
                os.replace(self.path, target)
                _fsync_directory(target.parent)
                _fsync_directory(self.folder)
        except BaseException:
            self.discard()
            raise
        self._done = True
        return StoredFile(target, self.sha256, self.size)

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)
        self._done = True

    def close(self) -> None:
        """Discard the file, unless it was committed."""
        if not self._done:
            self.discard()


def receive(
    chunks: Iterable[bytes],
    folder: str | Path,
    *,
    max_bytes: int,
    shown_name: str,
    suffix: str = ".pdf",
) -> Incoming:
    """Write ``chunks`` to a temporary file in ``folder``, hashing as it goes; return it complete
    and fsynced, to be inspected then committed.

    Raises :class:`DepositRefused` (``too_large``) as soon as more than ``max_bytes`` arrive;
    whatever the failure, including an exception from ``chunks``, nothing is left behind.
    """
    if max_bytes <= 0:
        raise ValueError(f"taille maximale invalide : {max_bytes}")
    _check_suffix(suffix)
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(
        dir=root, prefix=TEMPORARY_PREFIX, suffix=TEMPORARY_SUFFIX
    )
    try:
        with os.fdopen(descriptor, "wb") as raw:
            digest, size = _write_within(raw, chunks, max_bytes, shown_name)
            raw.flush()
            os.fsync(raw.fileno())
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return Incoming(root, Path(temporary), digest, size, suffix)


def store_stream(
    chunks: Iterable[bytes],
    folder: str | Path,
    *,
    max_bytes: int,
    shown_name: str,
    suffix: str = ".pdf",
) -> StoredFile:
    """Receive and commit at once, for a caller with nothing to check in between."""
    with receive(
        chunks, folder, max_bytes=max_bytes, shown_name=shown_name, suffix=suffix
    ) as incoming:
        return incoming.commit()


def stored_path(folder: str | Path, sha256: str, suffix: str = ".pdf") -> Path:
    """Where the content with this digest lives; the digest is checked, so that a value coming
    from a request or the database cannot point outside the store."""
    if not _DIGEST.match(sha256):
        raise ValueError(f"empreinte SHA-256 invalide : {quoted(sha256)}")
    _check_suffix(suffix)
    return Path(folder) / sha256[:2] / f"{sha256}{suffix}"


class StoredStream(ClosedOnExit):
    """A stored file open for reading, yielding chunks; ``size`` is its length in bytes.

    Iterate it, then close it (or use it as a context manager); Django's streaming responses
    close what they stream. The file is opened at once, so a missing file is known before any
    byte is sent.
    """

    def __init__(self, handle: BinaryIO, size: int, chunk_size: int) -> None:
        self._handle = handle
        self.size = size
        self._chunk_size = chunk_size

    def __iter__(self) -> StoredStream:
        return self

    def __next__(self) -> bytes:
        chunk = self._handle.read(self._chunk_size)
        if not chunk:
            self.close()
            raise StopIteration
        return chunk

    def close(self) -> None:
        self._handle.close()


def stream_stored(
    folder: str | Path, sha256: str, *, suffix: str = ".pdf", chunk_size: int = CHUNK_SIZE
) -> StoredStream:
    """Read a stored file back by chunks of at most ``chunk_size`` bytes."""
    if chunk_size <= 0:
        raise ValueError(f"taille de bloc invalide : {chunk_size}")
    path = stored_path(folder, sha256, suffix)
    try:
        handle = path.open("rb")
    except FileNotFoundError as error:
        raise StoredFileMissing(
            f"le fichier déposé d'empreinte {sha256[:12]}… est introuvable dans le stockage"
        ) from error
    return StoredStream(handle, os.fstat(handle.fileno()).st_size, chunk_size)


def verify_stored(folder: str | Path, sha256: str, *, suffix: str = ".pdf") -> bool:
    """Whether the stored file still has the content its name promises (for archive audits)."""
    digest = hashlib.sha256()
    with stream_stored(folder, sha256, suffix=suffix) as chunks:
        for chunk in chunks:
            digest.update(chunk)
    return digest.hexdigest() == sha256


def _write_within(
    raw: BinaryIO, chunks: Iterable[bytes], max_bytes: int, shown_name: str
) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > max_bytes:
            # Checked before writing: the refused chunk never reaches the disk.
            raise DepositRefused(
                RefusalReason.TOO_LARGE,
                f"le fichier {quoted(shown_name)} dépasse la taille maximale de "
                f"{_megabytes(max_bytes)} Mo",
            )
        digest.update(chunk)
        raw.write(chunk)
    return digest.hexdigest(), size


def _megabytes(size: int) -> str:
    whole, rest = divmod(size, BYTES_PER_MB)
    if rest == 0:
        return str(whole)
    return f"{size / BYTES_PER_MB:.1f}".replace(".", ",")


def _check_suffix(suffix: str) -> None:
    if not _SUFFIX.match(suffix):
        raise ValueError(f"extension invalide : {quoted(suffix)}")


def _fsync_directory(folder: Path) -> None:
    """Make a rename in ``folder`` durable: the directory entry is data too."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
