"""Check an XLSX file before any parser touches it: streaming, bounded, fast to refuse.

An XLSX file is a zip archive of XML parts, and openpyxl trusts both layers: it reads some
parts whole into memory, builds every element of a row, keeps every shared string, pads every
row to the width the sheet declares. A small file can therefore ask for anything: a 1.5 MB
file holding one 1.5 GB cell took 12 GB of memory; a 2 MB file of 3 million rows was still
being read after 400 s. ``check_xlsx`` reads the archive itself, in 64 KiB chunks, counting
without keeping, and stops at the first limit a real Excel file could not exceed:

- **archive**: a zip (an ``.xls``, a password-protected workbook or a renamed CSV is named
  as such); at most ``members`` members, read from the archive's own directory before
  ``zipfile`` builds one object per entry; only the « stored » and « deflate » methods (the
  only ones Excel writes; bzip2 and LZMA can expand a few kilobytes into gigabytes within one
  read); no encrypted member; no name twice;
- **sizes**: every member is decompressed in chunks and its *actual* size counted, never the
  size its header declares: a worksheet or the shared strings at most ``sheet_bytes``, any
  other member at most ``part_bytes`` (openpyxl reads styles, workbook, properties… whole
  into memory), all of them together at most ``total_bytes``;
- **XML**: every ``.xml`` and ``.rels`` part goes through ``xml.parsers.expat`` in chunks: no
  DTD (hence no entity: neither the « billion laughs » nor external entities), and no token
  (tag, attribute, comment) above ``token_bytes`` — expat keeps a token whole in memory and,
  in the expat this Python has, parses it again on every chunk: a 200 MB attribute took
  8 minutes;
- **the first worksheet** (the first ``<sheet>`` of ``xl/workbook.xml`` whose relationship
  in ``xl/_rels/workbook.xml.rels`` is a worksheet present in the archive, as openpyxl's
  ``workbook.worksheets[0]``): at most ``rows`` rows and ``columns`` columns; at most
  ``cells`` cells *as the reader produces them* (openpyxl pads every row, and every missing
  row before the last, to the width of the declared dimension, or else to the row's last
  cell: a thousand rows declaring ``A1:XFD…`` cost 16 million cells, whatever they hold); a
  cell's text at most ``cell_chars`` characters (32,767 is Excel's own maximum: anything
  longer was not written by Excel), its formula at most ``formula_chars``; every value
  readable as its type says (a number, an index into the shared strings, a boolean, a date)
  — openpyxl raises mid-reading otherwise; rows and cells in increasing order and within the
  declared dimension (openpyxl silently drops the others); and **formula cells without a
  cached value** (``<f>`` and no or an empty ``<v>``, as written by openpyxl or some
  converters), which a reader would take for empty: « cellule C7 : formule sans valeur
  calculée ; ouvrez le fichier dans Excel et enregistrez-le »;
- **shared strings**: at most ``shared_strings`` of them, each at most ``cell_chars``
  characters, ``shared_string_chars`` in all (openpyxl keeps them all in memory);
- **the text of the first worksheet**: at most ``text_chars`` characters in all its values, a
  shared string counted at each cell that shows it (a reader copies each cell's text into its
  table: one long shared string repeated down a sheet of a few kilobytes would cost
  gigabytes);
- **held at once**: at most ``elements_held`` XML elements and ``held_bytes`` bytes of XML in
  one row, in one shared string, or outside the rows of a sheet: openpyxl builds a row or a
  shared string as a tree of objects, and keeps what lies outside the rows until the end.

The result is None for an acceptable file, or a list of ``Problem`` (French messages) to
raise as ``FileRejected(problems)`` — ``ensure_xlsx_within_bounds`` does that. Nothing else
escapes on any input. Memory stays at a few megabytes over the interpreter's; time is one
decompression and one expat pass, stopped at the first limit.

openpyxl's own rules are mirrored where they decide what is read (which part is the
workbook, which the shared strings, how a row is numbered); parts openpyxl does not read are
only sized and checked for a DTD.
"""

from __future__ import annotations

import posixpath
import struct
import zipfile
import zlib
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat

from certif.core.text import quoted
from certif.imports.problems import FileRejected, Problem

KiB = 1 << 10
MiB = 1 << 20
GiB = 1 << 30
CHUNK = 64 * KiB


@dataclass(frozen=True)
class XlsxLimits:
    """What an acceptable XLSX file may hold; every default is documented in the module."""

    members: int = 1_000  # Excel writes a dozen; images, charts and sheets add a few each
    sheet_bytes: int = 512 * MiB  # a worksheet or the shared strings, decompressed
    part_bytes: int = 32 * MiB  # any other member, decompressed
    total_bytes: int = 1 * GiB  # all members, decompressed
    rows: int = 1_048_576  # Excel's maximum
    columns: int = 16_384  # Excel's maximum (XFD)
    cells: int = 16_777_216  # cells the reader produces: a full-height sheet of 16 columns
    cell_chars: int = 32_767  # Excel's maximum for one cell
    formula_chars: int = 8_192  # Excel's maximum for one formula
    shared_strings: int = 2_097_152  # two distinct texts per row of a full-height sheet
    shared_string_chars: int = 128 * MiB  # all shared strings together, in characters
    elements_held: int = 262_144  # in one row, one shared string, or outside the rows
    held_bytes: int = 16 * MiB  # of XML: one row, one shared string, or outside the rows
    token_bytes: int = 1 * MiB  # one tag, attribute, comment or processing instruction
    formulas_reported: int = 20  # cells without cached value named; then a count
    # All the values of the first sheet together, a shared string counted at each use: a
    # reader copies each cell's text into its table, so one long shared string repeated down
    # a sheet of a few kilobytes would otherwise cost gigabytes.
    text_chars: int = 128 * MiB


