"""``certif rgpd purge|export|anonymise``: the system acts, the output is French."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from certif.candidates.models import Candidate
from certif.deliberations.models import Deliberation
from certif.documents.models import IssuedDocument
from certif.privacy.models import Anonymisation, Purge

pytestmark = pytest.mark.django_db


def test_a_dry_run_lists_every_kind_and_changes_nothing(
    certified: Deliberation, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("rgpd", "purge", "--dry-run")
    out = capsys.readouterr().out
    assert "Purge à blanc : rien n'a été modifié" in out
    for words in ("NIR effacés", "candidats anonymisés", "entrées du journal supprimées"):
        assert words in out
    assert not Purge.objects.exists()


def test_a_purge_run_for_real_says_so(
    certified: Deliberation, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("rgpd", "purge")
    assert "Purge effectuée et journalisée" in capsys.readouterr().out
    assert Purge.objects.count() == 1


def test_the_export_writes_the_zip(
    parchemin: IssuedDocument, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("rgpd", "export", "C001", str(tmp_path / "c001.zip"))
    assert "1 document(s), NIR masqué" in capsys.readouterr().out
    with zipfile.ZipFile(tmp_path / "c001.zip") as archive:
        assert "donnees.json" in archive.namelist()


def test_anonymising_asks_for_the_numero_again(
    certified: Deliberation,
    candidates: list[Candidate],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    reason = "Demande d'effacement reçue le 3 mars 2026."
    monkeypatch.setattr("builtins.input", lambda prompt: "C001")
    with pytest.raises(CommandError, match="n'est pas celui du candidat"):
        call_command("rgpd", "anonymise", "C002", "--reason", reason)
    assert not Anonymisation.objects.exists()
    monkeypatch.setattr("builtins.input", lambda prompt: "C002")
    call_command("rgpd", "anonymise", "C002", "--reason", reason)
    assert "Candidat anonymisé" in capsys.readouterr().out
    assert Anonymisation.objects.get().candidate_id == candidates[1].pk


def test_an_unknown_numero_is_named(db: None) -> None:
    with pytest.raises(CommandError, match="Aucun candidat ne porte le numéro « C999 »"):
        call_command("rgpd", "export", "C999", "x.zip")
