"""XLSX files built part by part, hostile ones included, streamed into the zip.

A part is given as bytes or as an iterable of byte chunks, written through ``ZipFile.open(...,
"w")``: a part of gigabytes is never held in memory, only compressed. The benchmark
(``bench/hostile.py``) builds the same files at full size.
"""

from __future__ import annotations

import random
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, TypeVar

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_TYPE = f"{RELATIONSHIPS}/worksheet"
STRINGS_TYPE = f"{RELATIONSHIPS}/sharedStrings"
XML = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

Part = bytes | Iterable[bytes]
Target = TypeVar("Target", Path, BinaryIO)


def content_types(shared_strings: bool = False, extra: str = "") -> bytes:
    strings = (
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        if shared_strings
        else ""
    )
    return (
        XML
        + (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/data.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            f"{strings}{extra}</Types>"
        ).encode()
    )


def package_rels() -> bytes:
    return (
        XML
        + (
            f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" '
            f'Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ).encode()
    )


def workbook(sheets: Iterable[tuple[str, str]] = (("Données", "rId1"),)) -> bytes:
    entries = "".join(
        f'<sheet name="{name}" sheetId="{number}" r:id="{rid}"/>'
        for number, (name, rid) in enumerate(sheets, start=1)
    )
    return (
        XML
        + (
            f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><sheets>{entries}</sheets></workbook>'
        ).encode()
    )


def workbook_rels(targets: Iterable[tuple[str, str, str]] | None = None) -> bytes:
    """(Id, Type, Target) of the workbook's relationships; by default the one sheet, at a
    name that is not ``sheet1.xml``, and the shared strings."""
    if targets is None:
        targets = [
            ("rId1", SHEET_TYPE, "worksheets/data.xml"),
            ("rId2", STRINGS_TYPE, "sharedStrings.xml"),
        ]
    entries = "".join(
        f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"/>'
        for rid, kind, target in targets
    )
    return XML + f'<Relationships xmlns="{PACKAGE}">{entries}</Relationships>'.encode()


def sheet(rows: Part, dimension: str | None = None, before: bytes = b"") -> Iterator[bytes]:
    """A worksheet around ``rows`` (the XML of the ``<row>`` elements)."""
    yield XML + f'<worksheet xmlns="{MAIN}">'.encode()
    if dimension:
        yield f'<dimension ref="{dimension}"/>'.encode()
    yield before + b"<sheetData>"
    yield from ([rows] if isinstance(rows, bytes) else rows)
    yield b"</sheetData></worksheet>"


def shared_strings(texts: Iterable[str]) -> bytes:
    items = list(texts)
    body = "".join(f"<si><t>{text}</t></si>" for text in items)
    return (
        XML
        + (
            f'<sst xmlns="{MAIN}" count="{len(items)}" uniqueCount="{len(items)}">{body}</sst>'
        ).encode()
    )


def write_parts(path: Target, parts: dict[str, Part], compresslevel: int = 6) -> Target:
    with zipfile.ZipFile(
        path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel
    ) as archive:
        for name, content in parts.items():
            with archive.open(name, "w", force_zip64=True) as out:
                for chunk in [content] if isinstance(content, bytes) else content:
                    out.write(chunk)
    return path


def write_workbook(
    path: Target,
    rows: Part,
    strings: Iterable[str] | None = None,
    dimension: str | None = None,
    extra: dict[str, Part] | None = None,
) -> Target:
    """A minimal workbook openpyxl reads: one sheet at ``xl/worksheets/data.xml``."""
    parts: dict[str, Part] = {
        "[Content_Types].xml": content_types(shared_strings=strings is not None),
        "_rels/.rels": package_rels(),
        "xl/workbook.xml": workbook(),
        "xl/_rels/workbook.xml.rels": workbook_rels(),
        "xl/worksheets/data.xml": sheet(rows, dimension),
    }
    if strings is not None:
        parts["xl/sharedStrings.xml"] = shared_strings(strings)
    parts.update(extra or {})
    return write_parts(path, parts)


def inline(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


def repeated(unit: bytes, total: int, chunk: int = 1 << 20) -> Iterator[bytes]:
    """``total`` bytes of ``unit`` repeated, a megabyte at a time."""
    block = unit * max(1, chunk // len(unit))
    left = total
    while left > 0:
        piece = block[:left]
        yield piece
        left -= len(piece)


# -- hostile files ------------------------------------------------------------------------------


def huge_cell(path: Path, characters: int) -> Path:
    """A header and one inline string cell of ``characters`` letters: a thousandth of its size
    once compressed."""
    cell = [b'<row r="2"><c r="A2" t="inlineStr"><is><t>', *repeated(b"A", characters)]
    rows = [f'<row r="1">{inline("A1", "nom")}</row>'.encode(), *cell, b"</t></is></c></row>"]
    return write_workbook(path, rows)


def many_rows(path: Path, count: int, marks: int | None = None) -> Path:
    """``count`` rows of one small number each, without ``r`` (openpyxl counts them): the
    numbers cycle, or are random marks in ``range(marks)`` (a bigger file, as real data)."""
    draw = random.Random(2026).randrange

    def rows() -> Iterator[bytes]:
        yield f'<row r="1">{inline("A1", "note")}</row>'.encode()
        batch = []
        for number in range(count):
            value = number % 97 if marks is None else draw(marks)
            batch.append(b"<row><c><v>%d</v></c></row>" % value)
            if len(batch) == 10_000:
                yield b"".join(batch)
                batch = []
        yield b"".join(batch)

    return write_workbook(path, rows())


def zip_bomb(path: Path, size: int, member: str = "xl/styles.xml") -> Path:
    """A valid workbook with ``member`` (read whole by openpyxl) holding ``size`` bytes of
    spaces, inside valid XML: a thousandth of that once compressed."""
    bomb = [
        XML + f'<styleSheet xmlns="{MAIN}">'.encode(),
        *repeated(b" ", size),
        b"</styleSheet>",
    ]
    rows = f'<row r="1">{inline("A1", "nom")}</row>'.encode()
    return write_workbook(path, rows, extra={member: bomb})


def entity_bomb(path: Path) -> Path:
    """The « billion laughs »: ten levels of ten references, in the worksheet."""
    levels = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">' for level in range(1, 10)
    ]
    head = f"<!DOCTYPE worksheet [{''.join(levels)}]>"
    body = (
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is>'
        "<t>&lol9;</t></is></c></row></sheetData></worksheet>"
    )
    parts: dict[str, Part] = {
        "[Content_Types].xml": content_types(),
        "_rels/.rels": package_rels(),
        "xl/workbook.xml": workbook(),
        "xl/_rels/workbook.xml.rels": workbook_rels(),
        "xl/worksheets/data.xml": XML + (head + body).encode(),
    }
    return write_parts(path, parts)


def formula_without_value(path: Path) -> Path:
    """Cell C7 holds a formula and no cached value, as some converters write it."""
    rows = (
        f'<row r="1">{inline("A1", "a")}{inline("B1", "b")}{inline("C1", "somme")}</row>'
        '<row r="7"><c r="A7"><v>1</v></c><c r="B7"><v>2</v></c>'
        '<c r="C7"><f>A7+B7</f></c></row>'
    ).encode()
    return write_workbook(path, rows)


def repeated_shared_string(path: Path, count: int, characters: int = 32_767) -> Path:
    """``count`` rows all showing one shared string of ``characters`` letters: each cell is
    within Excel's limits, the file is small, but a reader copying every cell's text into a
    table holds ``count × characters`` characters."""

    def rows() -> Iterator[bytes]:
        yield f'<row r="1">{inline("A1", "nom")}</row>'.encode()
        for start in range(0, count, 10_000):
            yield b'<row><c t="s"><v>0</v></c></row>' * min(10_000, count - start)

    return write_workbook(path, rows(), strings=["A" * characters])
