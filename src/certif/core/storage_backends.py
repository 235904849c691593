"""Where Certif keeps the files it is handed: its data folder, or an S3-compatible bucket.

Each store (``depots``: deposited files and their receipts; ``cas``: the case bank's PDFs) is
content-addressed as ``certif.deposits.storage`` describes: a file is named
``<sha256[:2]>/<sha256><suffix>`` after its SHA-256. By default a store is a folder under the
data folder. When ``CERTIF_STORAGE_S3_BUCKET`` is set (docs/deposits.md, « Stockage S3 »), the
stores are prefixes of that bucket, written and read through django-storages' ``S3Storage``
(boto3); the same names, so that a backup names a file the same way wherever it lives.

With a bucket, an upload is still received into the store's local folder under a temporary
name (hashed and size-bounded as it arrives, never whole in memory), inspected there, and only
then sent to the bucket under its digest, by parts of 8 MiB one at a time; S3 makes an object
visible only once complete, and the local temporary file is deleted whatever happens, so
nothing half-written is ever in the store. Reading streams the object's body by chunks.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, Protocol, Self, cast

from django.conf import settings

from certif.deposits.storage import (
    CHUNK_SIZE,
    ClosedOnExit,
    Incoming,
    StoredFile,
    StoredFileMissing,
    StoredStream,
    receive,
    store_stream,
    stored_path,
    stream_stored,
)

# The stores and the setting naming each one's local folder (where files live without a
# bucket, and where uploads wait while they are inspected with one).
STORE_FOLDERS = {"depots": "DEPOSITS_DIR", "cas": "CASE_FILES_DIR"}
# Parts of a large upload to the bucket, sent one at a time: 8 MiB of memory at most.
PART_SIZE = 8 * 1024 * 1024
SUFFIX = ".pdf"


# -- configuration (read by settings.py from the environment) ----------------------------------


def s3_options(environ: Mapping[str, str] | None = None) -> dict[str, Any] | None:
    """The S3Storage options that ``CERTIF_STORAGE_S3_*`` describe, or None without a bucket.

    Credentials are optional: without them boto3 looks where it always does (``AWS_*``
    variables, its configuration files, the machine's role). Raises ValueError on a half
    configuration, so that Certif does not start storing files somewhere unintended.
    """
    env = os.environ if environ is None else environ

    def value(name: str) -> str:
        return env.get(f"CERTIF_STORAGE_S3_{name}", "").strip()

    bucket = value("BUCKET")
    if not bucket:
        others = [name for name in ("ENDPOINT_URL", "ACCESS_KEY_ID", "PREFIX") if value(name)]
        if others:
            raise ValueError(
                f"CERTIF_STORAGE_S3_{others[0]} is set without CERTIF_STORAGE_S3_BUCKET"
            )
        return None
    secret = value("SECRET_ACCESS_KEY")
    secret_file = value("SECRET_ACCESS_KEY_FILE")
    if secret_file and not secret:
        secret = Path(secret_file).read_text(encoding="utf-8").strip()
    access = value("ACCESS_KEY_ID")
    if bool(access) != bool(secret):
        raise ValueError(
            "CERTIF_STORAGE_S3_ACCESS_KEY_ID and CERTIF_STORAGE_S3_SECRET_ACCESS_KEY (or its "
            "_FILE) go together"
        )
    style = value("ADDRESSING_STYLE") or None
    if style not in (None, "path", "virtual", "auto"):
        raise ValueError(f"CERTIF_STORAGE_S3_ADDRESSING_STYLE: path or virtual, not {style!r}")
    prefix = value("PREFIX").strip("/")
    return {
        "bucket_name": bucket,
        "endpoint_url": value("ENDPOINT_URL") or None,
        "region_name": value("REGION") or None,
        "access_key": access or None,
        "secret_key": secret or None,
        "addressing_style": style,
        "location": prefix,
        # Content-addressed names: the same name is the same content, written again unchanged.
        "file_overwrite": True,
        "default_acl": None,
        "querystring_auth": False,
    }


# -- the stores ---------------------------------------------------------------------------------


class Received(Protocol):
    """A complete upload waiting under a temporary local name until committed (or dropped)."""

    path: Path
    sha256: str
    size: int

    def commit(self) -> StoredFile: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...


class FileStore:
    """One content-addressed store; see the module's docstring."""

    def __init__(self, name: str, folder: Path) -> None:
        self.name = name
        self.folder = folder

    def receive(
        self, chunks: Iterable[bytes], *, max_bytes: int, shown_name: str, suffix: str = SUFFIX
    ) -> Received:
        raise NotImplementedError

    def put_bytes(self, content: bytes, *, shown_name: str, suffix: str = SUFFIX) -> StoredFile:
        """Store a small file made here (a receipt) under its digest."""
        with self.receive(
            [content], max_bytes=max(len(content), 1), shown_name=shown_name, suffix=suffix
        ) as incoming:
            return incoming.commit()

    def stream(
        self, sha256: str, *, suffix: str = SUFFIX, chunk_size: int = CHUNK_SIZE
    ) -> StoredStream:
        raise NotImplementedError

    def exists(self, sha256: str, *, suffix: str = SUFFIX) -> bool:
        raise NotImplementedError

    def delete(self, sha256: str, *, suffix: str = SUFFIX) -> None:
        raise NotImplementedError

    def names(self) -> list[str]:
        """Every stored file, as ``<sha256[:2]>/<sha256>.pdf`` (what a backup names it by)."""
        raise NotImplementedError

    def local_copy(self, name: str, into: Path) -> Path:
        """A file on this machine's disk with the content of the stored ``name``: the stored
        file itself in a folder, a download into ``into`` from a bucket."""
        raise NotImplementedError

    def put_back(self, source: Path, name: str) -> None:
        """Put the file ``source`` in the store as ``name`` (a restore; checked beforehand)."""
        raise NotImplementedError


def _digest_and_suffix(name: str) -> tuple[str, str]:
    stem = name.rsplit("/", 1)[-1]
    digest, dot, suffix = stem.partition(".")
    return digest, dot + suffix


class FolderStore(FileStore):
    """A store in a folder of this machine (the default)."""

    def receive(
        self, chunks: Iterable[bytes], *, max_bytes: int, shown_name: str, suffix: str = SUFFIX
    ) -> Received:
        return receive(
            chunks, self.folder, max_bytes=max_bytes, shown_name=shown_name, suffix=suffix
        )

    def put_bytes(self, content: bytes, *, shown_name: str, suffix: str = SUFFIX) -> StoredFile:
        return store_stream(
            [content], self.folder, max_bytes=max(len(content), 1), shown_name=shown_name,
            suffix=suffix,
        )  # fmt: skip

    def stream(
        self, sha256: str, *, suffix: str = SUFFIX, chunk_size: int = CHUNK_SIZE
    ) -> StoredStream:
        return stream_stored(self.folder, sha256, suffix=suffix, chunk_size=chunk_size)

    def exists(self, sha256: str, *, suffix: str = SUFFIX) -> bool:
        return stored_path(self.folder, sha256, suffix).is_file()

    def delete(self, sha256: str, *, suffix: str = SUFFIX) -> None:
        stored_path(self.folder, sha256, suffix).unlink(missing_ok=True)

    def names(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return [
            path.relative_to(self.folder).as_posix()
            for path in sorted(self.folder.glob(f"*/*{SUFFIX}"))
        ]

    def local_copy(self, name: str, into: Path) -> Path:
        digest, suffix = _digest_and_suffix(name)
        return stored_path(self.folder, digest, suffix)

    def put_back(self, source: Path, name: str) -> None:
        digest, suffix = _digest_and_suffix(name)
        with source.open("rb") as handle:
            stored = store_stream(
                iter(lambda: handle.read(CHUNK_SIZE), b""), self.folder,
                max_bytes=max(source.stat().st_size, 1), shown_name=name, suffix=suffix,
            )  # fmt: skip
        if stored.sha256 != digest:
            raise ValueError(f"{name} : le contenu ne correspond pas à son empreinte")


class _BucketIncoming(ClosedOnExit):
    """An upload received locally, sent to the bucket under its digest on commit."""

    def __init__(self, store: BucketStore, incoming: Incoming) -> None:
        self._store = store
        self._incoming = incoming
        self.path = incoming.path
        self.sha256 = incoming.sha256
        self.size = incoming.size

    def commit(self) -> StoredFile:
        try:
            self._store.upload(self.path, self.sha256, self._incoming.suffix)
        finally:
            self._incoming.discard()  # the local copy goes, sent or not
        return StoredFile(
            Path(self._store.name) / _name(self.sha256, self._incoming.suffix),
            self.sha256,
            self.size,
        )

    def close(self) -> None:
        self._incoming.close()


def _name(sha256: str, suffix: str) -> str:
    # stored_path checks the digest and the suffix: a value from a request cannot escape.
    return stored_path(".", sha256, suffix).as_posix().removeprefix("./")


class BucketStore(FileStore):
    """A store as a prefix of an S3-compatible bucket (``CERTIF_STORAGE_S3_*``)."""

    def __init__(self, name: str, folder: Path, storage: Any) -> None:
        super().__init__(name, folder)
        self.storage = storage

    def receive(
        self, chunks: Iterable[bytes], *, max_bytes: int, shown_name: str, suffix: str = SUFFIX
    ) -> Received:
        incoming = receive(
            chunks, self.folder, max_bytes=max_bytes, shown_name=shown_name, suffix=suffix
        )
        return _BucketIncoming(self, incoming)

    def upload(self, path: Path, sha256: str, suffix: str) -> None:
        from django.core.files import File

        name = _name(sha256, suffix)
        if self.storage.exists(name):
            return  # same digest, same content: the bucket keeps the object it has
        with path.open("rb") as handle:
            self.storage.save(name, File(handle, name=name))

    def _object(self, name: str) -> Any:
        return self.storage.bucket.Object(self.storage._normalize_name(name))

    def stream(
        self, sha256: str, *, suffix: str = SUFFIX, chunk_size: int = CHUNK_SIZE
    ) -> StoredStream:
        from botocore.exceptions import ClientError

        if chunk_size <= 0:
            raise ValueError(f"taille de bloc invalide : {chunk_size}")
        try:
            answer = self._object(_name(sha256, suffix)).get()
        except ClientError as error:
            if _not_found(error):
                raise StoredFileMissing(
                    f"le fichier d'empreinte {sha256[:12]}… est introuvable dans le stockage"
                ) from error
            raise
        return StoredStream(cast(BinaryIO, answer["Body"]), answer["ContentLength"], chunk_size)

    def exists(self, sha256: str, *, suffix: str = SUFFIX) -> bool:
        return bool(self.storage.exists(_name(sha256, suffix)))

    def delete(self, sha256: str, *, suffix: str = SUFFIX) -> None:
        self.storage.delete(_name(sha256, suffix))

    def names(self) -> list[str]:
        prefix = self.storage._normalize_name("")
        prefix = prefix.rstrip("/") + "/" if prefix else ""
        found = []
        for summary in self.storage.bucket.objects.filter(Prefix=prefix):
            name = summary.key[len(prefix) :]
            if name.count("/") == 1 and name.endswith(SUFFIX):
                found.append(name)
        return sorted(found)

    def local_copy(self, name: str, into: Path) -> Path:
        target = into / self.name / name
        target.parent.mkdir(parents=True, exist_ok=True)
        digest, suffix = _digest_and_suffix(name)
        with self.stream(digest, suffix=suffix) as chunks, target.open("wb") as out:
            for chunk in chunks:
                out.write(chunk)
        return target

    def put_back(self, source: Path, name: str) -> None:
        digest, suffix = _digest_and_suffix(name)
        self.upload(source, digest, suffix)


def _not_found(error: Any) -> bool:
    answer = getattr(error, "response", {}) or {}
    code = str(answer.get("Error", {}).get("Code", ""))
    status = answer.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return code in ("NoSuchKey", "404", "NotFound") or status == 404


@lru_cache(maxsize=16)
def _s3_storage(name: str, options: tuple[tuple[str, Any], ...]) -> Any:
    """One S3Storage per store and configuration (a boto3 session is costly to make)."""
    from boto3.s3.transfer import TransferConfig
    from storages.backends.s3 import S3Storage

    values = dict(options)
    location = "/".join(part for part in (values.pop("location", ""), name) if part)
    transfer = TransferConfig(
        multipart_threshold=PART_SIZE, multipart_chunksize=PART_SIZE, use_threads=False
    )
    return S3Storage(**values, location=location, transfer_config=transfer)


def file_store(name: str) -> FileStore:
    """The store ``name`` (``depots`` or ``cas``) as this installation configures it."""
    folder = Path(getattr(settings, STORE_FOLDERS[name]))
    options: dict[str, Any] | None = getattr(settings, "FILES_S3", None)
    if not options:
        return FolderStore(name, folder)
    return BucketStore(name, folder, _s3_storage(name, tuple(sorted(options.items()))))


def uses_bucket() -> bool:
    return bool(getattr(settings, "FILES_S3", None))
