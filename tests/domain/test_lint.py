"""The linter on the shipped file, on the seed as printed, and on targeted faults."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from certif.domain.referential.lint import Finding, FindingCode, Severity, has_errors, lint
from certif.domain.referential.loading import (
    LoadedReferential,
    load_referential_file,
    parse_referential,
)

AS_PRINTED = Path(__file__).parent.parent / "fixtures" / "referential_as_printed.yaml"


def codes(findings: list[Finding], severity: Severity | None = None) -> list[str]:
    return [f.code.value for f in findings if severity is None or f.severity is severity]


def mutated(loaded: LoadedReferential, change: Callable[[dict[str, Any]], None]) -> list[Finding]:
    document = yaml.safe_load(loaded.text)
    change(document)
    return lint(parse_referential(yaml.safe_dump(document, allow_unicode=True), "modifié.yaml"))


def test_shipped_referential_has_no_error(loaded_ccab: LoadedReferential) -> None:
    assert not has_errors(lint(loaded_ccab))


def test_shipped_referential_only_warning_is_the_b3_normalisation_explained_in_errata(
    loaded_ccab: LoadedReferential,
) -> None:
    findings = lint(loaded_ccab)
    assert codes(findings) == ["TOTAL_NORMALISED"]
    assert findings[0].location[:2] == ("blocks", 2)
    assert any("20 / 23" in erratum.decision for erratum in loaded_ccab.referential.errata)


def test_seed_as_printed_has_b3cr4_twice() -> None:
    findings = lint(load_referential_file(AS_PRINTED))
    duplicates = [f for f in findings if f.code is FindingCode.DUPLICATE_CODE]
    assert any("« B3Cr4 »" in f.message for f in duplicates)


def test_seed_as_printed_has_b4a2cr2_twice_and_no_b4a2cr1() -> None:
    findings = lint(load_referential_file(AS_PRINTED))
    assert any(
        f.code is FindingCode.DUPLICATE_CODE and "« B4A2Cr2 »" in f.message for f in findings
    )
    assert any(
        f.code is FindingCode.NUMBERING_GAP and "« B4A2Cr1 » manque" in f.message for f in findings
    )


def test_seed_as_printed_has_b3_parts_worth_23_against_20() -> None:
    findings = lint(load_referential_file(AS_PRINTED))
    mismatch = [f for f in findings if f.code is FindingCode.TOTAL_MISMATCH]
    assert len(mismatch) == 1
    assert mismatch[0].severity is Severity.ERROR
    assert "vaut 23 pour un total annoncé de 20" in mismatch[0].message


def test_seed_as_printed_findings_point_at_their_lines() -> None:
    findings = lint(load_referential_file(AS_PRINTED))
    lines = AS_PRINTED.read_text(encoding="utf-8").splitlines()
    duplicate = next(f for f in findings if f.code is FindingCode.DUPLICATE_CODE)
    assert duplicate.line is not None
    assert "B3Cr4" in lines[duplicate.line - 1]


def test_seed_as_printed_reports_every_unassessed_competency() -> None:
    findings = lint(load_referential_file(AS_PRINTED))
    assert codes(findings).count("UNASSESSED_COMPETENCY") == 8 + 7 + 9 + 10


def test_threshold_above_its_total_is_an_error(loaded_ccab: LoadedReferential) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["blocks"][0]["scoring"]["threshold"] = 21

    assert "THRESHOLD_ABOVE_TOTAL" in codes(mutated(loaded_ccab, change), Severity.ERROR)


def test_block_total_different_from_announced_is_an_error(loaded_ccab: LoadedReferential) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["blocks"][1]["criteria"][0]["max_points"] = 5

    findings = mutated(loaded_ccab, change)
    assert any(f.code is FindingCode.TOTAL_MISMATCH and "B2" in f.message for f in findings)


def test_criterion_assessing_an_unknown_competency_is_an_error(
    loaded_ccab: LoadedReferential,
) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["blocks"][0]["criteria"][0]["competencies"].append("B2C1")

    findings = mutated(loaded_ccab, change)
    unknown = [f for f in findings if f.code is FindingCode.UNKNOWN_COMPETENCY]
    assert unknown
    assert "compétence du bloc B2" in unknown[0].message


def test_competency_that_no_criterion_assesses_is_a_warning(loaded_ccab: LoadedReferential) -> None:
    def change(doc: dict[str, Any]) -> None:
        for criterion in doc["blocks"][0]["criteria"]:
            criterion["competencies"] = [c for c in criterion["competencies"] if c != "B1C8"]

    findings = mutated(loaded_ccab, change)
    assert [f.message for f in findings if f.code is FindingCode.UNASSESSED_COMPETENCY] == [
        "la compétence B1C8 n'est évaluée par aucun critère"
    ]


def test_rule_on_an_unknown_criterion_is_an_error(loaded_ccab: LoadedReferential) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["blocks"][4]["scoring"]["conditions"][0]["criterion"] = "MEMCr9"

    assert "UNKNOWN_REFERENCE" in codes(mutated(loaded_ccab, change), Severity.ERROR)


def test_certification_requiring_an_unknown_block_is_an_error(
    loaded_ccab: LoadedReferential,
) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["certification"]["requires"].append("B5")

    findings = mutated(loaded_ccab, change)
    assert any(f.code is FindingCode.UNKNOWN_REFERENCE and "« B5 »" in f.message for f in findings)


def test_parts_without_a_parts_rule_are_an_error(loaded_ccab: LoadedReferential) -> None:
    def change(doc: dict[str, Any]) -> None:
        del doc["blocks"][2]["scoring"]["parts_rule"]

    assert "UNKNOWN_REFERENCE" in codes(mutated(loaded_ccab, change), Severity.ERROR)


def test_printed_code_without_an_erratum_is_a_warning(loaded_ccab: LoadedReferential) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["errata"] = [e for e in doc["errata"] if e["subject"] != "B3Cr4bis"]

    assert "UNEXPLAINED_PRINTED_CODE" in codes(mutated(loaded_ccab, change), Severity.WARNING)


def test_points_criterion_without_a_maximum_is_an_error(loaded_ccab: LoadedReferential) -> None:
    def change(doc: dict[str, Any]) -> None:
        del doc["blocks"][3]["criteria"][2]["max_points"]

    assert "MISSING_MAX_POINTS" in codes(mutated(loaded_ccab, change), Severity.ERROR)


@pytest.mark.parametrize("kind", ["at_least", "equals"])
def test_condition_of_the_wrong_kind_is_an_error(loaded_ccab: LoadedReferential, kind: str) -> None:
    def change(doc: dict[str, Any]) -> None:
        conditions = doc["blocks"][4]["scoring"]["conditions"]
        if kind == "at_least":
            conditions[1] = {"criterion": conditions[1]["criterion"], "at_least": 1}
        else:
            conditions[0] = {"criterion": conditions[0]["criterion"], "equals": True}

    assert "INVALID_CONDITION" in codes(mutated(loaded_ccab, change), Severity.ERROR)
