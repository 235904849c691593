"""Checking an XLSX file before any parser touches it: hostile files built here, refused fast."""

from __future__ import annotations

import datetime as dt
import io
import resource
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from certif.imports.reading import FileRejected, Problem, read_table
from certif.imports.xlsx_bounds import (
    XlsxLimits,
    check_xlsx,
    column_letters,
    column_number,
    ensure_xlsx_within_bounds,
)
from tests.imports import xlsx_samples as samples
from tests.support.files import write_xlsx

RESAVE = "ouvrez le fichier dans Excel et enregistrez-le"


def messages(problems: list[Problem] | None) -> list[str]:
    return [problem.describe() for problem in problems or []]


def refused(path: Path | io.BytesIO, limits: XlsxLimits | None = None) -> str:
    problems = check_xlsx(path, limits or XlsxLimits())
    assert problems, "the file should have been refused"
    return "\n".join(messages(problems))


def grown_mb(before: int) -> float:
    return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024


def rows_xml(*rows: str) -> bytes:
    return "".join(rows).encode()


# -- files that pass ----------------------------------------------------------------------------


def test_a_normal_openpyxl_file_passes_and_reads_as_before(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "candidats.xlsx",
        ["numero", "nom_naissance", "prenoms", "date_naissance", "present", "note"],
        [
            ["000123", "GUÉRIN", "Élodie", dt.date(1990, 5, 17), True, 14.5],
            ["000124", "LEFÈVRE", "Zoé", dt.datetime(1985, 1, 2, 0, 0), False, -3],
            ["000125", "D'ARTOIS-LÉGER", "", None, None, 1e20],
        ],
    )
    assert check_xlsx(path) is None
    ensure_xlsx_within_bounds(path)
    assert read_table(path).height == 3


def test_a_bigger_workbook_with_shared_strings_several_sheets_and_merges_passes(
    tmp_path: Path,
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["candidat", "bloc", "valeur"])
    for number in range(3_000):
        sheet.append([f"C{number:06}", f"B{number % 4}", number % 21])
    sheet.merge_cells("E1:F2")
    sheet["E1"] = "fusion"
    other = workbook.create_sheet("Autre")
    other["A1"] = "=1/0"  # a formula without value, on a sheet the import does not read
    path = tmp_path / "notes.xlsx"
    workbook.save(path)
    assert check_xlsx(path) is None


def test_the_first_sheet_is_found_through_the_workbook_and_its_relationships(
    tmp_path: Path,
) -> None:
    """Not ``sheet1.xml``: the first ``<sheet>`` whose relationship is a worksheet."""
    good = samples.sheet(rows_xml('<row r="1"><c r="A1"><v>1</v></c></row>'))
    formula = samples.sheet(rows_xml('<row r="3"><c r="B3"><f>1+1</f></c></row>'))
    rels = samples.workbook_rels(
        [
            ("rIdChart", f"{samples.RELATIONSHIPS}/chartsheet", "chartsheets/sheet1.xml"),
            ("rId7", samples.SHEET_TYPE, "worksheets/sheet2.xml"),
            ("rId3", samples.SHEET_TYPE, "/xl/worksheets/sheet1.xml"),
        ]
    )
    path = samples.write_parts(
        tmp_path / "ordre.xlsx",
        {
            "[Content_Types].xml": samples.content_types(),
            "_rels/.rels": samples.package_rels(),
            "xl/workbook.xml": samples.workbook(
                [("Graphique", "rIdChart"), ("Notes", "rId7"), ("Brouillon", "rId3")]
            ),
            "xl/_rels/workbook.xml.rels": rels,
            "chartsheets/sheet1.xml": b"<chartsheet/>",
            "xl/worksheets/sheet1.xml": good,
            "xl/worksheets/sheet2.xml": formula,
        },
    )
    assert messages(check_xlsx(path)) == [
        f"ligne 3 : cellule B3 : formule sans valeur calculée ; {RESAVE}"
    ]


# -- hostile files ------------------------------------------------------------------------------


