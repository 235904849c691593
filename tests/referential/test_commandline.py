"""``certif referential lint`` and ``show`` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from certif.cli import main

AS_PRINTED = Path(__file__).parent.parent / "fixtures" / "referential_as_printed.yaml"


def test_lint_of_the_seed_as_printed_exits_1_with_one_line_per_finding(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(["referential", "lint", str(AS_PRINTED)])
    out = capsys.readouterr().out.splitlines()
    assert status == 1
    errors = [line for line in out if line.startswith("error ")]
    assert len(errors) == 3
    assert all(line.split()[1] in {"DUPLICATE_CODE", "TOTAL_MISMATCH"} for line in errors)
    assert out[-1].endswith(": 3 erreur(s), 35 avertissement(s)")


def test_lint_of_the_shipped_file_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    from certif.domain.referential.loading import builtin_referential_paths

    status = main(["referential", "lint", str(builtin_referential_paths()[0])])
    assert status == 0
    assert "0 erreur(s), 1 avertissement(s)" in capsys.readouterr().out


def test_lint_of_an_unreadable_file_reports_a_schema_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "vide.yaml"
    path.write_text("code: X\n", encoding="utf-8")
    assert main(["referential", "lint", str(path)]) == 1
    assert "error SCHEMA" in capsys.readouterr().out


def test_show_json_gives_blocks_criteria_points_and_rules(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["referential", "show", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["format"] == "certif.referential/1"
    b3 = next(block for block in document["blocks"] if block["code"] == "B3")
    assert [p["code"] for p in b3["parts"]] == ["particulier", "pme", "eti"]
    assert b3["rule"]["maxima"] == "23"
    assert b3["rule"]["raw_threshold"] == "13.8"
    bis = next(c for c in b3["criteria"] if c["code"] == "B3Cr4bis")
    assert bis["printed_code"] == "B3Cr4"
    assert bis["max_points"] == "3"


def test_show_text_names_printed_codes_and_rules(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["referential", "show", str(AS_PRINTED)]) == 0
    out = capsys.readouterr().out
    assert "B4A2Cr2 [2 pts]" in out
    assert "Certification : exige B1, B2, B3, B4, MEM" in out


def test_the_certif_command_runs_lint_from_a_shell(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "certif", "referential", "lint", str(AS_PRINTED)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "CERTIF_DATA_DIR": str(tmp_path)},
        check=False,
    )
    assert completed.returncode == 1
    assert "DUPLICATE_CODE" in completed.stdout
