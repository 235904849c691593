"""Hostile files and rows against both importers: refused with a French message naming the
row, the column and at most 80 characters of the value; nothing written; never a traceback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError

from certif.candidates.models import Candidate
from certif.core.errors import Refused
from certif.core.locks import Busy
from certif.domain.referential.schema import Referential
from certif.grading.models import Score, ScoreSheet
from certif.imports import scores as scores_module
from certif.imports.candidates import import_candidates
from certif.imports.exports import export
from certif.imports.guard import file_sha256, importing
from certif.imports.models import ImportBatch
from certif.imports.reading import FileRejected
from certif.imports.scores import import_scores
from certif.referential.models import ReferentialVersion
from tests.imports import xlsx_samples as samples
from tests.support.builders import score_rows
from tests.support.files import CANDIDATE_HEADER, SCORE_HEADER, write_csv

pytestmark = pytest.mark.django_db


def _refused(run: Any, path: Path) -> FileRejected:
    with pytest.raises(FileRejected) as caught:
        run(path)
    return caught.value


@pytest.mark.parametrize("character", ["\x13", "\x1f", "\x7f", "\x85", "\u2028"])
def test_a_control_character_in_a_name_is_refused_by_line_and_column(
    version: ReferentialVersion, tmp_path: Path, character: str
) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        CANDIDATE_HEADER,
        [
            ("C001", "Dupont", "Marie", "12/03/1990"),
            ("C002", f"Le{character}roux", "Ana", "1/1/1990"),
        ],
    )
    (problem,) = _refused(import_candidates, path).problems
    assert (problem.line, problem.column) == (3, "nom_naissance")
    assert f"\\u{ord(character):04x}" in (problem.value or "")
    assert f"U+{ord(character):04X}" in problem.message
    assert not Candidate.objects.exists()


def test_a_tab_is_kept_out_of_names_but_allowed_in_free_text(
    version: ReferentialVersion, tmp_path: Path
) -> None:
    header = (*CANDIDATE_HEADER, "amenagements")
    path = tmp_path / "c.csv"
    path.write_text(
        ";".join(header) + '\nC001;Dupont;Marie;12/03/1990;"Tiers temps\n\tsalle isolée"\n',
        encoding="utf-8",
    )
    assert import_candidates(path).created == 1
    assert Candidate.objects.get().accommodations == "Tiers temps\n\tsalle isolée"


def test_a_csv_with_nul_bytes_is_refused_before_any_database_sees_it(
    version: ReferentialVersion, tmp_path: Path
) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(
        b"numero;nom_naissance;prenoms;date_naissance\nC001;Du\x00pont;Marie;12/03/1990\n"
    )
    (problem,) = _refused(import_candidates, path).problems
    assert problem.line == 2
    assert "U+0000 (NUL)" in problem.message
    assert not Candidate.objects.exists()


def test_a_windows_1252_file_imports_and_the_report_names_its_encoding(
    version: ReferentialVersion, tmp_path: Path
) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(
        "numero;nom_naissance;prenoms;date_naissance\nC001;Lefèvre;Éloïse;12/03/1990\n".encode(
            "cp1252"
        )
    )
    report = import_candidates(path)
    assert report.created == 1
    assert "Fichier lu en Windows-1252" in report.lines()
    assert Candidate.objects.get().birth_name == "Lefèvre"


def test_an_oversize_csv_cell_is_named_by_line_and_column_not_a_traceback(
    ccab: Referential, candidates: list[Candidate], tmp_path: Path
) -> None:
    rows = [*score_rows(ccab, "C001", "B1", "12")]
    rows[0] = (*rows[0][:5], "9" * 200_000)
    rejected = _refused(import_scores, write_csv(tmp_path / "n.csv", SCORE_HEADER, rows))
    (problem,) = rejected.problems
    assert (problem.line, problem.column) == (2, "valeur")
    assert "200\u202f000 caractères" in problem.message
    assert len(rejected.describe()) < 300
    assert not Score.objects.exists()


def test_a_long_value_is_quoted_to_80_characters_in_every_message(
    version: ReferentialVersion, tmp_path: Path
) -> None:
    name = "N" * 5_000
    path = write_csv(tmp_path / "c.csv", CANDIDATE_HEADER, [("C001", name, "Marie", "12/03/1990")])
    (problem,) = _refused(import_candidates, path).problems
    assert problem.column == "nom_naissance"
    assert problem.value is not None
    assert problem.value.startswith("N" * 79 + "…")
    assert len(problem.describe()) < 250


def test_a_huge_inline_xlsx_cell_is_refused_before_openpyxl_reads_it(
    version: ReferentialVersion, tmp_path: Path
) -> None:
    path = samples.huge_cell(tmp_path / "c.xlsx", 5_000_000)
    rejected = _refused(import_candidates, path)
    assert "32\u202f767 caractères" in rejected.describe()
    assert len(rejected.describe()) < 400


def test_too_many_xlsx_rows_are_refused_before_parsing(
    version: ReferentialVersion, tmp_path: Path
) -> None:
    path = samples.many_rows(tmp_path / "n.xlsx", 1_048_577)
    assert "1\u202f048\u202f576 lignes" in _refused(import_scores, path).describe()


def test_a_formula_without_cached_value_is_an_error_naming_its_cell(
    version: ReferentialVersion, tmp_path: Path
) -> None:
    path = samples.formula_without_value(tmp_path / "f.xlsx")
    description = _refused(import_candidates, path).describe()
    assert "formule sans valeur calculée" in description
    assert "cellule " in description


def test_a_candidate_stored_with_a_control_character_is_named_not_a_500_on_xlsx_export(
    candidates: list[Candidate], tmp_path: Path
) -> None:
    Candidate.objects.filter(numero="C001").update(birth_name="Du\x1fpont")
    with pytest.raises(FileRejected) as caught:
        export("candidates", tmp_path / "c.xlsx")
    (problem,) = caught.value.problems
    assert (problem.line, problem.column) == (2, "nom_naissance")
    assert "U+001F" in problem.message
    export("candidates", tmp_path / "c.csv")  # CSV can hold it


# -- the same content imported twice at once ----------------------------------------------------


def test_a_file_being_imported_is_refused_to_a_second_sender(
    ccab: Referential, candidates: list[Candidate], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "n.csv", SCORE_HEADER, score_rows(ccab, "C001", "B1", "12"))
    with importing("scores", file_sha256(path)), pytest.raises(Busy, match="en cours d'import"):
        import_scores(path, create_sessions=True)
    assert not Score.objects.exists()
    assert (
        import_scores(path, create_sessions=True).created > 0
    )  # once the first is done, it may run again


def test_a_unique_conflict_from_a_concurrent_writer_is_a_refusal_and_writes_nothing(
    ccab: Referential,
    candidates: list[Candidate],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = write_csv(tmp_path / "n.csv", SCORE_HEADER, score_rows(ccab, "C001", "B1", "12"))

    def conflicting(*args: Any, **kwargs: Any) -> Any:
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(scores_module, "_create_sheets", conflicting)
    with pytest.raises(Refused, match="relancez l'import") as caught:
        import_scores(path, create_sessions=True)
    assert caught.value.status == 409
    assert not ScoreSheet.objects.exists()
    assert not ImportBatch.objects.filter(kind="scores").exists()


def test_one_long_shared_string_repeated_down_a_sheet_is_refused_on_the_total_text(
    version: ReferentialVersion, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from certif.imports import reading

    # Every cell within Excel's limits, the file a few kilobytes: the sum is what is bounded.
    monkeypatch.setattr(reading, "XLSX_TEXT_CHARS", 1_000_000)
    path = samples.repeated_shared_string(tmp_path / "c.xlsx", 100)
    assert path.stat().st_size < 20_000
    rejected = _refused(import_candidates, path)
    assert "1\u202f000\u202f000 caractères" in rejected.describe()
    assert rejected.problems[0].line == 32  # the 31st row of 32,767 passes a million


def test_a_missing_file_is_refused_by_name_by_both_importers(
    version: ReferentialVersion, tmp_path: Path
) -> None:
    for run in (import_candidates, import_scores):
        assert "fichier introuvable" in _refused(run, tmp_path / "absent.csv").describe()


def test_a_deadlock_with_another_writer_is_a_refusal_other_database_errors_are_not() -> None:
    from django.db import OperationalError

    from certif.imports.guard import conflicts_refused

    class Deadlock(Exception):
        sqlstate = "40P01"

    def lost() -> None:
        try:
            raise Deadlock
        except Deadlock as cause:
            raise OperationalError("deadlock detected") from cause

    with pytest.raises(Refused, match="relancez"), conflicts_refused():
        lost()
    with pytest.raises(OperationalError), conflicts_refused():
        raise OperationalError("disk full")