def test_a_huge_inline_cell_is_refused_fast_in_little_memory(tmp_path: Path) -> None:
    path = samples.huge_cell(tmp_path / "huge.xlsx", 200_000_000)
    assert path.stat().st_size < 400_000  # 200 MB of text in a file of a few hundred KB
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    message = refused(path)
    assert time.perf_counter() - started < 1
    assert grown_mb(before) < 20
    assert message.startswith("ligne 2, valeur « AAAA")
    assert "cellule A2 : texte de plus de 32\u202f767 caractères (la limite d'Excel)" in message


def test_three_million_rows_are_refused_at_excels_limit(tmp_path: Path) -> None:
    path = samples.many_rows(tmp_path / "rows.xlsx", 3_000_000)
    assert path.stat().st_size < 2_000_000
    started = time.perf_counter()
    message = refused(path)
    assert time.perf_counter() - started < 30
    assert message == (
        "ligne 1048577 : la feuille xl/worksheets/data.xml compte plus de 1\u202f048\u202f576 lignes "
        "(la limite d'Excel)"
    )


def test_a_row_limit_can_be_chosen(tmp_path: Path) -> None:
    path = samples.many_rows(tmp_path / "rows.xlsx", 10)
    assert check_xlsx(path, XlsxLimits(rows=11)) is None
    assert "plus de 10 lignes" in refused(path, XlsxLimits(rows=10))


def test_a_zip_bomb_is_refused_on_its_actual_size(tmp_path: Path) -> None:
    path = samples.zip_bomb(tmp_path / "bomb.xlsx", 300_000_000)
    assert path.stat().st_size < 1_000_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    message = refused(path)
    assert time.perf_counter() - started < 2
    assert grown_mb(before) < 20
    assert message == (
        "la partie xl/styles.xml dépasse 32 Mo une fois décompressée : trop pour un classeur "
        "(archive piégée ?)"
    )


def test_a_header_that_understates_the_size_lets_no_bomb_through(tmp_path: Path) -> None:
    """zipfile stops at the declared size and then finds the checksum wrong: damaged."""
    path = samples.zip_bomb(tmp_path / "bomb.xlsx", 40_000_000)
    data = bytearray(path.read_bytes())
    # Rewrite every declared uncompressed size to 1 KiB, as a hostile archive may.
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        for info in archive.infolist():
            local = info.header_offset
            data[local + 22 : local + 26] = (1024).to_bytes(4, "little")
    directory = data.rfind(b"PK\x01\x02")
    while directory != -1:
        data[directory + 24 : directory + 28] = (1024).to_bytes(4, "little")
        directory = data.rfind(b"PK\x01\x02", 0, directory)
    started = time.perf_counter()
    assert "classeur XLSX endommagé (Bad CRC-32 for file 'xl/styles.xml')" in refused(
        io.BytesIO(bytes(data))
    )
    assert time.perf_counter() - started < 1


def test_the_total_decompressed_size_is_bounded(tmp_path: Path) -> None:
    extra: dict[str, samples.Part] = {f"xl/media/image{n}.bin": b"\0" * 300_000 for n in range(5)}
    path = samples.write_workbook(tmp_path / "many.xlsx", b"", extra=extra)
    limits = XlsxLimits(total_bytes=1_000_000)
    assert "le classeur dépasse 1\u202f048\u202f576" not in refused(path, limits)
    assert "une fois décompressé : trop pour un import" in refused(path, limits)


def test_a_formula_without_cached_value_is_named_by_its_cell(tmp_path: Path) -> None:
    path = samples.formula_without_value(tmp_path / "formule.xlsx")
    assert messages(check_xlsx(path)) == [
        f"ligne 7 : cellule C7 : formule sans valeur calculée ; {RESAVE}"
    ]


def test_openpyxls_own_formulas_have_no_value_either(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["a", "b", "total"])
    sheet.append([1, 2, "=A2+B2"])
    path = tmp_path / "openpyxl.xlsx"
    workbook.save(path)
    assert messages(check_xlsx(path)) == [
        f"ligne 2 : cellule C2 : formule sans valeur calculée ; {RESAVE}"
    ]


