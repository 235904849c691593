"""The linter on the shipped file, on the seed as printed, and on targeted faults."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from certif.domain.referential.lint import (
    Finding,
    FindingCode,
    Severity,
    has_errors,
    lint,
    schema_findings,
)
from certif.domain.referential.loading import (
    LoadedReferential,
    ReferentialFileError,
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


# -- deliverables ------------------------------------------------------------------------------

B1_MODALITY = ("blocks", 0, "modalities", 0)
B2_MODALITY = ("blocks", 1, "modalities", 0)
MEM_MODALITY = ("blocks", 4, "modalities", 0)


def deliverable(**fields: Any) -> dict[str, Any]:
    return {
        "code": "B2Support",
        "kind": "written_support",
        "label": "Support écrit",
        "due": {"days_before_epreuve": 7},
        **fields,
    }


def schema_problems(loaded: LoadedReferential, change: Callable[[dict[str, Any]], None]) -> str:
    document = yaml.safe_load(loaded.text)
    change(document)
    with pytest.raises(ReferentialFileError) as caught:
        parse_referential(yaml.safe_dump(document, allow_unicode=True), "modifié.yaml")
    findings = schema_findings(caught.value)
    assert codes(findings) == ["SCHEMA"] * len(findings)
    return str(caught.value)


def test_shipped_deliverables_raise_no_finding(loaded_ccab: LoadedReferential) -> None:
    findings = lint(loaded_ccab)
    assert not any("deliverables" in f.location for f in findings)


def test_a_file_without_any_deliverable_lints_as_before_deliverables_existed() -> None:
    findings = lint(load_referential_file(AS_PRINTED))
    assert not any("DELIVERABLE" in code for code in codes(findings))


def test_an_unknown_format_is_refused_by_the_schema_with_the_admitted_ones(
    loaded_ccab: LoadedReferential,
) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["blocks"][0]["modalities"][0]["deliverables"][0]["formats"] = ["pdf", "docx"]

    message = schema_problems(loaded_ccab, change)
    assert "blocks[0].modalities[0].deliverables[0].formats[1] : valeur non admise" in message
    assert "'pdf'" in message


@pytest.mark.parametrize("size", [0, -5])
def test_a_size_limit_of_zero_or_less_is_refused_by_the_schema(
    loaded_ccab: LoadedReferential, size: int
) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["blocks"][0]["modalities"][0]["deliverables"][0]["max_size_mb"] = size

    message = schema_problems(loaded_ccab, change)
    assert "deliverables[0].max_size_mb : doit être supérieur à 0" in message


def test_a_size_limit_above_200_mb_is_an_error(loaded_ccab: LoadedReferential) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["blocks"][0]["modalities"][0]["deliverables"][0]["max_size_mb"] = 201

    findings = mutated(loaded_ccab, change)
    limits = [f for f in findings if f.code is FindingCode.DELIVERABLE_LIMIT]
    assert [f.severity for f in limits] == [Severity.ERROR]
    assert limits[0].location == (*B1_MODALITY, "deliverables", 0, "max_size_mb")
    assert "B1Support accepte 201 Mo" in limits[0].message


def test_a_size_limit_of_exactly_200_mb_is_accepted(loaded_ccab: LoadedReferential) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["blocks"][0]["modalities"][0]["deliverables"][0]["max_size_mb"] = 200

    assert "DELIVERABLE_LIMIT" not in codes(mutated(loaded_ccab, change))


def test_a_negative_deadline_is_refused_by_the_schema(loaded_ccab: LoadedReferential) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["blocks"][0]["modalities"][0]["deliverables"][0]["due"] = {"days_before_epreuve": -1}

    message = schema_problems(loaded_ccab, change)
    assert "due.days_before_epreuve : doit être supérieur ou égal à 0" in message


@pytest.mark.parametrize(
    "due", [{}, {"days_before_epreuve": 7, "weeks_before_epreuve": 1}], ids=["none", "both"]
)
def test_a_deadline_needs_exactly_one_unit(
    loaded_ccab: LoadedReferential, due: dict[str, int]
) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["blocks"][0]["modalities"][0]["deliverables"][0]["due"] = due

    message = schema_problems(loaded_ccab, change)
    assert "deliverables[0].due : indiquer soit weeks_before_epreuve, soit days_before_epreuve" in (
        message
    )


def test_a_deadline_more_than_a_year_before_the_epreuve_is_an_error(
    loaded_ccab: LoadedReferential,
) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["blocks"][4]["modalities"][0]["deliverables"][0]["due"] = {"weeks_before_epreuve": 53}

    findings = mutated(loaded_ccab, change)
    invalid = [f for f in findings if f.code is FindingCode.INVALID_DEADLINE]
    assert [f.severity for f in invalid] == [Severity.ERROR]
    assert "MEMDocument serait à remettre 371 jours avant l'épreuve" in invalid[0].message


def test_a_deadline_a_year_before_the_epreuve_is_accepted(loaded_ccab: LoadedReferential) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["blocks"][4]["modalities"][0]["deliverables"][0]["due"] = {"days_before_epreuve": 365}

    assert "INVALID_DEADLINE" not in codes(mutated(loaded_ccab, change))


def test_a_written_support_without_its_deliverable_is_a_warning(
    loaded_ccab: LoadedReferential,
) -> None:
    def change(doc: dict[str, Any]) -> None:
        del doc["blocks"][0]["modalities"][0]["deliverables"]

    findings = mutated(loaded_ccab, change)
    missing = [f for f in findings if f.code is FindingCode.MISSING_DELIVERABLE]
    assert [(f.severity, f.location) for f in missing] == [
        (Severity.WARNING, (*B1_MODALITY, "written_support"))
    ]
    assert "B1 : la modalité prévoit un support écrit" in missing[0].message


def test_a_thesis_without_its_deliverable_is_a_warning(loaded_ccab: LoadedReferential) -> None:
    def change(doc: dict[str, Any]) -> None:
        del doc["blocks"][4]["modalities"][0]["deliverables"]

    findings = mutated(loaded_ccab, change)
    missing = [f for f in findings if f.code is FindingCode.MISSING_DELIVERABLE]
    assert [f.location for f in missing] == [(*MEM_MODALITY, "mode")]
    assert missing[0].severity is Severity.WARNING


def test_a_page_minimum_that_no_deliverable_checks_is_a_warning(
    loaded_ccab: LoadedReferential,
) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["blocks"][4]["modalities"][0]["deliverables"][0]["checks_min_pages"] = False

    findings = mutated(loaded_ccab, change)
    missing = [f for f in findings if f.code is FindingCode.MISSING_DELIVERABLE]
    assert [f.location for f in missing] == [(*MEM_MODALITY, "min_pages")]
    assert "minimum de 30 pages" in missing[0].message


def test_checking_a_page_minimum_the_modality_does_not_set_is_an_error(
    loaded_ccab: LoadedReferential,
) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["blocks"][0]["modalities"][0]["deliverables"][0]["checks_min_pages"] = True

    findings = mutated(loaded_ccab, change)
    unknown = [f for f in findings if f.code is FindingCode.UNKNOWN_REFERENCE]
    assert [(f.severity, f.location[-1]) for f in unknown] == [(Severity.ERROR, "checks_min_pages")]


def test_two_deliverables_of_the_same_kind_on_one_modality_are_an_error(
    loaded_ccab: LoadedReferential,
) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["blocks"][0]["modalities"][0]["deliverables"].append(deliverable(code="B1Bis"))

    findings = mutated(loaded_ccab, change)
    duplicates = [f for f in findings if f.code is FindingCode.DUPLICATE_DELIVERABLE]
    assert [(f.severity, f.location) for f in duplicates] == [
        (Severity.ERROR, (*B1_MODALITY, "deliverables", 1, "kind"))
    ]


def test_two_deliverables_with_one_code_are_a_duplicate_code(
    loaded_ccab: LoadedReferential,
) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["blocks"][1]["modalities"][0]["written_support"] = True
        doc["blocks"][1]["modalities"][0]["deliverables"] = [deliverable(code="B1Support")]

    findings = mutated(loaded_ccab, change)
    assert any(
        f.code is FindingCode.DUPLICATE_CODE and "livrable « B1Support »" in f.message
        for f in findings
    )


def test_a_written_support_on_a_modality_without_one_is_a_warning(
    loaded_ccab: LoadedReferential,
) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["blocks"][1]["modalities"][0]["deliverables"] = [deliverable()]

    findings = mutated(loaded_ccab, change)
    unexpected = [f for f in findings if f.code is FindingCode.UNEXPECTED_DELIVERABLE]
    assert [(f.severity, f.location) for f in unexpected] == [
        (Severity.WARNING, (*B2_MODALITY, "deliverables", 0, "kind"))
    ]


def test_a_thesis_on_a_modality_that_is_not_a_thesis_is_a_warning(
    loaded_ccab: LoadedReferential,
) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["blocks"][1]["modalities"][0]["deliverables"] = [deliverable(kind="thesis")]

    findings = mutated(loaded_ccab, change)
    unexpected = [f for f in findings if f.code is FindingCode.UNEXPECTED_DELIVERABLE]
    assert len(unexpected) == 1
    assert "n'est pas un mémoire professionnel" in unexpected[0].message


def test_a_deliverable_finding_points_at_its_line(loaded_ccab: LoadedReferential) -> None:
    text = loaded_ccab.text.replace("max_size_mb: 50", "max_size_mb: 500", 1)
    findings = lint(parse_referential(text, "modifié.yaml"))
    limit = next(f for f in findings if f.code is FindingCode.DELIVERABLE_LIMIT)
    assert limit.line is not None
    assert text.splitlines()[limit.line - 1].strip() == "max_size_mb: 500"
