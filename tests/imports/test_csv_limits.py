"""A CSV cell longer than Excel's 32,767 characters is a French problem naming its line."""

from __future__ import annotations

import csv
import io

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from certif.imports.csv_limits import MAX_CELL_CHARS, oversize_cells, read_rows
from certif.imports.reading import LINE, FileRejected


def rows_of(text: str, **options: object) -> list[tuple[int, list[str]]]:
    return list(read_rows(io.StringIO(text, newline=""), ";", **options))  # type: ignore[arg-type]


def test_records_come_with_the_line_they_start_on() -> None:
    text = 'a;b\n1;"deux\nlignes"\n\n3;4\n'
    assert rows_of(text) == [(1, ["a", "b"]), (2, ["1", "deux\nlignes"]), (4, []), (5, ["3", "4"])]


def test_a_cell_at_the_limit_passes() -> None:
    assert rows_of("a;b\n1;" + "x" * MAX_CELL_CHARS + "\n")[1][1][1] == "x" * MAX_CELL_CHARS


def test_a_cell_over_the_limit_is_named_by_line_column_and_start() -> None:
    text = "nom;observation\nDUPONT;ok\nMARTIN;" + "Très long. " * 4_000 + "\n"
    with pytest.raises(FileRejected) as refused:
        rows_of(text, header=["nom", "observation"])
    (problem,) = refused.value.problems
    assert (problem.line, problem.column) == (3, "observation")
    assert problem.message == "cellule de 44\u202f000 caractères (au plus 32\u202f767, comme Excel)"
    assert problem.value is not None
    assert len(problem.value) < 120
    assert problem.value.startswith("Très long. Très long.")


def test_a_cell_over_the_csv_modules_own_limit_is_the_same_problem_not_a_traceback() -> None:
    assert csv.field_size_limit() == 131_072
    text = 'a;b\n1;2\n3;"' + "x" * 600_000 + '"\n'
    with pytest.raises(FileRejected) as refused:
        rows_of(text)
    (problem,) = refused.value.problems
    assert problem.line == 3
    assert problem.message.startswith(
        "cellule de plus de 131\u202f072 caractères (au plus 32\u202f767"
    )
    assert "guillemet jamais refermé" in problem.message


def test_an_unclosed_quote_swallowing_the_file_is_caught_by_the_limit() -> None:
    text = 'a;b\n1;"oubli\n' + "2;3\n" * 20_000
    with pytest.raises(FileRejected, match=r"ligne 2, valeur « oubli.* : cellule de 80"):
        rows_of(text)


def test_a_smaller_limit_can_be_chosen() -> None:
    with pytest.raises(FileRejected, match="au plus 10, comme Excel"):
        rows_of("a\n12345678901\n", limit=10)


@given(st.lists(st.lists(st.text(max_size=30), min_size=1, max_size=4), max_size=10))
def test_any_csv_within_the_limit_reads_as_the_csv_module_reads_it(
    rows: list[list[str]],
) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\n").writerows(rows)
    text = buffer.getvalue()
    expected = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert [row for _, row in rows_of(text)] == expected


def test_oversize_cells_of_a_frame_are_named() -> None:
    frame = pl.DataFrame(
        {
            "nom": ["DUPONT", "x" * 40_000, "MARTIN"],
            "bloc": pl.Series(["B1", "B2", "y" * 33_000], dtype=pl.Categorical),
            "note": [1, 2, 3],
            LINE: [2, 3, 4],
        }
    )
    problems, total = oversize_cells(frame)
    assert total == 2
    assert [(p.line, p.column) for p in problems] == [(3, "nom"), (4, "bloc")]
    assert (
        problems[0].message
        == "cellule de 40\u202f000 caractères (au plus 32\u202f767, comme Excel)"
    )
    assert problems[0].value == "x" * 79 + "… (40\u202f000 caractères)"
