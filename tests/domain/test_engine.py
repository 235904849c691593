"""The rules engine on the shipped référentiel: every boundary, then properties."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from certif.domain.referential.schema import Referential
from certif.domain.rules.engine import RulesEngine, Sheet, SheetError
from certif.domain.rules.results import CandidateResult, Status
from tests.support.builders import all_validated_sheets, full_sheet, sheet, thesis_sheet

# -- blocks scored on points ---------------------------------------------------------------


def test_b1_at_exactly_12_points_is_validated(engine: RulesEngine, ccab: Referential) -> None:
    result = engine.evaluate([sheet(ccab, "B1", "12")])
    assert result.blocks["B1"].status is Status.VALIDATED
    assert result.blocks["B1"].score == 12


def test_b1_at_11_99_points_is_not_validated(engine: RulesEngine, ccab: Referential) -> None:
    result = engine.evaluate([sheet(ccab, "B1", "11.99")])
    assert result.blocks["B1"].status is Status.NOT_VALIDATED
    assert result.blocks["B1"].score == Fraction("11.99")


def test_b1_explanation_names_score_session_and_threshold(
    engine: RulesEngine, ccab: Referential
) -> None:
    result = engine.evaluate([sheet(ccab, "B1", "14.5", session="2026-06")])
    assert (
        result.blocks["B1"].explanation() == "B1 validé : 14,50/20 (session 2026-06), seuil 12/20"
    )


def test_failed_block_explanation_says_best_score(engine: RulesEngine, ccab: Referential) -> None:
    result = engine.evaluate([sheet(ccab, "B2", "9"), sheet(ccab, "B2", "11.5", session="2026-12")])
    assert result.blocks["B2"].explanation() == (
        "B2 non validé : 11,50/20 (meilleure note, session 2026-12), seuil 12/20"
    )


def test_block_without_any_sheet_is_not_assessed(engine: RulesEngine) -> None:
    result = engine.evaluate([])
    assert result.blocks["B4"].status is Status.NOT_ASSESSED
    assert result.blocks["B4"].score is None
    assert result.blocks["B4"].explanation() == "B4 non évalué"


def test_incomplete_sheet_alone_makes_the_block_incomplete(
    engine: RulesEngine, ccab: Referential
) -> None:
    values = dict(full_sheet(ccab, "B1").values)
    del values["B1Cr5"]
    result = engine.evaluate([Sheet("2026-06", "B1", values)])
    block = result.blocks["B1"]
    assert block.status is Status.INCOMPLETE
    assert block.score is None
    assert block.explanation() == (
        "B1 incomplet : aucune feuille complète, sans note pour B1Cr5 (session 2026-06)"
    )


def test_incomplete_sheet_never_counts_as_zero(engine: RulesEngine, ccab: Referential) -> None:
    incomplete = Sheet("2026-12", "B1", {"B1Cr1": Decimal(0)})
    result = engine.evaluate([sheet(ccab, "B1", "11", session="2026-06"), incomplete])
    assert result.blocks["B1"].status is Status.NOT_VALIDATED
    assert result.blocks["B1"].score == 11
    assert result.blocks["B1"].unit is not None
    assert result.blocks["B1"].unit.session == "2026-06"


def test_retained_score_is_the_best_complete_sheet(engine: RulesEngine, ccab: Referential) -> None:
    result = engine.evaluate(
        [
            sheet(ccab, "B4", "13", "2026-06"),
            sheet(ccab, "B4", "16.25", "2026-12"),
            sheet(ccab, "B4", "12", "2027-06"),
        ]
    )
    assert result.blocks["B4"].score == Fraction("16.25")
    assert result.blocks["B4"].unit is not None
    assert result.blocks["B4"].unit.session == "2026-12"


def test_a_retake_validates_a_failed_block(engine: RulesEngine, ccab: Referential) -> None:
    result = engine.evaluate(
        [sheet(ccab, "B2", "8", "2026-06"), sheet(ccab, "B2", "12.5", "2026-12")]
    )
    assert result.blocks["B2"].status is Status.VALIDATED


def test_a_validated_block_stays_validated_after_a_worse_retake(
    engine: RulesEngine, ccab: Referential
) -> None:
    result = engine.evaluate(
        [sheet(ccab, "B2", "15", "2026-06"), sheet(ccab, "B2", "3", "2026-12")]
    )
    assert result.blocks["B2"].status is Status.VALIDATED
    assert result.blocks["B2"].score == 15


# -- B3 and its parts -----------------------------------------------------------------------


def test_b3_part_at_exactly_13_8_raw_points_is_validated_with_12_00(
    engine: RulesEngine, ccab: Referential
) -> None:
    result = engine.evaluate([sheet(ccab, "B3", "13.8", part="eti")])
    part = result.blocks["B3"].parts["eti"]
    assert part.status is Status.VALIDATED
    assert part.score == 12
    assert result.blocks["B3"].summary()["parts"]["eti"]["score"] == "12.00"


def test_b3_part_at_13_75_raw_points_is_not_validated_with_11_96(
    engine: RulesEngine, ccab: Referential
) -> None:
    result = engine.evaluate([sheet(ccab, "B3", "13.75", part="eti")])
    part = result.blocks["B3"].parts["eti"]
    assert part.status is Status.NOT_VALIDATED
    assert part.score == Fraction(275, 23)
    assert result.blocks["B3"].summary()["parts"]["eti"]["score"] == "11.96"


def test_b3_part_score_is_raw_times_20_over_23(engine: RulesEngine, ccab: Referential) -> None:
    result = engine.evaluate([sheet(ccab, "B3", "23", part="pme")])
    assert result.blocks["B3"].parts["pme"].score == 20


def test_b3_is_validated_when_its_three_parts_are(engine: RulesEngine, ccab: Referential) -> None:
    sheets = [sheet(ccab, "B3", "14", part=code) for code in ("particulier", "pme", "eti")]
    assert engine.evaluate(sheets).blocks["B3"].status is Status.VALIDATED


def test_b3_with_one_failed_part_explains_that_part(engine: RulesEngine, ccab: Referential) -> None:
    sheets = [
        sheet(ccab, "B3", "14", part="particulier"),
        sheet(ccab, "B3", "14", part="pme"),
        sheet(ccab, "B3", "13.75", part="eti"),
    ]
    block = engine.evaluate(sheets).blocks["B3"]
    assert block.status is Status.NOT_VALIDATED
    assert block.explanation() == "B3 non validé : partie ETI 11,96/20, seuil 12/20"


def test_b3_parts_validated_in_different_sessions_validate_b3(
    engine: RulesEngine, ccab: Referential
) -> None:
    sheets = [
        sheet(ccab, "B3", "15", "2026-06", part="particulier"),
        sheet(ccab, "B3", "15", "2026-06", part="pme"),
        sheet(ccab, "B3", "10", "2026-06", part="eti"),
        sheet(ccab, "B3", "14", "2026-12", part="eti"),
    ]
    assert engine.evaluate(sheets).blocks["B3"].status is Status.VALIDATED


def test_b3_without_any_part_sheet_is_not_assessed(engine: RulesEngine) -> None:
    assert engine.evaluate([]).blocks["B3"].status is Status.NOT_ASSESSED


def test_b3_with_parts_missing_is_not_validated(engine: RulesEngine, ccab: Referential) -> None:
    block = engine.evaluate([sheet(ccab, "B3", "20", part="pme")]).blocks["B3"]
    assert block.status is Status.NOT_VALIDATED
    assert block.explanation() == (
        "B3 non validé : partie particulier non évaluée ; partie ETI non évaluée"
    )


def test_b3_with_only_an_incomplete_part_is_incomplete(engine: RulesEngine) -> None:
    block = engine.evaluate([Sheet("2026-06", "B3", {"B3Cr1": Decimal(2)}, part="pme")]).blocks[
        "B3"
    ]
    assert block.status is Status.INCOMPLETE
    assert block.parts["pme"].status is Status.INCOMPLETE


def test_b3_sheet_without_a_part_is_refused(engine: RulesEngine, ccab: Referential) -> None:
    with pytest.raises(SheetError, match="partie inconnue"):
        engine.evaluate([sheet(ccab, "B3", "14")])


def test_a_part_on_a_block_without_parts_is_refused(engine: RulesEngine, ccab: Referential) -> None:
    with pytest.raises(SheetError, match="n'a pas de parties"):
        engine.evaluate([sheet(ccab, "B1", "14", part="pme")])


def test_parts_must_pass_in_one_session_when_not_capitalised(ccab: Referential) -> None:
    b3 = ccab.block("B3")
    strict_block = b3.model_copy(
        update={"scoring": b3.scoring.model_copy(update={"capitalise_parts": False})}
    )
    strict = ccab.model_copy(
        update={"blocks": [strict_block if b.code == "B3" else b for b in ccab.blocks]}
    )
    sheets = [
        sheet(ccab, "B3", "15", "2026-06", part="particulier"),
        sheet(ccab, "B3", "15", "2026-06", part="pme"),
        sheet(ccab, "B3", "10", "2026-06", part="eti"),
        sheet(ccab, "B3", "14", "2026-12", part="eti"),
    ]
    assert RulesEngine(strict).evaluate(sheets).blocks["B3"].status is Status.NOT_VALIDATED


# -- the mémoire ----------------------------------------------------------------------------


def test_memoire_with_30_pages_and_four_yes_is_validated(
    engine: RulesEngine, ccab: Referential
) -> None:
    block = engine.evaluate([thesis_sheet(ccab, "MEM", MEMPages=30)]).blocks["MEM"]
    assert block.status is Status.VALIDATED
    assert block.score is None


def test_memoire_with_29_pages_is_not_validated(engine: RulesEngine, ccab: Referential) -> None:
    block = engine.evaluate([thesis_sheet(ccab, "MEM", MEMPages=29)]).blocks["MEM"]
    assert block.status is Status.NOT_VALIDATED
    assert block.explanation() == (
        "Mémoire professionnel non validé (session 2026-06) : MEMPages = 29, minimum 30"
    )


def test_memoire_with_one_no_is_not_validated(engine: RulesEngine, ccab: Referential) -> None:
    block = engine.evaluate([thesis_sheet(ccab, "MEM", MEMCr3=False)]).blocks["MEM"]
    assert block.status is Status.NOT_VALIDATED
    assert "MEMCr3 : non" in block.explanation()


def test_memoire_without_page_count_is_incomplete(engine: RulesEngine, ccab: Referential) -> None:
    complete = thesis_sheet(ccab, "MEM")
    values = {code: value for code, value in complete.values.items() if code != "MEMPages"}
    block = engine.evaluate([Sheet("2026-06", "MEM", values)]).blocks["MEM"]
    assert block.status is Status.INCOMPLETE


# -- the certification ----------------------------------------------------------------------


def test_candidate_with_every_block_validated_is_certified(
    engine: RulesEngine, ccab: Referential
) -> None:
    result = engine.evaluate(all_validated_sheets(ccab))
    assert result.certified
    assert result.explanation() == (
        "Certification obtenue : B1, B2, B3, B4 et Mémoire professionnel validés."
    )


def test_candidate_missing_a_block_is_not_certified_and_told_why(
    engine: RulesEngine, ccab: Referential
) -> None:
    sheets = [s for s in all_validated_sheets(ccab) if s.block != "B4"]
    sheets.append(sheet(ccab, "B4", "11"))
    result = engine.evaluate(sheets)
    assert not result.certified
    assert result.explanation() == "Certification non obtenue : B4 non validé."


def test_explanations_exist_in_english(engine: RulesEngine, ccab: Referential) -> None:
    result = engine.evaluate([sheet(ccab, "B3", "13.75", part="eti")])
    assert result.blocks["B3"].explanation("en") == (
        "B3 not validated: part particulier not assessed; part PME not assessed; part ETI 11.96/20, threshold 12/20"
    )


def test_unknown_block_or_criterion_is_refused(engine: RulesEngine) -> None:
    with pytest.raises(SheetError):
        engine.evaluate([Sheet("2026-06", "B9", {})])
    with pytest.raises(SheetError, match="B2Cr1"):
        engine.evaluate([Sheet("2026-06", "B1", {"B2Cr1": Decimal(1)})])


def test_results_survive_a_round_trip_through_their_stored_form(
    engine: RulesEngine, ccab: Referential
) -> None:
    result = engine.evaluate(
        [sheet(ccab, "B3", "13.75", part="eti"), thesis_sheet(ccab, "MEM", MEMPages=12)]
    )
    again = CandidateResult.from_dict(result.to_dict())
    assert again == result
    assert again.blocks["B3"].explanation() == result.blocks["B3"].explanation()


# -- validity period ------------------------------------------------------------------------


def _with_validity(ccab: Referential, years: int) -> Referential:
    certification = ccab.certification.model_copy(update={"validity_years": years})
    return ccab.model_copy(update={"certification": certification})


def test_validated_block_expires_after_its_validity_period(ccab: Referential) -> None:
    engine = RulesEngine(_with_validity(ccab, 5))
    old = Sheet("2020-06", "B1", sheet(ccab, "B1", "15").values, session_date=date(2020, 6, 15))
    block = engine.evaluate([old], as_of=date(2025, 6, 15)).blocks["B1"]
    assert block.status is Status.NOT_VALIDATED
    assert block.explanation().endswith("validation expirée")


def test_validated_block_holds_the_day_before_it_expires(ccab: Referential) -> None:
    engine = RulesEngine(_with_validity(ccab, 5))
    old = Sheet("2020-06", "B1", sheet(ccab, "B1", "15").values, session_date=date(2020, 6, 15))
    assert engine.evaluate([old], as_of=date(2025, 6, 14)).blocks["B1"].validated


def test_blocks_are_acquired_for_life_by_default(engine: RulesEngine, ccab: Referential) -> None:
    old = Sheet("1990-06", "B1", sheet(ccab, "B1", "15").values, session_date=date(1990, 6, 1))
    assert engine.evaluate([old], as_of=date(2026, 11, 28)).blocks["B1"].validated


# -- a sheet in progress ----------------------------------------------------------------------


def test_preview_of_a_partial_b3_part_gives_the_running_normalised_total(
    engine: RulesEngine, ccab: Referential
) -> None:
    preview = engine.preview(
        Sheet("2026-06", "B3", {"B3Cr1": Decimal("2"), "B3Cr2": Decimal("2.6")}, part="pme")
    )
    assert preview.running == Fraction("4.6") * 20 / 23
    assert preview.status is Status.INCOMPLETE
    assert preview.passed is None


def test_preview_of_a_complete_sheet_at_the_threshold_passes(
    engine: RulesEngine, ccab: Referential
) -> None:
    preview = engine.preview(sheet(ccab, "B1", "12"))
    assert preview.running == 12
    assert preview.status is Status.VALIDATED
