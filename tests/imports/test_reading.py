"""Reading CSV and XLSX files: separators, BOM, line numbers, every cell as typed."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from certif.imports import reading
from certif.imports.cells import restore
from certif.imports.reading import LINE, FileRejected, read_file, read_table
from tests.support.files import write_xlsx

cells = st.text(
    alphabet=st.characters(
        blacklist_categories=["Cs", "Cc"], blacklist_characters='";,\u2028\u2029\x85'
    ),
    max_size=12,
).map(str.strip)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(
    rows=st.lists(st.tuples(cells.filter(bool), cells, cells), min_size=1, max_size=20),
    separator=st.sampled_from([";", ","]),
    bom=st.booleans(),
)
@example(rows=[("'=", "", "")], separator=";", bom=False)
def test_any_csv_reads_back_cell_for_cell_with_its_line(
    tmp_path: Path, rows: list[tuple[str, str, str]], separator: str, bom: bool
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\n")
    writer.writerow(["a", "b", "c"])
    writer.writerows(rows)
    path = tmp_path / "f.csv"
    path.write_bytes((reading.BOM if bom else b"") + buffer.getvalue().encode("utf-8"))
    frame = read_table(path)
    # A cell typed as « '=x » reads as « =x », as a spreadsheet shows it (``cells.restore``).
    assert frame.select("a", "b", "c").rows() == [tuple(map(restore, row)) for row in rows]
    assert frame[LINE].to_list() == list(range(2, len(rows) + 2))


def test_blank_lines_are_skipped_and_lines_keep_their_number(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("a;b\n1;2\n\n3;4\n", encoding="utf-8")
    assert read_table(path)[LINE].to_list() == [2, 4]


def test_a_row_with_the_wrong_number_of_cells_is_named(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("a;b\n1;2\n3;4;5\n", encoding="utf-8")
    with pytest.raises(FileRejected, match="ligne 3 : 3 cellules au lieu de 2"):
        read_table(path)


def test_a_windows_1252_file_as_excel_writes_it_in_france_reads_and_says_so(
    tmp_path: Path,
) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes("a;b\n1;2\nLef\xe8vre;3 \u20ac\n".encode("cp1252"))
    table = read_file(path)
    assert table.encoding == "Windows-1252"
    assert table.frame.select("a", "b").rows() == [("1", "2"), ("Lef\xe8vre", "3 \u20ac")]


@pytest.mark.parametrize(
    ("encoded", "label"),
    [
        ("a;b\n1;é\n".encode(), "UTF-8"),
        (reading.BOM + "a;b\n1;é\n".encode(), "UTF-8 avec BOM"),
        ("\ufeffa\tb\n1\té\n".encode("utf-16-le"), "UTF-16"),
        ("\ufeffa\tb\n1\té\n".encode("utf-16-be"), "UTF-16"),
    ],
)
def test_each_accepted_encoding_is_read_and_named(
    tmp_path: Path, encoded: bytes, label: str
) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(encoded)
    table = read_file(path)
    assert table.encoding == label
    assert table.frame.select("a", "b").rows() == [("1", "é")]


def test_a_file_in_no_accepted_encoding_is_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(b"a;b\n1;2\nx\x81y;3\n")
    with pytest.raises(FileRejected, match=r"ligne 3 : .*enregistrez le fichier en CSV UTF-8"):
        read_table(path)


def test_nul_bytes_are_refused_with_their_line_before_any_database_sees_them(
    tmp_path: Path,
) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(b"a;b\n1;2\nx\x00y;3\n")
    with pytest.raises(FileRejected, match=r"ligne 3 : .*U\+0000 \(NUL\)"):
        read_table(path)


def test_a_csv_cell_over_the_csv_modules_limit_is_named_by_line_and_column(
    tmp_path: Path,
) -> None:
    path = tmp_path / "f.csv"
    path.write_text("a;b\n1;2\n3;" + "x" * 131_073 + "\n", encoding="utf-8")
    with pytest.raises(FileRejected) as refused:
        read_table(path)
    (problem,) = refused.value.problems
    assert (problem.line, problem.column) == (3, "b")
    assert "131\u202f073 caractères" in problem.message
    assert len(refused.value.describe()) < 300


def test_a_big_csv_with_an_oversize_cell_is_named_by_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    rows = "".join(f"{n};{n}\n" for n in range(reading.SMALL_FILE // 8))
    path.write_text("a;b\n" + rows + "1;" + "y" * 40_000 + "\n", encoding="utf-8")
    assert path.stat().st_size > reading.SMALL_FILE
    with pytest.raises(FileRejected) as refused:
        read_table(path)
    (problem,) = refused.value.problems
    assert problem.column == "b"
    assert problem.line == reading.SMALL_FILE // 8 + 2
    assert len(problem.describe()) < 300


def test_a_huge_cell_in_a_big_csv_is_refused_before_polars_reads_it(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("a;b\n1;2\n3;")
        for _ in range(8):
            handle.write("z" * 1_000_000)
        handle.write("\n4;5\n")
    with pytest.raises(FileRejected) as refused:
        read_table(path)
    (problem,) = refused.value.problems
    assert (problem.line, problem.column) == (3, "b")
    assert problem.value == "z" * 79 + "…"
    assert "plus de 32\u202f767 caractères" in problem.message


def test_a_big_csv_whose_header_is_one_huge_line_is_refused_at_line_1(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("h" * 3_000_000 + "\n1\n", encoding="utf-8")
    with pytest.raises(FileRejected) as refused:
        read_table(path)
    (problem,) = refused.value.problems
    assert problem.line == 1
    assert "plus de 32\u202f767 caractères" in problem.message


def test_a_tab_separated_file_is_read() -> None:
    assert reading.detect_separator("a\tb\tc") == "\t"
    assert reading.detect_separator("a;b,c") == ";"
    assert reading.detect_separator("a,b,c;d") == ","


def test_an_unknown_extension_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "f.ods"
    path.write_bytes(b"x")
    with pytest.raises(FileRejected, match="format non reconnu"):
        read_table(path)


def test_xlsx_cells_read_as_a_person_typed_them(tmp_path: Path) -> None:
    from datetime import date

    path = write_xlsx(
        tmp_path / "f.xlsx", ["a", "b", "c"], [[2.5, 12, date(1990, 3, 12)], [None, "oui", 0.75]]
    )
    frame = read_table(path)
    assert frame.select("a", "b", "c").rows() == [("2.5", "12", "1990-03-12"), ("", "oui", "0.75")]


def test_big_files_take_the_fast_reader_with_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "f.csv"
    path.write_text("a;b\n" + "".join(f"{i};x{i}\n" for i in range(1000)), encoding="utf-8")
    exact = read_table(path)
    monkeypatch.setattr(reading, "SMALL_FILE", 10)
    assert read_table(path).equals(exact)