DEFAULT_LIMITS = XlsxLimits()


def check_xlsx(
    source: str | Path | IO[bytes], limits: XlsxLimits = DEFAULT_LIMITS
) -> list[Problem] | None:
    """None if ``source`` (a path, or a seekable binary file) is within ``limits``; else the
    problems, in French, to refuse it with (``FileRejected(problems)``)."""
    try:
        if isinstance(source, str | Path):
            path = Path(source)
            if not path.is_file():
                return [Problem(None, None, None, f"fichier introuvable : {quoted(str(path))}")]
            try:
                with path.open("rb") as handle:
                    return _check(handle, limits)
            except OSError as error:  # unreadable: permissions, a device, a vanished file
                return [Problem(None, None, None, f"fichier illisible : {quoted(str(error))}")]
        return _check(source, limits)
    except _Refused as refused:
        return refused.problems


def ensure_xlsx_within_bounds(
    source: str | Path | IO[bytes], limits: XlsxLimits = DEFAULT_LIMITS
) -> None:
    """Raise ``FileRejected`` with the problems of ``check_xlsx``, if any."""
    problems = check_xlsx(source, limits)
    if problems:
        raise FileRejected(problems)


# -- refusals -----------------------------------------------------------------------------------


class _Refused(Exception):
    """Stop reading: the file is refused for these problems."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems[0].message if problems else "")
        self.problems = problems


def _refuse(message: str, line: int | None = None, value: str | None = None) -> _Refused:
    return _Refused([Problem(line, None, value, message)])


def _grouped(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")


def _size(number: int) -> str:
    return f"{number // MiB:,} Mo".replace(",", "\u202f") if number >= MiB else f"{number} octets"


RESAVE = "ouvrez le fichier dans Excel et enregistrez-le"

# -- the archive --------------------------------------------------------------------------------

_END_OF_DIRECTORY = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_END = b"PK\x06\x06"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and workbooks protected by a password


def _directory_size(handle: IO[bytes]) -> tuple[int, int] | None:
    """(entries, bytes) of the archive's central directory, read as ``zipfile`` reads them
    (its ``_EndRecData``), or None when there is no end record."""
    handle.seek(0, 2)
    size = handle.tell()
    tail_start = max(0, size - (22 + 65_536))
    handle.seek(tail_start)
    tail = handle.read()
    if tail[-22:-18] == _END_OF_DIRECTORY and tail[-2:] == b"\x00\x00":
        at = len(tail) - 22
    else:
        at = tail.rfind(_END_OF_DIRECTORY)
        if at < 0 or len(tail) - at < 22:
            return None
    entries, directory_bytes = struct.unpack("<HI", tail[at + 10 : at + 16])
    locator_at = tail_start + at - 20
    if locator_at >= 0:
        handle.seek(locator_at)
        locator = handle.read(20)
        if locator[:4] == _ZIP64_LOCATOR and locator_at >= 56:
            handle.seek(locator_at - 56)
            record = handle.read(56)
            if record[:4] == _ZIP64_END:
                entries, directory_bytes = struct.unpack("<QQ", record[32:48])
    return entries, directory_bytes


def _not_a_workbook(start: bytes) -> _Refused:
    if start.startswith(_OLE2):
        return _refuse(
            "ce fichier est un classeur Excel 97-2003 (.xls) ou un classeur protégé par un mot "
            "de passe : enregistrez-le au format .xlsx, sans mot de passe"
        )
    return _refuse(
        "ce fichier n'est pas un classeur XLSX (ce n'est pas une archive zip) : "
        "enregistrez-le au format .xlsx depuis Excel"
    )


def _open_archive(handle: IO[bytes], limits: XlsxLimits) -> zipfile.ZipFile:
    handle.seek(0)
    start = handle.read(8)
    directory = _directory_size(handle)
    if directory is None or not start.startswith(b"PK"):
        raise _not_a_workbook(start)
    entries, directory_bytes = directory
    # zipfile builds one object per entry of the directory before anyone can count them:
    # a directory too big for ``members`` entries is refused first. 1 KiB per entry leaves
    # room for long names.
    if entries > limits.members:
        raise _too_many_members(entries)
    if directory_bytes > limits.members * KiB:
        raise _refuse(
            f"le répertoire de l'archive fait {_grouped(directory_bytes)} octets : trop pour "
            "un classeur"
        )
    handle.seek(0)
    archive = zipfile.ZipFile(handle)
    members = archive.infolist()
    if len(members) > limits.members:
        raise _too_many_members(len(members))
    seen: set[str] = set()
    for member in members:
        if member.filename in seen:
            raise _refuse(
                f"l'archive contient deux fois la partie {quoted(member.filename)} : "
                "le classeur est endommagé"
            )
        seen.add(member.filename)
        if member.flag_bits & 0x1:
            raise _refuse("le classeur est chiffré : enregistrez-le sans mot de passe")
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _refuse(
                f"partie {quoted(member.filename)} compressée par une méthode qu'Excel "
                f"n'emploie pas (n° {member.compress_type}) : {RESAVE}"
            )
    return archive


def _too_many_members(count: int) -> _Refused:
    return _refuse(
        f"l'archive compte {_grouped(count)} parties : trop pour un classeur "
        "(un classeur Excel en compte quelques dizaines)"
    )


@dataclass
class _Budget:
    """Decompressed bytes so far, per member and in all."""

    limits: XlsxLimits
    total: int = 0

    def chunks(self, archive: zipfile.ZipFile, name: str, limit: int) -> Iterator[bytes]:
        """The member's bytes, ``CHUNK`` at a time, refused as soon as its actual size passes
        ``limit`` or the archive's passes ``total_bytes``."""
        size = 0
        with archive.open(name) as stream:
            while True:
                chunk = stream.read(CHUNK)
                if not chunk:
                    return
                size += len(chunk)
                self.total += len(chunk)
                if size > limit:
                    raise _refuse(
                        f"la partie {quoted(name)} dépasse {_size(limit)} une fois "
                        "décompressée : trop pour un classeur (archive piégée ?)"
                    )
                if self.total > self.limits.total_bytes:
                    raise _refuse(
                        f"le classeur dépasse {_size(self.limits.total_bytes)} une fois "
                        "décompressé : trop pour un import (archive piégée ?)"
                    )
                yield chunk