def test_formulas_with_a_cached_value_pass(tmp_path: Path) -> None:
    rows = rows_xml(
        '<row r="1"><c r="A1"><f>1+1</f><v>2</v></c>',
        '<c r="B1" t="str"><f>""</f><v></v></c>',  # a formula whose result is empty text
        '<c r="C1" t="b"><f>TRUE()</f><v>1</v></c></row>',
    )
    assert check_xlsx(samples.write_workbook(tmp_path / "ok.xlsx", rows)) is None


def test_many_formulas_without_value_are_counted_not_all_listed(tmp_path: Path) -> None:
    cells = "".join(f'<row r="{n}"><c r="A{n}"><f>1</f></c></row>' for n in range(1, 501))
    problems = check_xlsx(samples.write_workbook(tmp_path / "f.xlsx", cells.encode()))
    assert problems is not None
    assert len(problems) == 21
    assert problems[-1].message == "… et 480 autres cellules avec une formule sans valeur calculée"


def test_an_entity_bomb_is_refused_before_any_expansion(tmp_path: Path) -> None:
    message = refused(samples.entity_bomb(tmp_path / "lol.xlsx"))
    assert message == (
        "la partie xl/worksheets/data.xml déclare une DTD : interdit dans un classeur "
        "(entités XML piégées)"
    )


def test_a_dtd_in_any_part_is_refused(tmp_path: Path) -> None:
    external = b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "file:///etc/passwd"><styleSheet/>'
    path = samples.write_workbook(
        tmp_path / "xxe.xlsx", b"", extra={"docProps/custom.xml": external}
    )
    assert "la partie docProps/custom.xml déclare une DTD" in refused(path)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            b"numero;nom\n1;DUPONT\n",
            "ce fichier n'est pas un classeur XLSX (ce n'est pas une archive zip)",
        ),
        (b"", "ce fichier n'est pas un classeur XLSX"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
            "classeur Excel 97-2003 (.xls) ou un classeur protégé par un mot de passe",
        ),
        (b"PK\x03\x04" + b"\0" * 100, "ce fichier n'est pas un classeur XLSX"),
    ],
)
def test_what_is_not_a_zip_is_named(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "renomme.xlsx"
    path.write_bytes(content)
    assert expected in refused(path)


def test_a_truncated_archive_is_damaged_not_a_traceback(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "f.xlsx", ["a"], [[1]] * 100)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2] + data[-22:])
    assert "classeur XLSX endommagé" in refused(path) or "n'est pas" in refused(path)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    assert "fichier introuvable" in refused(tmp_path / "absent.xlsx")  # type: ignore[arg-type]


def test_too_many_members_are_refused_before_zipfile_lists_them(tmp_path: Path) -> None:
    extra: dict[str, samples.Part] = {f"x/{n}.bin": b"" for n in range(1_200)}
    path = samples.write_workbook(tmp_path / "many.xlsx", b"", extra=extra)
    assert "l'archive compte 1\u202f205 parties : trop pour un classeur" in refused(path)


def test_archive_oddities_are_refused(tmp_path: Path) -> None:
    path = samples.write_workbook(tmp_path / "bz.xlsx", b"")
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_BZIP2) as archive:
        archive.writestr("xl/extra.xml", b"<a/>")
    assert "compressée par une méthode qu'Excel n'emploie pas (n° 12)" in refused(path)
    path = samples.write_workbook(tmp_path / "double.xlsx", b"")
    with (
        pytest.warns(UserWarning, match="Duplicate name"),
        zipfile.ZipFile(path, "a") as archive,
    ):
        archive.writestr("xl/workbook.xml", samples.workbook())
    assert "l'archive contient deux fois la partie xl/workbook.xml" in refused(path)


