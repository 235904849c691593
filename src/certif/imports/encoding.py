"""Which encoding a CSV file is in, and its text; Excel's French « CSV » included.

Accepted, in this order:

1. a byte order mark says it: UTF-8 (« UTF-8 avec BOM », what Excel's « CSV UTF-8 » writes),
   UTF-16 little- or big-endian (« UTF-16 », Excel's « Texte Unicode » — tab-separated);
2. otherwise valid UTF-8 (« UTF-8 »; plain ASCII is valid UTF-8);
3. otherwise Windows-1252 (« Windows-1252 »): what Excel writes for « CSV (séparateur :
   point-virgule) » on a French Windows. Five bytes have no character in it (0x81, 0x8D,
   0x8F, 0x90, 0x9D): a file holding one is in some other encoding, and refused.

A text in Windows-1252 could in theory also be valid UTF-8 (« Ã© » is the UTF-8 of « é »):
French text never holds such pairs, so trying UTF-8 first is safe.

Whatever the encoding, the text may hold no control character but TAB, LF and CR (C0, DEL,
C1): a NUL means a binary file, or UTF-16 without its mark, and no field may hold the others
(``certif.core.text``). A refusal is a ``FileRejected`` naming the line and advising to save
the file as « CSV UTF-8 ».

``decode_bytes`` decodes a file held in memory; ``transcode_to_utf8`` and ``utf8_source`` do
the same on a file of any size in chunks (bounded memory), so that polars can read the result
straight from the disk.
"""

from __future__ import annotations

import codecs
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from certif.core.text import code_point
from certif.imports.problems import FileRejected, Problem

UTF8 = "UTF-8"
UTF8_BOM = "UTF-8 avec BOM"
UTF16 = "UTF-16"
CP1252 = "Windows-1252"
ADVICE = "enregistrez le fichier en CSV UTF-8"
CHUNK = 1 << 20
SAMPLE = 4096  # first bytes, to tell UTF-16 without its mark

_BOM_UTF8 = codecs.BOM_UTF8
_BOMS_UTF32 = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
_UNDEFINED_IN_CP1252 = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
# C0 but TAB, LF and CR; DEL; C1. A CR alone is left to the CSV reader (old Mac files).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# ``binary_only``: a NUL alone refuses the file (a binary file, UTF-16 without its mark); the
# other control characters are left to the importers' checks, which name their column.
_NUL = re.compile("\x00")
_NAMES = {0x00: "NUL", 0x1A: "fin de fichier", 0x1B: "échappement", 0x7F: "suppression"}


@dataclass(frozen=True)
class _Encoding:
    codec: str
    label: str
    skip: int  # bytes of byte order mark to drop before decoding


_UTF8 = _Encoding("utf-8", UTF8, 0)
_CP1252 = _Encoding("cp1252", CP1252, 0)


def _announced(start: bytes) -> _Encoding | None:
    """The encoding a byte order mark announces, or None (UTF-8 or Windows-1252: try)."""
    if start.startswith(_BOM_UTF8):
        return _Encoding("utf-8", UTF8_BOM, len(_BOM_UTF8))
    if start.startswith(_BOMS_UTF32):  # before UTF-16: FF FE 00 00 starts with FF FE
        return _Encoding("utf-32", "UTF-32", 4)
    if start.startswith(codecs.BOM_UTF16_LE):
        return _Encoding("utf-16-le", UTF16, 2)
    if start.startswith(codecs.BOM_UTF16_BE):
        return _Encoding("utf-16-be", UTF16, 2)
    return None


def _refusal(line: int | None, message: str) -> FileRejected:
    return FileRejected([Problem(line, None, None, message)])


def _utf32_refused(name: str) -> FileRejected:
    return _refusal(None, f"{name} est encodé en UTF-32, que Certif ne lit pas ; {ADVICE}")


def _undefined_byte(name: str, byte: int, line: int) -> FileRejected:
    return _refusal(
        line,
        f"{name} n'est ni en UTF-8 ni en Windows-1252 (octet 0x{byte:02X} sans caractère) ; "
        f"{ADVICE}",
    )


