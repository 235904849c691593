"""``certif stats``: the JSON contract of issue 15, the table and the workbook."""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from certif.domain.referential.schema import Referential
from tests.support.stats import PASSED, Cohort

pytestmark = pytest.mark.django_db

RATE = re.compile(r"^[01]\.\d{4}$")
UNIT_KEYS = {"validated", "not_validated", "incomplete", "not_assessed", "pass_rate"}


def stats_json(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("stats", "--format", "json", "--draws", "20", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_json_states_its_scope_and_its_counts(cohort: Cohort) -> None:
    found = stats_json("--session", cohort.session.code)
    assert found["scope"] == {"session": cohort.session.code, "year": None, "access_path": None}
    assert (found["candidates"], found["certified"]) == (6, len(PASSED))


def test_every_unit_has_the_contract_s_keys_and_b3_its_parts(
    cohort: Cohort, ccab: Referential
) -> None:
    units = stats_json()["units"]
    assert list(units) == [block.code for block in ccab.blocks]
    for code, unit in units.items():
        assert set(unit) - {"parts"} == UNIT_KEYS, code
    assert list(units["B3"]["parts"]) == [part.code for part in ccab.block("B3").parts]
    assert set(units["B3"]["parts"]["pme"]) == UNIT_KEYS


def test_rates_are_strings_with_four_decimals_rounded_half_up(cohort: Cohort) -> None:
    units = stats_json()["units"]
    # B1: 4 validated of 6 assessed = 0.66666… → « 0.6667 ».
    assert units["B1"]["pass_rate"] == "0.6667"
    assert units["B2"]["pass_rate"] == "0.7500"
    assert all(RATE.match(unit["pass_rate"]) for unit in units.values())


def test_criteria_give_their_mean_share_as_a_rate_string(cohort: Cohort) -> None:
    criteria = stats_json()["criteria"]
    assert criteria["MEMCr1"] == {"mean_share": "1.0000"}
    assert all(RATE.match(c["mean_share"]) for c in criteria.values() if c["mean_share"])


def test_the_json_has_the_evaluators(cohort: Cohort) -> None:
    assert stats_json()["evaluators"] == {
        "markers": [],
        "reliability": {"points": None, "yes_no": None},
    }


def test_a_year_adds_france_competences_tables(cohort: Cohort) -> None:
    tables = stats_json("--year", "2026")["france_competences"]
    assert (tables["presented"], tables["certified"], tables["certified_vae"]) == (6, 3, 1)


def test_the_table_names_each_unit(cohort: Cohort) -> None:
    out = StringIO()
    call_command("stats", "--draws", "20", stdout=out)
    assert "B3 — PME" in out.getvalue()
    assert "66,67" in out.getvalue()


def test_the_workbook_holds_the_year_s_tables(cohort: Cohort, tmp_path: Path) -> None:
    path = tmp_path / "stats.xlsx"
    call_command("stats", "--year", "2026", "--format", "xlsx", "--out", str(path), "--draws", "20")
    workbook = load_workbook(path, read_only=True)
    assert "France compétences" in workbook.sheetnames
    rows = list(workbook["France compétences"].values)
    assert rows[1][:4] == ("2026", 6, 3, 1)


def test_an_unknown_session_is_refused_by_name(cohort: Cohort) -> None:
    with pytest.raises(CommandError, match="Session inconnue"):
        stats_json("--session", "1999-01")