def test_a_declared_width_padding_millions_of_cells_is_refused(tmp_path: Path) -> None:
    """openpyxl pads each row to the declared width: 16,384 columns, a thousand rows."""
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>1</v></c></row>' for n in range(1, 2_001))
    wide = samples.write_workbook(tmp_path / "dim.xlsx", rows.encode(), dimension="A1:XFD2000")
    assert refused(wide) == (
        "ligne 1025 : la feuille fait lire plus de 16\u202f777\u202f216 cellules "
        "(lignes × colonnes) : trop pour un import"
    )
    one = rows_xml('<row r="2"><c r="A2"><v>1</v></c></row>')
    two_rows = samples.write_workbook(tmp_path / "two.xlsx", one, dimension="A1:XFD1048576")
    assert check_xlsx(two_rows) is None  # 2 rows of 16,384 cells: cheap
    gap = samples.write_workbook(
        tmp_path / "gap.xlsx",
        rows_xml(
            '<row r="1"><c r="A1"><v>1</v></c></row>',
            '<row r="5000"><c r="A5000"><v>1</v></c></row>',
        ),
        dimension="A1:XFD5000",
    )
    assert "ligne 5000 : la feuille fait lire plus de" in refused(gap)  # missing rows padded too
    beyond = samples.write_workbook(tmp_path / "beyond.xlsx", b"", dimension="A1:XFE1")
    assert "déclare la dimension A1:XFE1, au-delà de 1\u202f048\u202f576 lignes" in refused(beyond)


def test_rows_openpyxl_would_drop_silently_are_refused(tmp_path: Path) -> None:
    outside = samples.write_workbook(
        tmp_path / "dim.xlsx",
        rows_xml(
            '<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>',
            '<row r="3"><c r="A3"><v>3</v></c></row>',
        ),
        dimension="A1:A2",
    )
    assert refused(outside).startswith(
        "ligne 3 : ligne hors de la dimension que la feuille déclare"
    )
    twice = samples.write_workbook(
        tmp_path / "twice.xlsx",
        rows_xml(
            '<row r="2"><c r="A2"><v>1</v></c></row>', '<row r="2"><c r="A2"><v>2</v></c></row>'
        ),
    )
    assert "ligne en double, dans le désordre ou mal numérotée (2)" in refused(twice)
    cells = samples.write_workbook(
        tmp_path / "cells.xlsx",
        rows_xml('<row r="1"><c r="B1"><v>1</v></c><c r="A1"><v>2</v></c></row>'),
    )
    assert "cellule A1 : cellule en double ou dans le désordre" in refused(cells)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (
            '<c r="A1"><v>1,5</v></c>',
            "valeur « 1,5 » : cellule A1 : valeur illisible pour le type « n »",
        ),
        (
            '<c r="A1" t="s"><v>3</v></c>',
            "cellule A1 : renvoie à un texte partagé qui n'existe pas",
        ),
        (
            '<c r="A1" t="s"><v>-1</v></c>',
            "cellule A1 : renvoie à un texte partagé qui n'existe pas",
        ),
        ('<c r="A1" t="b"><v>vrai</v></c>', "valeur illisible pour le type « b »"),
        ('<c r="A1" t="d"><v>hier</v></c>', "valeur illisible pour le type « d »"),
        ('<c r="A1" s="gras"><v>1</v></c>', "cellule A1 : style illisible gras"),
        ('<c r="1A"><v>1</v></c>', "référence de cellule illisible 1A"),
        ('<c r="A1"><v>' + "9" * 5_000 + "</v></c>", "valeur illisible pour le type « n »"),
        ('<c r="XFE1"><v>1</v></c>', "cellule XFE1 : au-delà de 16\u202f384 colonnes"),
        ('<c r="A1"><f>' + "1+" * 5_000 + "1</f><v>1</v></c>", "formule de plus de 8\u202f192"),
        ('<c r="A1"><v>1<b/></v></c>', "cellule A1 : valeur mal formée"),
    ],
)
def test_values_openpyxl_would_raise_on_are_refused_by_cell(
    tmp_path: Path, cell: str, expected: str
) -> None:
    path = samples.write_workbook(
        tmp_path / "v.xlsx", f'<row r="1">{cell}</row>'.encode(), strings=["x", "y", "z"]
    )
    assert expected in refused(path)


@pytest.mark.parametrize("encoding", ["x-inconnu", "UTF-32", "Shift_JIS"])
def test_an_encoding_expat_cannot_use_is_malformed_xml(tmp_path: Path, encoding: str) -> None:
    declared = f'<?xml version="1.0" encoding="{encoding}"?><workbook/>'.encode()
    path = samples.write_workbook(tmp_path / "e.xlsx", b"", extra={"xl/workbook.xml": declared})
    assert "la partie xl/workbook.xml n'est pas du XML valide" in refused(path)


