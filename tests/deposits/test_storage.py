"""The content-addressed store: streamed writes within a limit, nothing half-written left behind,
the same content at the same path, and streamed reads."""

from __future__ import annotations

import hashlib
import os
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certif.deposits.errors import DepositRefused, RefusalReason
from certif.deposits.pdf import inspect_pdf
from certif.deposits.storage import (
    StoredFile,
    StoredFileMissing,
    receive,
    store_stream,
    stored_path,
    stream_stored,
    verify_stored,
)
from tests.deposits.pdfs import javascript_open_action, pdf_bytes

MB = 1024 * 1024
CHUNK = 64 * 1024


def files_in(folder: Path) -> list[str]:
    """Every file under ``folder``, temporary ones included, relative to it."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def pieces(content: bytes, size: int = CHUNK) -> Iterator[bytes]:
    for start in range(0, len(content), size):
        yield content[start : start + size]


def same_chunk(chunk: bytes, times: int) -> Iterator[bytes]:
    for _ in range(times):
        yield chunk


def breaks_after(content: bytes, chunks: int) -> Iterator[bytes]:
    for index, chunk in enumerate(pieces(content)):
        if index == chunks:
            raise ConnectionResetError("le navigateur a coupé l'envoi")
        yield chunk


def test_a_stream_is_stored_under_its_sha256(tmp_path: Path) -> None:
    content = b"%PDF-1.7 contenu du support"
    stored = store_stream(pieces(content, 7), tmp_path, max_bytes=MB, shown_name="support.pdf")
    digest = hashlib.sha256(content).hexdigest()
    assert stored.sha256 == digest
    assert stored.size == len(content)
    assert stored.path == tmp_path / digest[:2] / f"{digest}.pdf"
    assert stored.path.read_bytes() == content
    assert files_in(tmp_path) == [f"{digest[:2]}/{digest}.pdf"]


def test_the_same_content_twice_lands_at_the_same_path_once(tmp_path: Path) -> None:
    content = os.urandom(200_000)
    first = store_stream(pieces(content), tmp_path, max_bytes=MB, shown_name="a.pdf")
    second = store_stream(pieces(content, 1000), tmp_path, max_bytes=MB, shown_name="b.pdf")
    assert second == first
    assert len(files_in(tmp_path)) == 1


def test_different_contents_land_at_different_paths(tmp_path: Path) -> None:
    one = store_stream([b"un"], tmp_path, max_bytes=MB, shown_name="a.pdf")
    two = store_stream([b"deux"], tmp_path, max_bytes=MB, shown_name="b.pdf")
    assert one.path != two.path
    assert len(files_in(tmp_path)) == 2


def test_a_stream_over_the_limit_is_refused_and_nothing_is_left(tmp_path: Path) -> None:
    with pytest.raises(DepositRefused) as caught:
        store_stream(
            same_chunk(b"x" * CHUNK, 40), tmp_path, max_bytes=2 * MB, shown_name="mémoire.pdf"
        )
    assert caught.value.reason is RefusalReason.TOO_LARGE
    assert str(caught.value) == "le fichier « mémoire.pdf » dépasse la taille maximale de 2 Mo"
    assert files_in(tmp_path) == []


def test_the_limit_is_checked_as_the_stream_arrives_not_at_its_end(tmp_path: Path) -> None:
    consumed = 0

    def endless() -> Iterator[bytes]:
        nonlocal consumed
        while True:
            consumed += 1
            yield b"x" * CHUNK

    with pytest.raises(DepositRefused):
        store_stream(endless(), tmp_path, max_bytes=MB, shown_name="infini.pdf")
    assert consumed == MB // CHUNK + 1
    assert files_in(tmp_path) == []


def test_a_stream_of_exactly_the_limit_is_accepted(tmp_path: Path) -> None:
    stored = store_stream(same_chunk(b"x" * CHUNK, 16), tmp_path, max_bytes=MB, shown_name="a")
    assert stored.size == MB


def test_a_limit_in_fractions_of_a_megabyte_reads_in_french(tmp_path: Path) -> None:
    with pytest.raises(DepositRefused, match="taille maximale de 1,5 Mo"):
        store_stream([b"x" * 2 * MB], tmp_path, max_bytes=3 * MB // 2, shown_name="a.pdf")


def test_a_stream_that_breaks_midway_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(ConnectionResetError):
        store_stream(
            breaks_after(os.urandom(MB), 5), tmp_path, max_bytes=10 * MB, shown_name="a.pdf"
        )
    assert files_in(tmp_path) == []


def test_a_stream_interrupted_by_the_worker_leaves_nothing(tmp_path: Path) -> None:
    def interrupted() -> Iterator[bytes]:
        yield b"x" * CHUNK
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        store_stream(interrupted(), tmp_path, max_bytes=MB, shown_name="a.pdf")
    assert files_in(tmp_path) == []


def test_a_50_mb_stream_is_stored_without_holding_it_in_memory(tmp_path: Path) -> None:
    chunk = os.urandom(CHUNK)  # allocated before measuring: the upload's memory, not ours
    tracemalloc.start()
    try:
        stored = store_stream(
            same_chunk(chunk, 50 * MB // CHUNK), tmp_path, max_bytes=60 * MB, shown_name="a.pdf"
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert stored.size == 50 * MB
    assert peak <= 10 * MB
    expected = hashlib.sha256()
    for piece in same_chunk(chunk, 50 * MB // CHUNK):
        expected.update(piece)
    assert stored.sha256 == expected.hexdigest()


def test_a_50_mb_file_is_read_back_without_holding_it_in_memory(tmp_path: Path) -> None:
    chunk = os.urandom(CHUNK)
    stored = store_stream(
        same_chunk(chunk, 50 * MB // CHUNK), tmp_path, max_bytes=60 * MB, shown_name="a.pdf"
    )
    tracemalloc.start()
    try:
        total = 0
        with stream_stored(tmp_path, stored.sha256) as chunks:
            for piece in chunks:
                total += len(piece)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == 50 * MB
    assert peak <= 10 * MB


def test_the_file_is_fsynced_before_it_is_renamed_into_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(descriptor: int) -> None:
        calls.append("fsync")
        real_fsync(descriptor)

    def replace(source: str | Path, target: str | Path) -> None:
        calls.append("replace")
        real_replace(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    store_stream([b"contenu"], tmp_path, max_bytes=MB, shown_name="a.pdf")
    assert calls[:2] == ["fsync", "replace"]
    assert calls.count("fsync") == 3  # the file, then the two directories the rename touched


def test_an_incoming_file_waits_under_a_temporary_name_until_committed(tmp_path: Path) -> None:
    with receive([b"%PDF-"], tmp_path, max_bytes=MB, shown_name="a.pdf") as incoming:
        assert files_in(tmp_path) == [incoming.path.name]
        assert incoming.path.name.startswith(".incoming-")
        stored = incoming.commit()
    assert files_in(tmp_path) == [str(stored.path.relative_to(tmp_path))]


def deposit(content: bytes, folder: Path, shown_name: str) -> tuple[int, StoredFile]:
    """What the application's service will do: receive, inspect, then commit."""
    with receive(pieces(content), folder, max_bytes=MB, shown_name=shown_name) as incoming:
        pages = inspect_pdf(incoming.path, shown_name)
        return pages, incoming.commit()


