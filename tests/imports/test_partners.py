"""Importing partners and habilitations, and exporting the list for France compétences: all or
nothing, every error naming its line, column and value."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from certif.imports.partners import export_habilitations, import_habilitations, import_partners
from certif.imports.reading import FileRejected
from certif.partners.models import DeclarationExport, Habilitation, Partner
from tests.support.files import write_csv, write_xlsx
from tests.support.partners import OTHER_SIRET, SIRET, WRONG_KEY_SIRET, make_partner

pytestmark = pytest.mark.django_db

PARTNER_HEADER = ("siret", "raison_sociale", "nda", "qualiopi_echeance")
HABILITATION_HEADER = ("siret", "nature", "certification", "blocs", "debut", "fin")


def test_partners_are_imported_from_a_csv(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "organismes.csv",
        PARTNER_HEADER,
        [(SIRET, "Institut A", "11 75 39666 75", "31/12/2026"), (OTHER_SIRET, "École B", "", "")],
    )
    report = import_partners(path)
    assert report.created == 2
    assert Partner.objects.get(siret=SIRET).qualiopi_expires_on == date(2026, 12, 31)


def test_a_siret_with_a_wrong_check_digit_is_refused_with_its_line(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "organismes.csv",
        PARTNER_HEADER,
        [(SIRET, "Institut A", "", ""), (WRONG_KEY_SIRET, "École B", "", "")],
    )
    with pytest.raises(FileRejected) as rejected:
        import_partners(path)
    problem = rejected.value.problems[0]
    assert (problem.line, problem.column, problem.value) == (3, "siret", WRONG_KEY_SIRET)
    assert "Luhn" in problem.message
    assert not Partner.objects.exists()


def test_a_known_siret_updates_the_partner_and_keeps_the_columns_left_out(tmp_path: Path) -> None:
    partner = make_partner()
    Partner.objects.filter(pk=partner.pk).update(nda="11753966675")
    path = write_csv(tmp_path / "o.csv", ("siret", "raison_sociale"), [(SIRET, "Nouveau nom")])
    assert import_partners(path).updated == 1
    partner.refresh_from_db()
    assert (partner.legal_name, partner.nda) == ("Nouveau nom", "11753966675")


def test_habilitations_are_imported_from_an_xlsx_and_activated(tmp_path: Path, version) -> None:  # type: ignore[no-untyped-def]
    make_partner()
    path = write_xlsx(
        tmp_path / "habilitations.xlsx",
        HABILITATION_HEADER,
        [(SIRET, "preparer", "CCAB", "B1 B2", "01/09/2025", "31/08/2027")],
    )
    import_habilitations(path)
    habilitation = Habilitation.objects.get()
    assert habilitation.state_on(date(2026, 1, 1)).value == "active"


def test_overlapping_habilitations_in_one_file_write_nothing(tmp_path: Path, version) -> None:  # type: ignore[no-untyped-def]
    make_partner()
    path = write_csv(
        tmp_path / "h.csv",
        HABILITATION_HEADER,
        [
            (SIRET, "preparer", "CCAB", "B1", "01/09/2025", "31/08/2027"),
            (SIRET, "preparer_evaluer", "CCAB", "", "01/01/2026", "31/12/2026"),
        ],
    )
    with pytest.raises(FileRejected) as rejected:
        import_habilitations(path)
    assert rejected.value.problems[0].line == 3
    assert "chevauchement" in rejected.value.problems[0].message
    assert not Habilitation.objects.exists()


def test_an_inverted_habilitation_is_refused_with_its_line(tmp_path: Path, version) -> None:  # type: ignore[no-untyped-def]
    make_partner()
    path = write_csv(
        tmp_path / "h.csv",
        HABILITATION_HEADER,
        [(SIRET, "evaluer", "CCAB", "", "01/09/2026", "30/06/2026")],
    )
    with pytest.raises(FileRejected) as rejected:
        import_habilitations(path)
    assert "précède sa date de début" in rejected.value.describe()
    assert "ligne 2" in rejected.value.describe()


def test_the_list_is_exported_as_xlsx_and_recorded(tmp_path: Path, version) -> None:  # type: ignore[no-untyped-def]
    make_partner()
    path = write_csv(
        tmp_path / "h.csv",
        HABILITATION_HEADER,
        [(SIRET, "evaluer", "CCAB", "", "01/09/2025", "30/06/2027")],
    )
    import_habilitations(path)
    exported = export_habilitations(tmp_path / "liste.xlsx", on=date(2026, 1, 1))
    sheet = load_workbook(tmp_path / "liste.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == SIRET
    assert rows[1][5] == "HABILITATION_ORGANISER"
    assert exported.rows == 1
    assert DeclarationExport.objects.get().transmitted_on is None


def test_a_candidate_is_linked_to_the_partner_its_siret_names(tmp_path: Path, version) -> None:  # type: ignore[no-untyped-def]
    from certif.candidates.models import Candidate
    from certif.imports.candidates import import_candidates

    partner = make_partner()
    header = ("numero", "nom_naissance", "prenoms", "date_naissance", "partenaire")
    path = write_csv(
        tmp_path / "c.csv", header, [("C001", "Dupont", "Marie", "12/03/1990", "732 829 320 00074")]
    )
    import_candidates(path)
    assert Candidate.objects.get().partner == partner


def test_a_candidate_of_an_unknown_partner_is_refused_with_its_line(
    tmp_path: Path, version
) -> None:  # type: ignore[no-untyped-def]
    from certif.imports.candidates import import_candidates

    header = ("numero", "nom_naissance", "prenoms", "date_naissance", "partenaire")
    path = write_csv(tmp_path / "c.csv", header, [("C001", "Dupont", "Marie", "12/03/1990", SIRET)])
    with pytest.raises(FileRejected) as rejected:
        import_candidates(path)
    assert (rejected.value.problems[0].line, rejected.value.problems[0].column) == (2, "partenaire")


def test_the_templates_import_as_they_are(tmp_path: Path, ccab, version) -> None:  # type: ignore[no-untyped-def]
    from certif.imports.templates import write_templates

    write_templates(ccab, tmp_path)
    import_partners(tmp_path / "organismes.xlsx")
    import_habilitations(tmp_path / "habilitations.csv")
    assert Habilitation.objects.count() == 2


def test_the_command_imports_then_lists_partners_as_json(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    import json

    from django.core.management import call_command

    path = write_csv(tmp_path / "o.csv", ("siret", "raison_sociale"), [(SIRET, "Institut A")])
    call_command("partners", "import", str(path))
    capsys.readouterr()
    call_command("partners", "list", "--format", "json")
    listed = json.loads(capsys.readouterr().out)
    assert listed[0]["siret"] == SIRET


def test_the_command_refuses_a_wrong_siret_naming_its_line(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    path = write_csv(tmp_path / "o.csv", ("siret", "raison_sociale"), [(WRONG_KEY_SIRET, "A")])
    with pytest.raises(SystemExit):
        call_command("partners", "import", str(path))
    assert "ligne 2, colonne siret, valeur « 73282932000075 »" in capsys.readouterr().err