# -- XML, in chunks -----------------------------------------------------------------------------

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
_SEP = " "  # expat's namespace separator: "namespace local-name"


def _tag(namespace: str, local: str) -> str:
    return f"{namespace}{_SEP}{local}"


class _Xml:
    """A part fed to expat chunk by chunk, with the guards every part gets: no DTD, no
    entity, no token over ``token_bytes``, and (``text_chars``) no text run over a limit."""

    def __init__(
        self, part: str, limits: XlsxLimits, text_chars: int | None = None, required: bool = True
    ) -> None:
        self.part = part
        self.limits = limits
        self.text_chars = text_chars
        self.required = required  # a malformed required part refuses the file
        self.broken = False
        self.fed = 0
        self.progress = 0  # byte index of the last event expat reported
        self.run = 0  # characters of the current text run
        parser = expat.ParserCreate(namespace_separator=_SEP)
        parser.buffer_text = True
        parser.buffer_size = CHUNK
        parser.StartDoctypeDeclHandler = self._doctype
        parser.EntityDeclHandler = self._entity
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        parser.CommentHandler = self._event
        parser.ProcessingInstructionHandler = self._instruction
        self.parser = parser

    # Handlers; subclasses extend start/end/text.
    def _doctype(self, *_: Any) -> None:
        raise _refuse(
            f"la partie {quoted(self.part)} déclare une DTD : interdit dans un classeur "
            "(entités XML piégées)"
        )

    def _entity(self, *_: Any) -> None:
        raise _refuse(f"la partie {quoted(self.part)} déclare une entité XML : interdit")

    def _event(self, *_: Any) -> None:
        self.progress = self.parser.CurrentByteIndex

    def _instruction(self, *_: Any) -> None:
        self.progress = self.parser.CurrentByteIndex

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        self.progress = self.parser.CurrentByteIndex
        self.run = 0

    def _end(self, name: str) -> None:
        self.progress = self.parser.CurrentByteIndex
        self.run = 0

    def _text(self, text: str) -> None:
        self.progress = self.parser.CurrentByteIndex
        if self.text_chars is not None:
            self.run += len(text)
            if self.run > self.text_chars:
                raise _refuse(
                    f"la partie {quoted(self.part)} contient un texte de plus de "
                    f"{_grouped(self.text_chars)} caractères hors des cellules"
                )

    def feed(self, chunk: bytes, final: bool = False) -> None:
        if self.broken:
            return
        try:
            self.parser.Parse(chunk, final)
        except (expat.ExpatError, LookupError, ValueError) as error:
            # LookupError, ValueError: an XML declaration naming an encoding Python does not
            # know, or one expat cannot use (multi-byte); expat's own errors have a position.
            if self.required:
                where = (
                    f" (ligne {error.lineno}, colonne {error.offset + 1})"
                    if isinstance(error, expat.ExpatError)
                    else f" ({quoted(str(error), 60)})"
                )
                raise _refuse(
                    f"la partie {quoted(self.part)} n'est pas du XML valide{where} : {RESAVE}"
                ) from None
            self.broken = True  # openpyxl does not read it: only its size still matters
            return
        self.fed += len(chunk)
        if self.fed - self.progress > self.limits.token_bytes + CHUNK:
            raise _refuse(
                f"la partie {quoted(self.part)} contient une balise ou un attribut de plus de "
                f"{_size(self.limits.token_bytes)} : trop pour un classeur"
            )


def _scan(budget: _Budget, archive: zipfile.ZipFile, xml: _Xml, limit: int) -> None:
    """Decompress one member within ``limit``, feeding it to ``xml``."""
    for chunk in budget.chunks(archive, xml.part, limit):
        xml.feed(chunk)
    xml.feed(b"", final=True)