def test_an_unreadable_row_number_is_refused(tmp_path: Path) -> None:
    path = samples.write_workbook(tmp_path / "r.xlsx", b'<row r="2.5"><c><v>1</v></c></row>')
    assert f"numéro de ligne illisible 2.5 : {RESAVE}" in refused(path)


def test_a_giant_attribute_is_refused_before_expat_holds_it(tmp_path: Path) -> None:
    rows = [b'<row r="1"><c r="A1" s="', *samples.repeated(b"1", 100_000_000), b'"/></row>']
    path = samples.write_workbook(tmp_path / "attr.xlsx", rows)
    started = time.perf_counter()
    assert "contient une balise ou un attribut de plus de 1 Mo" in refused(path)
    assert time.perf_counter() - started < 2


def test_elements_piling_up_outside_the_rows_are_refused(tmp_path: Path) -> None:
    junk = b"".join(samples.repeated(b"<x/>", 4_000_000))
    parts: dict[str, samples.Part] = {
        "[Content_Types].xml": samples.content_types(),
        "_rels/.rels": samples.package_rels(),
        "xl/workbook.xml": samples.workbook(),
        "xl/_rels/workbook.xml.rels": samples.workbook_rels(),
        "xl/worksheets/data.xml": samples.sheet(b"", before=junk),
    }
    path = samples.write_parts(tmp_path / "junk.xlsx", parts)
    assert "compte plus de 262\u202f144 éléments ou de 16 Mo hors de ses lignes" in refused(path)


def test_a_row_holding_too_much_is_refused(tmp_path: Path) -> None:
    cells = b"".join(samples.repeated(b"<x/>", 2_000_000))
    path = samples.write_workbook(
        tmp_path / "row.xlsx", [b'<row r="1"><c r="A1">', cells, b"</c></row>"]
    )
    assert "ligne n° 1 de la partie xl/worksheets/data.xml compte plus de 262\u202f144" in refused(
        path
    )


def test_shared_strings_are_bounded(tmp_path: Path) -> None:
    many = samples.write_workbook(tmp_path / "many.xlsx", b"", strings=[str(n) for n in range(50)])
    assert "plus de 40 textes différents" in refused(many, XlsxLimits(shared_strings=40))
    long = samples.write_workbook(tmp_path / "long.xlsx", b"", strings=["a" * 40_000])
    assert "le texte partagé n° 1 dépasse 32\u202f767 caractères" in refused(long)
    total = samples.write_workbook(tmp_path / "total.xlsx", b"", strings=["a" * 30_000] * 5)
    assert "dépassent 100\u202f000 caractères en tout" in refused(
        total, XlsxLimits(shared_string_chars=100_000)
    )


def test_the_shared_strings_part_is_the_one_the_content_types_name(tmp_path: Path) -> None:
    path = samples.write_workbook(
        tmp_path / "s.xlsx", b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>', strings=["x"]
    )
    assert check_xlsx(path) is None
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    del parts["xl/sharedStrings.xml"]
    samples.write_parts(path, dict(parts))
    assert "la partie des textes partagés xl/sharedStrings.xml manque" in refused(path)


def test_a_workbook_without_worksheet_is_refused(tmp_path: Path) -> None:
    path = samples.write_parts(
        tmp_path / "vide.xlsx",
        {
            "[Content_Types].xml": samples.content_types(),
            "xl/workbook.xml": samples.workbook([]),
            "xl/_rels/workbook.xml.rels": samples.workbook_rels([]),
        },
    )
    assert "le classeur n'a aucune feuille de calcul" in refused(path)


def test_ensure_raises_file_rejected(tmp_path: Path) -> None:
    path = samples.formula_without_value(tmp_path / "f.xlsx")
    with pytest.raises(FileRejected, match="ligne 7 : cellule C7 : formule sans valeur"):
        ensure_xlsx_within_bounds(path)


def test_column_names_and_numbers() -> None:
    assert [column_letters(n) for n in (1, 26, 27, 702, 703, 16_384)] == [
        "A",
        "Z",
        "AA",
        "ZZ",
        "AAA",
        "XFD",
    ]
    assert [column_number(x) for x in ("A", "xfd", "ZZZ", "AAAA", "A1", "")] == [
        1,
        16_384,
        18_278,
        None,
        None,
        None,
    ]


