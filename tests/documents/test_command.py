"""``certif documents generate``: a session's documents in one command, into a folder or a zip."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from certif.documents.models import CertifierSettings, IssuedDocument, Kind
from certif.sessions.models import ExamSession

pytestmark = pytest.mark.django_db


def test_the_command_writes_one_file_per_document_into_a_folder(
    session: ExamSession, tmp_path: Path
) -> None:
    out = io.StringIO()
    call_command(
        "documents",
        "generate",
        "--session",
        session.code,
        "--kind",
        "parchemin",
        "--out",
        str(tmp_path / "lot"),
        stdout=out,
    )
    assert "1 document(s) produit(s), 0 déjà délivré(s), 0 refusé(s)." in out.getvalue()
    document = IssuedDocument.objects.get(kind=Kind.PARCHEMIN)
    assert (tmp_path / "lot" / "parchemin-C001.pdf").read_bytes() == bytes(document.pdf)


def test_the_command_writes_a_zip_and_finds_what_is_already_issued(
    session: ExamSession, tmp_path: Path
) -> None:
    call_command(
        "documents",
        "generate",
        "--session",
        session.code,
        "--kind",
        "attestation",
        stdout=io.StringIO(),
    )
    out = io.StringIO()
    target = tmp_path / "attestations.zip"
    call_command(
        "documents",
        "generate",
        "--session",
        session.code,
        "--kind",
        "attestation",
        "--out",
        str(target),
        stdout=out,
    )
    assert "0 document(s) produit(s), 6 déjà délivré(s)" in out.getvalue()
    names = sorted(zipfile.ZipFile(target).namelist())
    assert names[:2] == ["attestation-C001-B1.pdf", "attestation-C001-B2.pdf"]
    assert len(names) == 6


def test_the_command_refuses_an_unknown_session(db: None) -> None:
    with pytest.raises(CommandError, match="session inconnue"):
        call_command("documents", "generate", "--session", "NOPE", "--kind", "pv")


def test_check_says_settings_without_a_problem_are_fine(world: object) -> None:
    out = io.StringIO()
    call_command("documents", "check", stdout=out)
    assert "aucun problème" in out.getvalue()


def test_check_fails_on_a_forbidden_mention_and_names_it(
    world: object, certifier: CertifierSettings
) -> None:
    CertifierSettings.objects.filter(pk=certifier.pk).update(
        signatory_title="Directrice (habilitation en cours)"
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 problème"):
        call_command("documents", "check", stderr=err)
    assert "qualité du signataire : « en cours »" in err.getvalue()


def test_check_fails_while_the_issuer_identity_is_incomplete(
    world: object, certifier: CertifierSettings
) -> None:
    CertifierSettings.objects.filter(pk=certifier.pk).update(signatory_name="")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("documents", "check", stderr=err)
    assert "nom du signataire (paramètres du certificateur)" in err.getvalue()


def test_convocations_for_a_session_already_held_wait_for_an_acknowledgement(
    session: ExamSession,
) -> None:
    err = io.StringIO()
    with pytest.raises(CommandError, match="acknowledge-warnings"):
        call_command(
            "documents", "generate", "--session", session.code, "--kind", "convocation", stderr=err
        )
    assert "est terminée" in err.getvalue()
    assert not IssuedDocument.objects.filter(kind=Kind.CONVOCATION).exists()
    call_command(
        "documents", "generate", "--session", session.code, "--kind", "convocation",
        "--acknowledge-warnings", stdout=io.StringIO(), stderr=io.StringIO(),
    )  # fmt: skip
    assert IssuedDocument.objects.filter(kind=Kind.CONVOCATION).exists()
