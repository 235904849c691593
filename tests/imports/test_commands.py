"""The import, export and results commands as a user runs them."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from certif.candidates.models import Candidate
from certif.domain.referential.schema import Referential
from certif.imports.models import ImportBatch
from certif.sessions.models import ExamSession
from tests.support.builders import score_rows
from tests.support.files import SCORE_HEADER, write_csv

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        status = 0
    except SystemExit as exit_:
        status = int(exit_.code or 0)
    return status, out.getvalue(), err.getvalue()


def test_import_of_a_bad_file_exits_1_listing_errors(
    candidates: list[Candidate], tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "n.csv", SCORE_HEADER, [("C404", "2026-06", "B1", "", "B1Cr1", "3")]
    )
    status, _out, err = run("import", "scores", str(path), "--create-sessions")
    assert status == 1
    assert "Fichier refusé, rien n'a été enregistré (1 erreur(s)) :" in err
    assert "ligne 2, colonne candidat, valeur « C404 » : candidat inconnu" in err


def test_import_says_when_it_creates_a_session(
    ccab: Referential, candidates: list[Candidate], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "n.csv", SCORE_HEADER, score_rows(ccab, "C001", "B1", "12"))
    status, out, _ = run("import", "scores", str(path), "--create-sessions")
    assert status == 0
    assert "Session créée : 2026-06" in out


def test_import_revert_undoes_a_scores_import_and_says_what_it_did(
    ccab: Referential, candidates: list[Candidate], tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "n.csv", SCORE_HEADER, score_rows(ccab, "C001", "B1", "12", "2027-21")
    )
    run("import", "scores", str(path), "--create-sessions")
    batch = ImportBatch.objects.get(kind="scores")
    status, out, _ = run("import", "revert", str(batch.pk), "--reason", "Session mal saisie")
    assert status == 0
    assert "Session supprimée : 2027-21" in out
    assert not ExamSession.objects.filter(code="2027-21").exists()


def test_import_revert_refused_exits_1_with_the_reason(
    candidates: list[Candidate], tmp_path: Path
) -> None:
    batch = ImportBatch.objects.get(kind="candidates")
    status, _out, err = run("import", "revert", str(batch.pk), "--reason", "Erreur de fichier")
    assert status == 1
    assert "seul un import de notes peut être annulé" in err


def test_import_prints_no_progress_bar_when_not_on_a_terminal(
    ccab: Referential,
    candidates: list[Candidate],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = write_csv(tmp_path / "n.csv", SCORE_HEADER, score_rows(ccab, "C001", "B1", "12"))
    run("import", "scores", str(path), "--create-sessions")
    assert capsys.readouterr().err == ""


def test_results_as_json_follow_the_documented_form(
    ccab: Referential, candidates: list[Candidate], tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "n.csv",
        SCORE_HEADER,
        score_rows(ccab, "C001", "B1", "14.5")
        + score_rows(ccab, "C001", "B3", "14", part="particulier"),
    )
    run("import", "scores", str(path), "--create-sessions")
    _, out, _ = run("results", "--format", "json", "--candidate", "C001")
    [item] = json.loads(out)
    assert item["candidate"] == "C001"
    assert item["certified"] is False
    assert item["source"] == "engine"
    assert item["blocks"]["B1"] == {"status": "validated", "score": "14.50", "source": "engine"}
    assert item["blocks"]["B3"]["parts"]["particulier"] == {"status": "validated", "score": "12.17"}
    assert item["blocks"]["B3"]["parts"]["eti"] == {"status": "not_assessed", "score": None}
    assert item["blocks"]["MEM"] == {"status": "not_assessed", "source": "engine"}


def test_results_table_explains_each_decision(
    ccab: Referential, candidates: list[Candidate], tmp_path: Path
) -> None:
    run(
        "import",
        "scores",
        str(write_csv(tmp_path / "n.csv", SCORE_HEADER, score_rows(ccab, "C002", "B2", "11.99"))),
        "--create-sessions",
    )
    _, out, _ = run("results", "--candidate", "C002")
    assert "B2 non validé : 11,99/20 (meilleure note, session 2026-06), seuil 12/20." in out


def test_results_of_an_unknown_candidate_is_an_error(candidates: list[Candidate]) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="candidat inconnu"):
        call_command("results", "--candidate", "C404", stdout=StringIO())


def test_export_writes_the_file_and_says_how_many_rows(
    candidates: list[Candidate], tmp_path: Path
) -> None:
    status, out, _ = run("export", "candidates", str(tmp_path / "c.xlsx"))
    assert status == 0
    assert out.startswith("2 ligne(s) écrite(s)")
    assert (tmp_path / "c.xlsx").exists()


def test_a_refused_huge_cell_is_quoted_in_a_few_characters_not_echoed_whole(
    version: object, tmp_path: Path
) -> None:
    from tests.imports import xlsx_samples as samples

    path = samples.huge_cell(tmp_path / "c.xlsx", 2_000_000)
    status, _out, err = run("import", "candidates", str(path))
    assert status == 1
    assert "32\u202f767 caractères" in err
    assert len(err) < 500


def test_an_oversize_csv_cell_is_a_message_naming_line_and_column_not_a_traceback(
    version: object, tmp_path: Path
) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        "numero;nom_naissance;prenoms;date_naissance\nC001;" + "N" * 140_000 + ";Marie;1/1/1990\n",
        encoding="utf-8",
    )
    status, _out, err = run("import", "candidates", str(path))
    assert status == 1
    assert "ligne 2, colonne nom_naissance" in err
    assert len(err) < 500


def test_a_windows_1252_file_is_imported_and_the_report_says_so(
    version: object, tmp_path: Path
) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(
        "numero;nom_naissance;prenoms;date_naissance\nC001;Lefèvre;Zoé;1/1/1990\n".encode("cp1252")
    )
    status, out, _err = run("import", "candidates", str(path))
    assert status == 0
    assert "Fichier lu en Windows-1252" in out


@pytest.mark.django_db
def test_a_scores_file_naming_an_unknown_session_is_refused_without_create_sessions(
    candidates: list[Candidate], tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "n.csv", SCORE_HEADER, [("C001", "2027-21", "B1", "", "B1Cr1", "3")]
    )
    status, _out, err = run("import", "scores", str(path))
    assert status == 1
    assert "session inconnue" in err
    assert "« 2027-21 »" in err