def _invalid(name: str, label: str, line: int) -> FileRejected:
    return _refusal(line, f"{name} n'est pas un texte {label} valide ; {ADVICE}")


def _looks_like_utf16(sample: bytes) -> bool:
    """Mostly NUL every other byte: UTF-16 text of Latin letters, saved without its mark."""
    if len(sample) < 4:
        return False
    even, odd = sample[0::2], sample[1::2]
    return max(even.count(0) / len(even), odd.count(0) / len(odd)) > 0.4


def _control(name: str, character: str, line: int, sample: bytes) -> FileRejected:
    if character == "\x00" and _looks_like_utf16(sample):
        return _refusal(line, f"{name} semble encodé en UTF-16 sans BOM ; {ADVICE}")
    named = _NAMES.get(ord(character))
    label = f"{code_point(character)} ({named})" if named else code_point(character)
    return _refusal(line, f"{name} contient un caractère de contrôle {label}, interdit ; {ADVICE}")


def _first_control(
    text: str, lines_before: int, pattern: re.Pattern[str] = _CONTROL
) -> tuple[str, int] | None:
    """The first control character of ``text`` and its line, counting from ``lines_before``."""
    found = pattern.search(text)
    if found is None:
        return None
    return found.group(), lines_before + text.count("\n", 0, found.start()) + 1


class _Decoding:
    """One pass over a file's bytes in one encoding, chunk by chunk.

    Problems are reported in the order of the file, so that a file held in memory and the same
    file streamed get the same refusal. In UTF-8 without a byte order mark the encoding is only
    known at the end (an invalid byte sends the file to Windows-1252): a control character
    found meanwhile waits until then.
    """

    def __init__(
        self, encoding: _Encoding, name: str, sample: bytes, binary_only: bool = False
    ) -> None:
        self.control = _NUL if binary_only else _CONTROL
        self.encoding = encoding
        self.name = name
        self.sample = sample
        self.decoder = codecs.getincrementaldecoder(encoding.codec)()
        self.lines = 0
        self.pending_control: tuple[str, int] | None = None

    @property
    def tentative(self) -> bool:
        return self.encoding is _UTF8

    def decode(self, raw: bytes, final: bool) -> str:
        if self.encoding.codec == "cp1252":
            undefined = _UNDEFINED_IN_CP1252.search(raw)
            if undefined is not None:
                self._check(raw[: undefined.start()].decode("cp1252"))
                line = self.lines + raw.count(b"\n", 0, undefined.start()) + 1
                raise _undefined_byte(self.name, raw[undefined.start()], line)
        try:
            text = self.decoder.decode(raw, final=final)
        except UnicodeDecodeError as error:
            if self.tentative:
                raise _NotUtf8 from None
            before = error.object[: error.start].decode(self.encoding.codec, errors="replace")
            self._check(before)
            line = self.lines + before.count("\n") + 1
            raise _invalid(self.name, self.encoding.label, line) from None
        self._check(text)
        self.lines += text.count("\n")
        if final and self.pending_control is not None:
            raise _control(self.name, *self.pending_control, self.sample)
        return text

    def _check(self, text: str) -> None:
        if self.pending_control is not None:
            return
        found = _first_control(text, self.lines, self.control)
        if found is None:
            return
        if self.tentative:
            self.pending_control = found
        else:
            raise _control(self.name, *found, self.sample)


class _NotUtf8(Exception):
    """The file is not UTF-8: Windows-1252 is tried next."""


def decode_bytes(raw: bytes, name: str) -> tuple[str, str]:
    """The text of a CSV file held in memory, without its byte order mark, and the label of
    its encoding for the import report (« UTF-8 », « UTF-8 avec BOM », « UTF-16 »,
    « Windows-1252 »). Raises ``FileRejected`` naming the line otherwise."""
    announced = _announced(raw[:4])
    if announced is not None and announced.codec == "utf-32":
        raise _utf32_refused(name)
    candidates = [announced] if announced is not None else [_UTF8, _CP1252]
    sample = raw[:SAMPLE]
    for encoding in candidates:
        try:
            return _Decoding(encoding, name, sample).decode(
                raw[encoding.skip :], True
            ), encoding.label
        except _NotUtf8:
            continue
    raise AssertionError("Windows-1252 decoding refuses or succeeds")  # pragma: no cover


