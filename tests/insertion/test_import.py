"""``certif insertion import``: answers collected outside the form, all or nothing, each
problem naming its line, column and value."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from certif.candidates.models import Candidate
from certif.imports.insertion import import_insertion
from certif.imports.reading import FileRejected
from certif.insertion.models import Answer, AnswerSource, Point, Survey
from tests.support.files import write_csv

pytestmark = pytest.mark.django_db

HEADER = ("numero", "enquete", "situation", "intitule_poste", "metier_vise", "contrat",
          "temps_travail", "hors_france")  # fmt: skip


def test_answers_are_imported_opening_the_survey(certified: Candidate, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "reponses.csv",
        HEADER,
        [("C001", "6 mois", "emploi", "Conseiller", "CCAB", "cdi", "plein", "non")],
    )
    assert import_insertion(path).rows == 1
    answer = Answer.objects.select_related("survey").get()
    assert (answer.survey.point, answer.survey.cohort) == (Point.SIX_MONTHS, 2026)
    assert (answer.situation, answer.targeted_job, answer.source) == (
        "employed", "CCAB", AnswerSource.IMPORT,
    )  # fmt: skip


def test_every_problem_names_its_line_column_and_value_and_nothing_is_written(
    certified: Candidate, tmp_path: Path
) -> None:
    long_value = "x" * 200
    path = write_csv(
        tmp_path / "reponses.csv",
        HEADER,
        [
            ("C001", "6 mois", "emploi", "Conseiller", "CCAB", "cdi", "plein", "non"),
            ("C002", "6 mois", "recherche_emploi", "", "", "", "", ""),
            ("C001", "2 ans", long_value, "", "", "", "", ""),
            ("C001", "1 an", "emploi", "Conseiller", "non", "", "plein", "non"),
        ],
    )
    with pytest.raises(FileRejected) as rejected:
        import_insertion(path)
    found = {(p.line, p.column): p for p in rejected.value.problems}
    assert "titulaire" in found[(3, "numero")].message
    quoted_value = found[(4, "situation")].value or ""
    assert len(quoted_value.split("…")[0]) <= 80  # at most 80 characters of the value
    assert (5, "enquete") in found
    assert found[(5, "contrat")].message == "Indiquez votre type de contrat."
    assert not Answer.objects.exists()
    assert not Survey.objects.exists()


def test_a_survey_already_answered_refuses_the_file(certified: Candidate, tmp_path: Path) -> None:
    row = ("C001", "6 mois", "autre", "", "", "", "", "")
    import_insertion(write_csv(tmp_path / "un.csv", HEADER, [row]))
    with pytest.raises(FileRejected) as rejected:
        import_insertion(write_csv(tmp_path / "deux.csv", HEADER, [row]))
    [problem] = rejected.value.problems
    assert (problem.line, problem.column) == (2, "enquete")
    assert Answer.objects.count() == 1


def test_the_command_imports_and_reports_refusals(
    certified: Candidate, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write_csv(tmp_path / "bad.csv", HEADER, [("C001", "6 mois", "chomage", *[""] * 5)])
    with pytest.raises(SystemExit):
        call_command("insertion", "import", str(bad))
    assert "ligne 2, colonne situation, valeur « chomage »" in capsys.readouterr().err
    good = write_csv(tmp_path / "good.csv", HEADER, [("C001", "6 mois", "autre", *[""] * 5)])
    call_command("insertion", "import", str(good))
    assert "1 réponse(s) enregistrée(s)" in capsys.readouterr().out