def _count(budget: _Budget, archive: zipfile.ZipFile, name: str, limit: int) -> None:
    for _chunk in budget.chunks(archive, name, limit):
        pass


# -- which part is what -------------------------------------------------------------------------

WORKBOOK_TYPES = (  # in openpyxl's order of preference (reader.excel._find_workbook_part)
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
)
SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)
DEFAULT_WORKBOOK = "xl/workbook.xml"
CONTENT_TYPES_PART = "[Content_Types].xml"


class _ContentTypes(_Xml):
    """Where openpyxl finds the workbook and the shared strings: ``[Content_Types].xml``."""

    def __init__(self, limits: XlsxLimits) -> None:
        super().__init__(CONTENT_TYPES_PART, limits)
        self.overrides: list[tuple[str, str]] = []  # (part name, content type)
        self.defaults: set[str] = set()

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        super()._start(name, attributes)
        if len(self.overrides) > self.limits.members:
            raise _too_many_members(len(self.overrides))
        if name == _tag(CONTENT_TYPES, "Override"):
            part = attributes.get("PartName", "")
            self.overrides.append((part.removeprefix("/"), attributes.get("ContentType", "")))
        elif name == _tag(CONTENT_TYPES, "Default"):
            self.defaults.add(attributes.get("ContentType", ""))

    def first(self, content_type: str) -> str | None:
        return next((part for part, kind in self.overrides if kind == content_type), None)

    def workbook(self) -> str | None:
        for content_type in WORKBOOK_TYPES:
            part = self.first(content_type)
            if part:
                return part
        return DEFAULT_WORKBOOK if self.defaults & set(WORKBOOK_TYPES) else None


class _Relationships(_Xml):
    """A ``.rels`` part: Id → (type, target resolved against the source part's folder)."""

    def __init__(self, part: str, source_folder: str, limits: XlsxLimits) -> None:
        super().__init__(part, limits)
        self.folder = source_folder
        self.targets: dict[str, tuple[str, str]] = {}

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        super()._start(name, attributes)
        if name != _tag(PACKAGE_RELATIONSHIPS, "Relationship"):
            return
        if len(self.targets) >= self.limits.members:
            raise _too_many_members(len(self.targets))
        if attributes.get("TargetMode") == "External":
            return
        target = attributes.get("Target", "")
        # As openpyxl.packaging.relationship.get_dependents resolves a target.
        if target.startswith("/"):
            resolved = target[1:]
        else:
            resolved = posixpath.normpath(posixpath.join(self.folder, target))
        self.targets.setdefault(attributes.get("Id", ""), (attributes.get("Type", ""), resolved))


class _Workbook(_Xml):
    """The ``r:id`` of each ``<sheet>`` of the workbook, in order."""

    def __init__(self, part: str, limits: XlsxLimits) -> None:
        super().__init__(part, limits)
        self.sheet_ids: list[str] = []

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        super()._start(name, attributes)
        if name == _tag(MAIN, "sheet"):
            if len(self.sheet_ids) >= self.limits.members:
                raise _too_many_members(len(self.sheet_ids))
            self.sheet_ids.append(attributes.get(_tag(RELATIONSHIPS, "id"), ""))