class _Sink:
    """Where transcoded text goes: a UTF-8 file, or nowhere when only checking."""

    def __init__(self, handle: BinaryIO | None) -> None:
        self.handle = handle

    def write(self, text: str) -> None:
        if self.handle is not None and text:
            self.handle.write(text.encode("utf-8"))

    def restart(self) -> None:
        if self.handle is not None:
            self.handle.seek(0)
            self.handle.truncate()


def _stream(source: BinaryIO, sink: _Sink, decoding: _Decoding, chunk_size: int) -> None:
    source.seek(decoding.encoding.skip)
    while True:
        raw = source.read(chunk_size)
        sink.write(decoding.decode(raw, final=not raw))
        if not raw:
            return


def _transcode(
    source: BinaryIO, sink: _Sink, name: str, chunk_size: int, binary_only: bool = False
) -> str:
    """Stream ``source`` into ``sink`` as UTF-8; the label of its encoding."""
    sample = source.read(SAMPLE)
    announced = _announced(sample[:4])
    if announced is not None and announced.codec == "utf-32":
        raise _utf32_refused(name)
    if announced is not None:
        _stream(source, sink, _Decoding(announced, name, sample, binary_only), chunk_size)
        return announced.label
    try:
        _stream(source, sink, _Decoding(_UTF8, name, sample, binary_only), chunk_size)
        return UTF8
    except _NotUtf8:
        sink.restart()
    _stream(source, sink, _Decoding(_CP1252, name, sample, binary_only), chunk_size)
    return CP1252


def transcode_to_utf8(
    path: Path,
    name: str | None = None,
    directory: Path | None = None,
    chunk_size: int = CHUNK,
    binary_only: bool = False,
) -> tuple[Path, str]:
    """``path`` as a new UTF-8 file without byte order mark, and its encoding's label.

    Reads and writes ``chunk_size`` bytes at a time whatever the size of the file. The caller
    deletes the returned file (in ``directory``, or the system's temporary folder). Raises
    ``FileRejected`` as ``decode_bytes`` does, and then leaves no file behind.
    """
    descriptor, target = tempfile.mkstemp(prefix="certif-utf8-", suffix=".csv", dir=directory)
    try:
        with path.open("rb") as source, os.fdopen(descriptor, "wb") as handle:
            label = _transcode(source, _Sink(handle), name or path.name, chunk_size, binary_only)
    except BaseException:
        Path(target).unlink(missing_ok=True)
        raise
    return Path(target), label


def _already_utf8(path: Path, name: str, chunk_size: int, binary_only: bool = False) -> str | None:
    """The label when ``path`` is acceptable UTF-8 as it stands (checked in chunks), else
    None. Raises ``FileRejected`` for a file announced as UTF-8 that is not."""
    with path.open("rb") as source:
        sample = source.read(SAMPLE)
        encoding = _announced(sample[:4]) or _UTF8
        if encoding.codec != "utf-8":
            return None
        try:
            _stream(source, _Sink(None), _Decoding(encoding, name, sample, binary_only), chunk_size)
        except _NotUtf8:
            return None
    return encoding.label


@contextmanager
def utf8_source(
    path: Path,
    name: str | None = None,
    directory: Path | None = None,
    chunk_size: int = CHUNK,
    binary_only: bool = False,
) -> Iterator[tuple[Path, str]]:
    """A UTF-8 file with the text of ``path``, and the label of ``path``'s encoding.

    A file already in UTF-8 (with or without BOM: polars skips the mark) is checked in chunks
    and given as is, with no copy; any other is transcoded into a temporary file, deleted on
    leaving the block. Raises ``FileRejected`` as ``decode_bytes`` does.
    """
    label = _already_utf8(path, name or path.name, chunk_size, binary_only)
    if label is not None:
        yield path, label
        return
    copy, label = transcode_to_utf8(path, name, directory, chunk_size, binary_only)
    try:
        yield copy, label
    finally:
        copy.unlink(missing_ok=True)