# -- fuzz: nothing but problems or None, whatever the bytes ------------------------------------


def _valid_workbook() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["numero", "nom", "note", "date"])
    for number in range(30):
        sheet.append(
            [f"{number:06}", f"Élodie {number}", number / 3, dt.date(2000, 1, 1 + number % 28)]
        )
    sheet["F2"] = "=C2*2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


VALID = _valid_workbook()


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _excel_like() -> dict[str, bytes]:
    """Shared strings and a dimension, as Excel writes (openpyxl writes inline strings)."""
    rows = "".join(
        f'<row r="{n}" spans="1:3"><c r="A{n}" t="s"><v>{n % 3}</v></c>'
        f'<c r="B{n}" s="1"><v>{n}.5</v></c><c r="C{n}" t="b"><v>1</v></c></row>'
        for n in range(1, 20)
    )
    buffer = io.BytesIO()
    samples.write_workbook(
        buffer, rows.encode(), strings=["un", "deux", "trois"], dimension="A1:C19"
    )
    return _parts(buffer.getvalue())


BASES = {"openpyxl": _parts(VALID), "excel": _excel_like()}
PARTS = [(base, name) for base, parts in BASES.items() for name in sorted(parts)]


def _rezip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _mutate(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    """Each edit replaces ``length`` bytes at ``position`` (modulo the size) by ``insert``."""
    result = bytearray(data)
    for position, length, insert in edits:
        at = position % (len(result) + 1)
        result[at : at + length] = insert
    return bytes(result)


edits = st.lists(
    st.tuples(
        st.integers(0, 1 << 20),
        st.integers(0, 8),
        st.one_of(
            st.binary(max_size=6),
            st.sampled_from(
                [
                    b"<",
                    b">",
                    b"/>",
                    b'"',
                    b"<!DOCTYPE x>",
                    b"<row>",
                    b"</row>",
                    b"<c>",
                    b"<f>1</f>",
                    b"<v>",
                    b"</v>",
                    b'r="A0"',
                    b'r="ZZZZ9"',
                    b"&amp;",
                    b"&x;",
                    b"\x00",
                    b"\xff",
                    b"UTF-16",
                    b'encoding="x"',
                    b'<dimension ref="A1:B2"/>',
                    b't="s"',
                    b't="d"',
                    b"<si>",
                ]
            ),
        ),
    ),
    min_size=1,
    max_size=6,
)


def _never_raises(data: bytes) -> None:
    problems = check_xlsx(io.BytesIO(data), XlsxLimits(rows=200, token_bytes=4096))
    assert problems is None or (problems and all(isinstance(p, Problem) for p in problems))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3_000))
def test_fuzz_random_bytes(data: bytes) -> None:
    _never_raises(data)
    _never_raises(b"PK\x03\x04" + data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits)
def test_fuzz_mutated_archive(changes: list[tuple[int, int, bytes]]) -> None:
    _never_raises(_mutate(VALID, changes))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(where=st.sampled_from(PARTS), changes=edits)
def test_fuzz_mutated_xml_parts(
    where: tuple[str, str], changes: list[tuple[int, int, bytes]]
) -> None:
    base, part = where
    parts = dict(BASES[base])
    parts[part] = _mutate(parts[part], changes)
    _never_raises(_rezip(parts))


def test_the_fuzz_bases_pass() -> None:
    for parts in BASES.values():
        problems = check_xlsx(io.BytesIO(_rezip(parts)))
        assert all("formule sans valeur" in p.message for p in problems or [])


def test_the_text_of_all_cells_is_bounded_a_shared_string_counted_at_each_use(
    tmp_path: Path,
) -> None:
    from tests.imports.xlsx_samples import repeated_shared_string

    path = repeated_shared_string(tmp_path / "s.xlsx", 100)
    assert check_xlsx(path) is None
    problems = check_xlsx(path, XlsxLimits(text_chars=1_000_000))
    assert problems is not None
    (problem,) = problems
    assert problem.line == 32  # the 31st row of 32,767 characters passes a million
    assert "1\u202f000\u202f000 caractères" in problem.message
