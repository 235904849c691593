"""``certif import cases FILE``: cases from a CSV, all or nothing, every error with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from certif.casebank.models import Case
from certif.imports.cases import import_cases
from certif.imports.problems import FileRejected
from certif.referential.models import ReferentialVersion
from tests.support.casebank import pdf_upload
from tests.support.files import write_csv

pytestmark = pytest.mark.django_db
HEADER = ["epreuve", "reference", "titre", "texte", "script", "pdf"]


def test_a_file_of_cases_creates_them_with_their_pdfs(
    version: ReferentialVersion, tmp_path: Path
) -> None:
    (tmp_path / "b4.pdf").write_bytes(pdf_upload().read())
    path = write_csv(
        tmp_path / "cas.csv",
        HEADER,
        [
            ("B2", "B2-101", "Mme Leroy", "Situation de Mme Leroy.", "Vous hésitez.", ""),
            ("B4Me1", "B4-101", "Agence de Grenoble", "", "", "b4.pdf"),
        ],
    )
    report = import_cases(path)
    assert report.created == 2
    assert Case.objects.get(reference="B4-101").versions.get().attachment_pages == 2


def test_one_bad_row_refuses_the_file_and_names_its_line(
    version: ReferentialVersion, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "cas.csv",
        HEADER,
        [
            ("B2", "B2-101", "Mme Leroy", "Situation.", "", ""),
            ("B9", "B9-001", "Inconnu", "Texte.", "", ""),
            ("B2", "B2-102", "Sans contenu", "", "", ""),
        ],
    )
    with pytest.raises(FileRejected) as rejected:
        import_cases(path)
    described = rejected.value.describe()
    assert "ligne 3" in described
    assert "colonne epreuve, valeur « B9 »" in described
    assert "ligne 4" in described
    assert not Case.objects.exists()


def test_the_command_imports_cases_and_says_how_many(
    version: ReferentialVersion, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from django.core.management import call_command

    path = write_csv(tmp_path / "cas.csv", HEADER, [("B2", "B2-201", "T", "Texte.", "", "")])
    call_command("import", "cases", str(path))
    assert "1 cas créé(s)" in capsys.readouterr().out