def _rels_path(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


@dataclass
class _Layout:
    workbook: str
    first_sheet: str
    worksheets: set[str]
    shared_strings: str | None
    read: set[str] = field(default_factory=set)  # parts already decompressed and counted


def _locate(archive: zipfile.ZipFile, budget: _Budget, limits: XlsxLimits) -> _Layout:
    names = set(archive.namelist())
    if CONTENT_TYPES_PART not in names:
        raise _refuse(
            f"la partie {CONTENT_TYPES_PART} manque : ce n'est pas un classeur XLSX ; {RESAVE}"
        )
    types = _ContentTypes(limits)
    _scan(budget, archive, types, limits.part_bytes)
    workbook = types.workbook()
    if workbook is None or workbook not in names:
        raise _refuse(f"le fichier ne contient pas de classeur : {RESAVE}")
    read = {CONTENT_TYPES_PART, workbook}
    book = _Workbook(workbook, limits)
    _scan(budget, archive, book, limits.part_bytes)
    relations = _Relationships(_rels_path(workbook), posixpath.dirname(workbook), limits)
    if relations.part in names:
        _scan(budget, archive, relations, limits.part_bytes)
        read.add(relations.part)
    worksheets = [
        target
        for kind, target in (relations.targets.get(i, ("", "")) for i in book.sheet_ids if i)
        if target in names and kind.endswith("/worksheet")
    ]
    if not worksheets:
        raise _refuse(f"le classeur n'a aucune feuille de calcul : {RESAVE}")
    shared = types.first(SHARED_STRINGS_TYPE)
    if shared is not None and shared not in names:
        raise _refuse(f"la partie des textes partagés {quoted(shared)} manque : {RESAVE}")
    return _Layout(workbook, worksheets[0], set(worksheets), shared, read)


# -- records: what openpyxl holds at once ------------------------------------------------------


class _Records(_Xml):
    """A part made of records (rows of a sheet, ``<si>`` of the shared strings) that openpyxl
    builds one at a time as element trees, while keeping everything outside them until the
    end. Both are bounded, in elements and in bytes of XML: ``elements_held``, ``held_bytes``.

    The subclasses' handlers are written flat, without calls for the common case: they run
    for every element of a file of a million rows, and the checker should cost a fraction of
    what reading the file costs.
    """

    record = ""
    record_label = ""

    def __init__(self, part: str, limits: XlsxLimits) -> None:
        super().__init__(part, limits, text_chars=limits.cell_chars)
        self.elements_held = limits.elements_held
        self.held_bytes = limits.held_bytes
        self.cell_chars = limits.cell_chars
        self.depth = 0
        self.record_depth = 0  # depth of the current record, 0 outside
        self.record_start = 0  # its byte index
        self.held = 0  # elements in the current record
        self.outside = 0  # elements outside the records
        self.outside_bytes = 0  # bytes outside the records, before outside_since
        self.outside_since = 0

    def _enter(self, index: int) -> None:
        self.outside_bytes += index - self.outside_since
        self.record_depth, self.record_start, self.held = self.depth, index, 0

    def _leave(self, index: int) -> None:
        if index - self.record_start > self.held_bytes:
            raise self._record_too_big(_size(self.held_bytes))
        self.record_depth = 0
        self.outside_since = index

    def _outside_element(self, index: int) -> None:
        self.outside += 1
        self._check_outside(index)

    def _check_outside(self, index: int) -> None:
        if (
            self.outside > self.elements_held
            or self.outside_bytes + index - self.outside_since > self.held_bytes
        ):
            raise _refuse(
                f"la partie {quoted(self.part)} compte plus de "
                f"{_grouped(self.elements_held)} éléments ou de "
                f"{_size(self.held_bytes)} hors de ses {self.record_label}s : {RESAVE}"
            )

    def _record_too_big(self, what: str) -> _Refused:
        number = self.record_number()
        return _refuse(
            f"{self.record_label} n° {_grouped(number)} de la partie {quoted(self.part)} "
            f"compte plus de {what} : {RESAVE}",
            line=number if self.record == ROW else None,
        )

    def _nested(self) -> _Refused:
        return _refuse(
            f"{self.record_label} n° {_grouped(self.record_number())} de la partie "
            f"{quoted(self.part)} en contient une autre : {RESAVE}"
        )

    def record_number(self) -> int:
        raise NotImplementedError


# -- shared strings -----------------------------------------------------------------------------

SI = _tag(MAIN, "si")
ROW = _tag(MAIN, "row")


class _SharedStrings(_Records):
    """Counts the shared strings and their characters, keeping none."""

    record = SI
    record_label = "texte partagé"

    def __init__(self, part: str, limits: XlsxLimits) -> None:
        super().__init__(part, limits)
        self.count = 0
        self.chars = 0
        self.item_chars = 0
        # Each string's length, for the sheet to count its text: 2 bytes a string (each is at
        # most ``cell_chars``, 32,767), 4 MB for the most a workbook may hold.
        self.lengths = array("H")

    def record_number(self) -> int:
        return self.count

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        self.depth += 1
        self.run = 0
        if self.record_depth:
            self.held += 1
            if self.held > self.elements_held:
                raise self._record_too_big(f"{_grouped(self.elements_held)} éléments XML")
            if name == SI:
                raise self._nested()
            return
        index = self.parser.CurrentByteIndex
        self.progress = index
        if name != SI:
            self._outside_element(index)
            return
        self._enter(index)
        self.count += 1
        self.item_chars = 0
        if self.count > self.limits.shared_strings:
            raise _refuse(
                f"le classeur compte plus de {_grouped(self.limits.shared_strings)} textes "
                "différents : trop pour un import"
            )

    def _end(self, name: str) -> None:
        if self.depth == self.record_depth:
            index = self.parser.CurrentByteIndex
            self.progress = index
            self._leave(index)
            self.lengths.append(min(self.item_chars, 0xFFFF))
        self.depth -= 1
        self.run = 0

    def _text(self, text: str) -> None:
        index = self.parser.CurrentByteIndex
        self.progress = index
        if not self.record_depth:
            self.run += len(text)
            if self.run > self.cell_chars:
                super()._text(text)  # refuses, with the message for text outside cells
            self._check_outside(index)
            return
        self.item_chars += len(text)
        self.chars += len(text)
        if self.item_chars > self.cell_chars:
            raise _refuse(
                f"le texte partagé n° {_grouped(self.count)} dépasse "
                f"{_grouped(self.cell_chars)} caractères (la limite d'Excel) : "
                "il ne vient pas d'Excel"
            )
        if self.chars > self.limits.shared_string_chars:
            raise _refuse(
                f"les textes partagés dépassent {_grouped(self.limits.shared_string_chars)} "
                "caractères en tout : trop pour un import"
            )
        if index - self.record_start > self.held_bytes:
            raise self._record_too_big(_size(self.held_bytes))


# -- the worksheet ------------------------------------------------------------------------------

VALUE = _tag(MAIN, "v")
FORMULA = _tag(MAIN, "f")
INLINE = _tag(MAIN, "is")
SHEET_DATA = _tag(MAIN, "sheetData")
DIMENSION = _tag(MAIN, "dimension")
DIGITS = "0123456789"
EXCERPT = 80


def column_letters(number: int) -> str:
    """1 → A, 27 → AA, 16384 → XFD."""
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


# Every column name of one to three letters (A … ZZZ, as far as openpyxl reads), to its
# number: one lookup per cell instead of a regular expression and a loop.
_COLUMNS = {column_letters(number): number for number in range(1, 18_279)}


def column_number(letters: str) -> int | None:
    """A → 1, AA → 27, XFD → 16384 (either case); None if not one to three letters."""
    number = _COLUMNS.get(letters)
    return number if number is not None else _COLUMNS.get(letters.upper())


def _cast_number(value: str) -> None:
    """Raise ``ValueError`` where openpyxl's ``_cast_number`` would."""
    if "." in value or "E" in value or "e" in value:
        float(value)
    else:
        int(value)


def _iso_date(value: str) -> None:
    from openpyxl.utils.datetime import from_ISO8601

    from_ISO8601(value)


class _Sheet(_Records):
    """The first worksheet, checked as openpyxl's read-only reader walks it (``first``), or
    another one, which openpyxl only reads for its dimension: then the memory guards and the
    count of rows apply, not the checks of cells.

    openpyxl's reading, mirrored: every child element of a row is a cell; a cell's column is
    its ``r`` or the previous one's plus one; its value is the text of its first ``<v>``
    (empty: no value), or for ``t="inlineStr"`` the text of its ``<is>``; rows are numbered
    by their ``r`` or the previous one's plus one, and a row numbered at or below one already
    read is dropped.
    """

    record = ROW
    record_label = "ligne"

    def __init__(
        self,
        part: str,
        limits: XlsxLimits,
        shared_strings: int,
        first: bool,
        lengths: array[int] | None = None,
    ) -> None:
        super().__init__(part, limits)
        self.first = first
        self.shared_strings = shared_strings
        self.lengths = lengths  # of the shared strings, when known
        self.text = 0  # characters of the values so far
        self.columns = limits.columns
        self.formula_limit = limits.formula_chars
        self.row = 0  # openpyxl's row counter
        self.highest = 0  # highest row number so far
        self.rows = 0  # <row> elements
        self.order_broken = False
        self.column = 0  # openpyxl's column counter in the current row
        self.last_column = 0  # highest column of a cell so far in the current row
        self.holds_value = False
        # The current cell (cell_depth 0: none).
        self.cell_depth = 0
        self.kind = "n"
        self.value_parts: list[str] | None = None  # text of the first <v>; None: no <v>
        self.value_depth = 0  # > 0 inside the first <v>, -1 after it
        self.chars = 0  # characters of its <v> and <is>
        self.excerpt = ""  # the start of its <is>
        self.formula = False
        self.formula_depth = 0
        self.formula_chars = 0
        self.inline_depth = 0
        self.data_ended = False
        self.width: int | None = None  # columns of the declared dimension
        self.height: int | None = None  # rows of the declared dimension
        self.dimension = ""
        self.produced = 0  # cells the reader produces so far
        self.formulas: list[Problem] = []
        self.formulas_total = 0

    def record_number(self) -> int:
        return self.row

    # -- events --

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        depth = self.depth + 1
        self.depth = depth
        self.run = 0
        if self.record_depth:
            self.held += 1
            if self.held > self.elements_held:
                raise self._record_too_big(f"{_grouped(self.elements_held)} éléments XML")
            if name == ROW:
                raise self._nested()
            if depth == self.record_depth + 1:
                index = self.parser.CurrentByteIndex
                self.progress = index
                if index - self.record_start > self.held_bytes:
                    raise self._record_too_big(_size(self.held_bytes))
                if self.first:
                    self._start_cell(depth, attributes)
            elif self.cell_depth and depth == self.cell_depth + 1:
                if name == VALUE:
                    if not self.value_depth:
                        self.value_depth, self.value_parts = depth, []
                elif name == FORMULA:
                    if not self.formula:
                        self.formula, self.formula_depth, self.formula_chars = True, depth, 0
                elif name == INLINE and not self.inline_depth and self.kind == "inlineStr":
                    self.inline_depth, self.excerpt = depth, ""
            elif self.value_depth > 0:
                raise self._cell_refusal("valeur mal formée")
            return
        index = self.parser.CurrentByteIndex
        self.progress = index
        if name == ROW:
            self._enter(index)
            self._open_row(attributes)
            return
        self._outside_element(index)
        if name == DIMENSION and self.first and not self.dimension and not self.data_ended:
            self._dimension(attributes.get("ref"))

    def _end(self, name: str) -> None:
        depth = self.depth
        self.depth = depth - 1
        self.run = 0
        if depth == self.cell_depth:
            self.cell_depth = 0
            self._end_cell()
        elif self.cell_depth:
            if depth == self.value_depth:
                self.value_depth = -1  # only the first <v> counts, as openpyxl's findtext
            elif depth == self.formula_depth:
                self.formula_depth = 0
            elif depth == self.inline_depth:
                self.inline_depth = 0
        elif depth == self.record_depth:
            index = self.parser.CurrentByteIndex
            self.progress = index
            self._leave(index)
            self._close_row()
        elif name == SHEET_DATA:
            self.data_ended = True

    def _text(self, text: str) -> None:
        index = self.parser.CurrentByteIndex
        self.progress = index
        if self.value_depth > 0 or self.inline_depth:
            self.chars += len(text)
            if self.chars > self.cell_chars:
                start = self.excerpt if self.inline_depth else "".join(self.value_parts or ())
                raise self._cell_refusal(
                    f"texte de plus de {_grouped(self.cell_chars)} caractères (la limite "
                    "d'Excel) : il ne vient pas d'Excel",
                    quoted((start + text[:EXCERPT])[: EXCERPT - 1], EXCERPT - 1) + "…",
                )
            if self.value_depth > 0:
                self.value_parts.append(text)  # type: ignore[union-attr]
            elif len(self.excerpt) < EXCERPT:
                self.excerpt += text[:EXCERPT]
        elif self.formula_depth:
            self.formula_chars += len(text)
            if self.formula_chars > self.formula_limit:
                raise self._cell_refusal(
                    f"formule de plus de {_grouped(self.formula_limit)} caractères "
                    "(la limite d'Excel)"
                )
        else:
            super()._text(text)  # a text run outside values: at most cell_chars
            if not self.record_depth:
                self._check_outside(index)
            elif index - self.record_start > self.held_bytes:
                raise self._record_too_big(_size(self.held_bytes))

    # -- rows --

    def _open_row(self, attributes: dict[str, str]) -> None:
        number = attributes.get("r")
        self.row = self.row + 1 if number is None else self._row_number(number)
        self.rows += 1
        if self.row > self.limits.rows or self.rows > self.limits.rows:
            raise _refuse(
                f"la feuille {quoted(self.part)} compte plus de {_grouped(self.limits.rows)} "
                "lignes (la limite d'Excel)",
                line=min(self.row, self.limits.rows + 1),
            )
        self.order_broken = self.row <= self.highest or self.row < 1
        self.highest = max(self.highest, self.row)
        self.column = self.last_column = 0
        self.holds_value = False

    def _row_number(self, text: str) -> int:
        """``r`` as openpyxl's ``parse_row`` reads it; refused where it would raise."""
        try:
            return int(text)
        except ValueError:
            pass
        try:
            number = float(text)
        except ValueError:
            number = float("nan")
        if not number.is_integer():
            raise _refuse(f"numéro de ligne illisible {quoted(text, 20)} : {RESAVE}")
        return int(number)

    def _close_row(self) -> None:
        if not self.first:
            return
        if self.holds_value and self.order_broken:
            raise _refuse(
                f"ligne en double, dans le désordre ou mal numérotée ({self.row}) : un lecteur "
                f"la perdrait ; {RESAVE}",
                line=self.row,
            )
        if self.holds_value and self.height is not None and self.row > self.height:
            raise _refuse(
                f"ligne hors de la dimension que la feuille déclare "
                f"({quoted(self.dimension, 30)}) : un lecteur la perdrait ; {RESAVE}",
                line=self.row,
            )
        # openpyxl pads each row to the declared width, or to the column of its last cell.
        if self.width is None:
            self.produced += self.column
        elif not self.order_broken:
            self.produced = min(self.row, self.height or self.row) * self.width
        if self.produced > self.limits.cells:
            raise _refuse(
                f"la feuille fait lire plus de {_grouped(self.limits.cells)} cellules "
                "(lignes × colonnes) : trop pour un import",
                line=self.row,
            )

    def _dimension(self, reference: str | None) -> None:
        """The declared dimension: openpyxl pads every row to its width, and drops what lies
        beyond its last row or column."""
        from openpyxl.utils.cell import range_boundaries

        self.dimension = reference or "?"
        try:
            _, _, width, height = range_boundaries(reference or "")
        except (ValueError, TypeError, KeyError):
            raise _refuse(
                f"dimension de feuille illisible {quoted(self.dimension, 30)} : {RESAVE}"
            ) from None
        self.width, self.height = width, height
        if (height or 0) > self.limits.rows or (width or 0) > self.limits.columns:
            raise _refuse(
                f"la feuille déclare la dimension {quoted(self.dimension, 30)}, au-delà de "
                f"{_grouped(self.limits.rows)} lignes ou {_grouped(self.limits.columns)} "
                "colonnes : trop pour un import"
            )

    # -- cells --

    def _start_cell(self, depth: int, attributes: dict[str, str]) -> None:
        reference = attributes.get("r")
        if reference:
            letters = reference.rstrip(DIGITS)
            column = column_number(letters) if len(letters) < len(reference) else None
            if column is None:
                raise _refuse(
                    f"référence de cellule illisible {quoted(reference, 20)} : {RESAVE}",
                    line=self.row,
                )
        else:
            column = self.column + 1
        self.column = column
        self.cell_depth = depth
        self.kind = attributes.get("t", "n")
        self.value_parts, self.value_depth, self.chars, self.formula = None, 0, 0, False
        if column > self.columns:
            raise self._cell_refusal(
                f"au-delà de {_grouped(self.columns)} colonnes (la limite d'Excel)"
            )
        if column <= self.last_column:
            raise self._cell_refusal(
                f"cellule en double ou dans le désordre : un lecteur la perdrait ; {RESAVE}"
            )
        self.last_column = column
        style = attributes.get("s")
        if style:
            try:
                int(style)
            except ValueError:
                raise self._cell_refusal(f"style illisible {quoted(style, 20)}") from None

    def _end_cell(self) -> None:
        value = "".join(self.value_parts) if self.value_parts else ""
        if value or (self.kind == "inlineStr" and self.chars):
            self._check_value(value)
            self._count_text(value)
            if self.width is not None and self.column > self.width:
                raise self._cell_refusal(
                    f"hors de la dimension que la feuille déclare ({quoted(self.dimension, 30)})"
                    f" : un lecteur la perdrait ; {RESAVE}"
                )
            self.holds_value = True
        elif self.formula and self.kind != "str" and self.kind != "inlineStr":
            self._formula_without_value()

    def _count_text(self, value: str) -> None:
        if self.kind == "s":
            self.text += self.lengths[int(value)] if self.lengths is not None else 0
        elif self.kind == "inlineStr":
            self.text += self.chars
        else:
            self.text += len(value)
        if self.text > self.limits.text_chars:
            raise _refuse(
                f"le classeur contient plus de {_grouped(self.limits.text_chars)} caractères : "
                "trop pour un import",
                line=self.row,
            )

    def _check_value(self, value: str) -> None:
        """Refuse what openpyxl's ``parse_cell`` would raise on, or read wrongly."""
        kind = self.kind
        try:
            if kind == "n":
                _cast_number(value)
            elif kind == "s":
                if not 0 <= int(value) < self.shared_strings:
                    raise self._cell_refusal(
                        "renvoie à un texte partagé qui n'existe pas", quoted(value, 20)
                    )
            elif kind == "b":
                int(value)
            elif kind == "d":
                _iso_date(value)
        except (ValueError, TypeError, OverflowError):
            raise self._cell_refusal(
                f"valeur illisible pour le type « {quoted(kind, 10)} »", quoted(value)
            ) from None

    def _reference(self) -> str:
        return f"{column_letters(self.column)}{self.row}"

    def _formula_without_value(self) -> None:
        self.formulas_total += 1
        if len(self.formulas) < self.limits.formulas_reported:
            self.formulas.append(
                Problem(
                    self.row,
                    None,
                    None,
                    f"cellule {self._reference()} : formule sans valeur calculée ; {RESAVE}",
                )
            )

    def _cell_refusal(self, message: str, value: str | None = None) -> _Refused:
        return _refuse(f"cellule {self._reference()} : {message}", line=self.row, value=value)

    def formula_problems(self) -> list[Problem]:
        problems = list(self.formulas)
        others = self.formulas_total - len(problems)
        if others > 0:
            problems.append(
                Problem(
                    None,
                    None,
                    None,
                    f"… et {_grouped(others)} autres cellules avec une formule sans valeur "
                    "calculée",
                )
            )
        return problems


# -- the whole check ----------------------------------------------------------------------------

# What zipfile, zlib and struct raise on a damaged archive: a refusal, never a traceback.
_DAMAGED = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    NotImplementedError,
    RuntimeError,
    ValueError,
    struct.error,
    KeyError,
    IndexError,
    OverflowError,
    UnicodeError,
)


