"""``import candidates``: identity as the register needs it, all or nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from certif.candidates.models import Candidate
from certif.core.models import AuditEvent
from certif.imports.candidates import import_candidates
from certif.imports.reading import FileRejected
from certif.referential.models import ReferentialVersion
from certif.results.models import CandidateResult
from tests.support.files import CANDIDATE_HEADER, write_csv

pytestmark = pytest.mark.django_db
FULL_HEADER = (
    "numero", "nom_naissance", "nom_usage", "prenoms", "sexe", "date_naissance", "code_commune_naissance",
    "commune_naissance", "pays_naissance", "email", "telephone", "voie_acces",
)  # fmt: skip
FULL_ROW = (
    "C010", "Lefèvre", "Martin", "Éloïse, Anne Marie", "F", "01/07/1988", "2A004", "Ajaccio", "France",
    "eloise.lefevre@example.org", "06 12 34 56 78", "VAE",
)  # fmt: skip


def rejected(path: Path) -> list[str]:
    with pytest.raises(FileRejected) as caught:
        import_candidates(path)
    return [problem.describe() for problem in caught.value.problems]


def test_every_identity_field_is_imported(version: ReferentialVersion, tmp_path: Path) -> None:
    import_candidates(write_csv(tmp_path / "c.csv", FULL_HEADER, [FULL_ROW]))
    candidate = Candidate.objects.get(numero="C010")
    assert (candidate.birth_name, candidate.usage_name) == ("Lefèvre", "Martin")
    assert candidate.first_names == ["Éloïse", "Anne", "Marie"]
    assert candidate.birth_date == date(1988, 7, 1)
    assert (candidate.birth_place_code, candidate.birth_place, candidate.birth_country) == (
        "2A004",
        "Ajaccio",
        "France",
    )
    assert candidate.access_path == "VAE"


def test_a_new_candidate_gets_a_result_at_once(version: ReferentialVersion, tmp_path: Path) -> None:
    import_candidates(
        write_csv(tmp_path / "c.csv", CANDIDATE_HEADER, [("C1", "Durand", "Paul", "1990-01-02")])
    )
    result = CandidateResult.objects.get(candidate__numero="C1")
    assert not result.certified
    assert result.referential_version == version


def test_a_known_numero_updates_that_candidate_and_the_journal_keeps_before_and_after(
    version: ReferentialVersion, tmp_path: Path
) -> None:
    import_candidates(
        write_csv(tmp_path / "a.csv", CANDIDATE_HEADER, [("C1", "Durand", "Paul", "1990-01-02")])
    )
    report = import_candidates(
        write_csv(tmp_path / "b.csv", CANDIDATE_HEADER, [("C1", "Durant", "Paul", "1990-01-02")])
    )
    assert (report.created, report.updated) == (0, 1)
    assert Candidate.objects.get().birth_name == "Durant"
    event = AuditEvent.objects.get(action="candidate.updated")
    assert (event.before, event.after) == ({"birth_name": "Durand"}, {"birth_name": "Durant"})


def test_importing_the_same_file_twice_changes_nothing(
    version: ReferentialVersion, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "c.csv", FULL_HEADER, [FULL_ROW])
    import_candidates(path)
    stamp = Candidate.objects.get().updated_at
    report = import_candidates(path)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    assert Candidate.objects.get().updated_at == stamp


def test_a_column_left_out_leaves_the_field_as_it_is(
    version: ReferentialVersion, tmp_path: Path
) -> None:
    import_candidates(write_csv(tmp_path / "a.csv", FULL_HEADER, [FULL_ROW]))
    import_candidates(
        write_csv(
            tmp_path / "b.csv",
            CANDIDATE_HEADER,
            [("C010", "Lefèvre", "Éloïse Anne Marie", "01/07/1988")],
        )
    )
    assert Candidate.objects.get().email == "eloise.lefevre@example.org"


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("date_naissance", "31/02/1990", "date invalide : attendu JJ/MM/AAAA ou AAAA-MM-JJ"),
        ("date_naissance", "01/01/2999", "date de naissance invraisemblable"),
        ("prenoms", "Anne Marie Louise Jeanne", "au plus 3 prénoms"),
        ("sexe", "X", "attendu M ou F"),
        ("voie_acces", "APPRENTISSAGE", "voie d'accès inconnue"),
        ("email", "pas-une-adresse", "adresse électronique invalide"),
        ("nom_naissance", "X" * 61, "trop long : 60 caractères au plus"),
        ("code_commune_naissance", "75 056 0000", "code de commune invalide"),
        ("nom_naissance", "", "valeur obligatoire manquante"),
    ],
)
def test_each_bad_value_is_named_with_its_line_and_column(
    version: ReferentialVersion, tmp_path: Path, column: str, value: str, message: str
) -> None:
    row = list(FULL_ROW)
    row[FULL_HEADER.index(column)] = value
    problems = rejected(write_csv(tmp_path / "c.csv", FULL_HEADER, [row]))
    assert len(problems) == 1
    assert problems[0].startswith(f"ligne 2, colonne {column}, valeur « {value} » : {message}")


def test_a_numero_twice_in_the_file_is_an_error(
    version: ReferentialVersion, tmp_path: Path
) -> None:
    rows = [("C1", "Durand", "Paul", "1990-01-02"), ("C1", "Durand", "Pierre", "1990-01-02")]
    assert rejected(write_csv(tmp_path / "c.csv", CANDIDATE_HEADER, rows)) == [
        "ligne 3, colonne numero, valeur « C1 » : numéro de candidat en double (déjà ligne 2)"
    ]


def test_a_rejected_file_writes_nothing(version: ReferentialVersion, tmp_path: Path) -> None:
    rows = [("C1", "Durand", "Paul", "1990-01-02"), ("C2", "Martin", "Zoé", "hier")]
    rejected(write_csv(tmp_path / "c.csv", CANDIDATE_HEADER, rows))
    assert not Candidate.objects.exists()


def test_a_bom_and_a_comma_separator_are_understood(
    version: ReferentialVersion, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        CANDIDATE_HEADER,
        [("C1", "Durand", "Paul", "1990-01-02")],
        separator=",",
        bom=True,
    )
    import_candidates(path)
    assert Candidate.objects.get().numero == "C1"
