"""``certif cdc``: its contract (subcommands, outputs, exit codes)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from certif.candidates.models import Candidate
from certif.cdc.schemas import load_schema
from certif.cdc.validation import validate_flux_file
from certif.declarations.models import Declaration, Flux, Status
from certif.deliberations.models import Deliberation
from tests.support.declarations import complete_identity, report

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("cdc", *args, stdout=out)
    return out.getvalue()


def test_check_lists_what_each_holder_lacks_and_fails(certified: Deliberation) -> None:
    with pytest.raises(CommandError, match="identités incomplètes"):
        run("check")


def test_check_passes_once_every_identity_is_complete(
    certified: Deliberation, candidates: list[Candidate]
) -> None:
    complete_identity(candidates[0])
    assert "1 prêt(s), 0 à compléter" in run("check")


def test_export_writes_a_valid_file_and_says_its_counts(
    certified: Deliberation, candidates: list[Candidate], cdc_settings: object, tmp_path: Path
) -> None:
    complete_identity(candidates[0])
    out = tmp_path / "flux.xml"
    said = run("export", "--out", str(out), "--schema", "1.1.2")
    assert validate_flux_file(out, load_schema("1.1.2")) == 1
    assert "1 passage(s) dans 1 fichier(s)" in said


def test_export_fails_when_nothing_can_be_declared_naming_who_is_left_out(
    certified: Deliberation, cdc_settings: object, tmp_path: Path
) -> None:
    with pytest.raises(CommandError, match="Aucun titulaire"):
        run("export", "--out", str(tmp_path / "flux.xml"))
    assert not (tmp_path / "flux.xml").exists()


def test_report_records_the_answers_and_status_says_them_as_json(
    certified: Deliberation, candidates: list[Candidate], cdc_settings: object, tmp_path: Path
) -> None:
    complete_identity(candidates[0])
    run("export", "--out", str(tmp_path / "flux.xml"))
    flux = Flux.objects.get()
    technical_id = Declaration.objects.get().technical_id
    answer = tmp_path / "rapport.xml"
    answer.write_bytes(
        report(flux, rejected={technical_id: "Plusieurs titulaires ont été identifiés"})
    )
    run("report", str(answer))
    [row] = json.loads(run("status", "--format", "json"))
    assert row == {
        "candidate": "C001",
        "certification": Declaration.objects.get().certification_code,
        "technical_id": technical_id,
        "flux": str(flux.id),
        "status": Status.REJECTED.value,
        "message": "Plusieurs titulaires ont été identifiés",
        "due": Declaration.objects.get().due_on.isoformat(),
    }


def test_report_fails_on_an_unknown_passage_and_writes_nothing(
    certified: Deliberation, candidates: list[Candidate], cdc_settings: object, tmp_path: Path
) -> None:
    complete_identity(candidates[0])
    run("export", "--out", str(tmp_path / "flux.xml"))
    answer = tmp_path / "rapport.xml"
    answer.write_bytes(report(Flux.objects.get(), accepted=["inconnu"]))
    with pytest.raises(CommandError, match="absents du flux"):
        run("report", str(answer))
    assert Declaration.objects.get().status == Status.GENERATED