def _check(handle: IO[bytes], limits: XlsxLimits) -> list[Problem] | None:
    try:
        archive = _open_archive(handle, limits)
    except _DAMAGED as error:
        return [_damaged(error)]
    sheet: _Sheet | None = None
    try:
        with archive:
            budget = _Budget(limits)
            layout = _locate(archive, budget, limits)
            count, lengths = 0, None
            if layout.shared_strings is not None:
                strings = _SharedStrings(layout.shared_strings, limits)
                _scan(budget, archive, strings, limits.sheet_bytes)
                count, lengths = strings.count, strings.lengths
                layout.read.add(layout.shared_strings)
            sheet = _Sheet(layout.first_sheet, limits, count, first=True, lengths=lengths)
            _scan(budget, archive, sheet, limits.sheet_bytes)
            layout.read.add(layout.first_sheet)
            _check_other_parts(archive, budget, layout, limits, count)
    except _Refused as refused:
        return (sheet.formula_problems() if sheet else []) + refused.problems
    except _DAMAGED as error:
        return (sheet.formula_problems() if sheet else []) + [_damaged(error)]
    return (sheet.formula_problems() or None) if sheet else None


def _check_other_parts(
    archive: zipfile.ZipFile, budget: _Budget, layout: _Layout, limits: XlsxLimits, count: int
) -> None:
    for member in archive.infolist():
        name = member.filename
        if name in layout.read or name.endswith("/"):
            continue
        xml: _Xml | None = None
        limit = limits.part_bytes
        if name in layout.worksheets:
            xml = _Sheet(name, limits, count, first=False)
            limit = limits.sheet_bytes
        elif name.endswith((".xml", ".rels")):
            xml = _Xml(name, limits, required=False)
        if xml is None:
            _count(budget, archive, name, limit)
        else:
            _scan(budget, archive, xml, limit)


def _damaged(error: BaseException) -> Problem:
    detail = quoted(str(error) or type(error).__name__, 60)
    return Problem(None, None, None, f"classeur XLSX endommagé ({detail}) : {RESAVE}")