def test_an_incoming_file_refused_by_inspection_never_enters_the_store(tmp_path: Path) -> None:
    hostile = pdf_bytes(1, javascript_open_action)
    with pytest.raises(DepositRefused) as caught:
        deposit(hostile, tmp_path, "support.pdf")
    assert caught.value.reason is RefusalReason.ACTIVE_CONTENT
    assert files_in(tmp_path) == []


def test_an_incoming_file_left_uncommitted_is_deleted(tmp_path: Path) -> None:
    with receive([b"abc"], tmp_path, max_bytes=MB, shown_name="a.pdf"):
        pass
    assert files_in(tmp_path) == []


def test_an_inspected_pdf_is_stored_with_its_page_count(tmp_path: Path) -> None:
    content = pdf_bytes(35)
    pages, stored = deposit(content, tmp_path, "mémoire.pdf")
    assert pages == 35
    assert stored.path.read_bytes() == content


def test_a_stored_file_streams_back_by_chunks(tmp_path: Path) -> None:
    content = os.urandom(300_000)
    stored = store_stream(pieces(content), tmp_path, max_bytes=MB, shown_name="a.pdf")
    with stream_stored(tmp_path, stored.sha256, chunk_size=100_000) as chunks:
        assert chunks.size == len(content)
        received = list(chunks)
    assert [len(chunk) for chunk in received] == [100_000] * 3
    assert b"".join(received) == content


def test_a_missing_stored_file_is_known_before_any_byte_is_sent(tmp_path: Path) -> None:
    with pytest.raises(StoredFileMissing, match="introuvable dans le stockage"):
        stream_stored(tmp_path, "a" * 64)


@pytest.mark.parametrize("digest", ["../../etc/passwd", "A" * 64, "a" * 63, ""])
def test_a_digest_that_is_not_a_sha256_never_makes_a_path(tmp_path: Path, digest: str) -> None:
    with pytest.raises(ValueError, match="empreinte SHA-256 invalide"):
        stored_path(tmp_path, digest)


def test_a_suffix_cannot_leave_the_store(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="extension invalide"):
        store_stream([b"x"], tmp_path, max_bytes=MB, shown_name="a", suffix="/../../x")
    assert files_in(tmp_path) == []


def test_a_stored_file_verifies_until_it_is_altered(tmp_path: Path) -> None:
    stored = store_stream([b"contenu"], tmp_path, max_bytes=MB, shown_name="a.pdf")
    assert verify_stored(tmp_path, stored.sha256)
    stored.path.write_bytes(b"modifie")
    assert not verify_stored(tmp_path, stored.sha256)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.binary(max_size=5000), max_size=30))
def test_however_it_is_cut_a_stream_is_stored_whole(tmp_path: Path, chunks: list[bytes]) -> None:
    content = b"".join(chunks)
    stored = store_stream(iter(chunks), tmp_path, max_bytes=MB, shown_name="a.pdf")
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.size == len(content)
    assert b"".join(stream_stored(tmp_path, stored.sha256)) == content
    assert not any(name.endswith(".part") for name in files_in(tmp_path))
