"""Drawn cases in the référentiel: which épreuves give a case (from the file, never a list in
code), their slots, the linter's checks, and files without them hashing as before."""

from __future__ import annotations

from typing import Any

import yaml

from certif.domain.referential.lint import FindingCode, lint
from certif.domain.referential.loading import LoadedReferential, parse_referential
from certif.domain.referential.schema import CaseKind, Referential


def _mutated(loaded: LoadedReferential, change: Any) -> list[str]:
    document = yaml.safe_load(loaded.text)
    change(document)
    text = yaml.safe_dump(document, allow_unicode=True)
    return [f.code.value for f in lint(parse_referential(text, "modifié.yaml"))]


def _block(document: dict[str, Any], code: str) -> dict[str, Any]:
    return next(b for b in document["blocks"] if b["code"] == code)


def test_the_title_gives_a_scenario_three_client_cases_and_two_case_studies(
    ccab: Referential,
) -> None:
    slots = ccab.case_slots()
    assert [slot.key for slot in slots] == [
        "B2", "B3:particulier", "B3:pme", "B3:eti", "B4Me1", "B4Me2",
    ]  # fmt: skip
    assert ccab.case_slot("B2").case.client_script
    assert ccab.case_slot("B3:pme").case.kind is CaseKind.CLIENT_CASE
    assert ccab.case_slot("B4Me2").unit == ("B4", "")


def test_a_slot_label_names_the_block_the_part_and_the_modality(ccab: Referential) -> None:
    assert ccab.case_slot("B3:pme").label == "B3 — PME"
    assert ccab.case_slot("B4Me1").label == "B4 — B4Me1"


def test_a_case_per_part_in_a_block_without_parts_is_an_unknown_reference(
    loaded_ccab: LoadedReferential,
) -> None:
    def change(document: dict[str, Any]) -> None:
        _block(document, "B2")["modalities"][0]["drawn_case"]["per_part"] = True

    assert FindingCode.UNKNOWN_REFERENCE.value in _mutated(loaded_ccab, change)


def test_two_drawn_cases_in_a_block_need_their_modalities_codes(
    loaded_ccab: LoadedReferential,
) -> None:
    def change(document: dict[str, Any]) -> None:
        del _block(document, "B4")["modalities"][1]["code"]

    assert FindingCode.AMBIGUOUS_CASE.value in _mutated(loaded_ccab, change)


def test_a_file_without_drawn_cases_dumps_without_the_key(ccab: Referential) -> None:
    document = ccab.model_dump(mode="json")
    for block in document["blocks"]:
        for modality in block["modalities"]:
            modality.pop("drawn_case", None)
    plain = Referential.model_validate(document)
    dumped = plain.model_dump(mode="json")
    assert all("drawn_case" not in m for b in dumped["blocks"] for m in b["modalities"])
