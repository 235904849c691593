"""The engine's boundaries, on every référentiel the tests know (the title's and a small one with
other totals and thresholds): every number here is read from the référentiel."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from certif.domain.referential.schema import Block, PassFailScoring, PointsScoring, Referential
from certif.domain.rules.engine import RulesEngine, Sheet
from certif.domain.rules.results import Status
from tests.support.builders import points_criteria, values_totalling

HUNDREDTH = Decimal("0.01")


def points_blocks(referential: Referential, with_parts: bool) -> list[Block]:
    return [
        block
        for block in referential.blocks
        if isinstance(block.scoring, PointsScoring) and bool(block.parts) == with_parts
    ]


def scoring(block: Block) -> PointsScoring:
    assert isinstance(block.scoring, PointsScoring)
    return block.scoring


def raw_threshold(block: Block) -> Fraction:
    """The raw points at which the block's rule is met (normalisation undone)."""
    rule = scoring(block)
    maxima = sum((maximum for _code, maximum in points_criteria(block)), Decimal(0))
    if rule.normalisation == "proportional":
        return Fraction(rule.threshold) * Fraction(maxima) / Fraction(rule.out_of)
    return Fraction(rule.threshold)


def lowest_passing(block: Block) -> Decimal:
    """The smallest total in hundredths whose score reaches the threshold."""
    threshold = raw_threshold(block)
    hundredths = -(-threshold * 100 // 1)
    return Decimal(int(hundredths)).scaleb(-2)


def sheet(block: Block, total: Decimal, part: str | None = None) -> Sheet:
    return Sheet("S1", block.code, values_totalling(block, total), part=part)


def test_every_referential_has_a_block_of_each_kind(any_referential: Referential) -> None:
    assert points_blocks(any_referential, with_parts=False)
    assert points_blocks(any_referential, with_parts=True)
    assert any(isinstance(b.scoring, PassFailScoring) for b in any_referential.blocks)


def test_a_block_at_its_threshold_is_validated(any_referential: Referential) -> None:
    engine = RulesEngine(any_referential)
    for block in points_blocks(any_referential, with_parts=False):
        result = engine.evaluate([sheet(block, lowest_passing(block))])
        assert result.blocks[block.code].status is Status.VALIDATED, block.code


def test_a_hundredth_below_the_threshold_is_not_validated(any_referential: Referential) -> None:
    engine = RulesEngine(any_referential)
    for block in points_blocks(any_referential, with_parts=False):
        result = engine.evaluate([sheet(block, lowest_passing(block) - HUNDREDTH)])
        assert result.blocks[block.code].status is Status.NOT_VALIDATED, block.code


def test_a_score_is_the_raw_total_on_the_block_s_own_scale(any_referential: Referential) -> None:
    engine = RulesEngine(any_referential)
    for block in points_blocks(any_referential, with_parts=True):
        maxima = sum((m for _c, m in points_criteria(block)), Decimal(0))
        part = block.parts[0].code
        result = engine.evaluate([sheet(block, maxima, part)])
        assert result.blocks[block.code].parts[part].score == Fraction(scoring(block).out_of)


def test_a_block_with_parts_needs_every_part_at_its_threshold(
    any_referential: Referential,
) -> None:
    engine = RulesEngine(any_referential)
    for block in points_blocks(any_referential, with_parts=True):
        passing = [sheet(block, lowest_passing(block), part.code) for part in block.parts]
        assert engine.evaluate(passing).blocks[block.code].status is Status.VALIDATED
        short = [
            *passing[:-1],
            sheet(block, lowest_passing(block) - HUNDREDTH, block.parts[-1].code),
        ]
        assert engine.evaluate(short).blocks[block.code].status is Status.NOT_VALIDATED


@pytest.mark.parametrize("shortfall", [0, 1])
def test_a_pass_fail_unit_needs_each_condition_at_its_bound(
    any_referential: Referential, shortfall: int
) -> None:
    engine = RulesEngine(any_referential)
    for block in any_referential.blocks:
        rule = block.scoring
        if not isinstance(rule, PassFailScoring):
            continue
        values: dict[str, Decimal | bool | int] = {}
        for condition in rule.conditions:
            if condition.at_least is not None:
                values[condition.criterion] = condition.at_least - shortfall
            else:
                values[condition.criterion] = bool(condition.equals)
        status = engine.evaluate([Sheet("S1", block.code, values)]).blocks[block.code].status
        assert status is (Status.VALIDATED if shortfall == 0 else Status.NOT_VALIDATED)


def test_the_best_complete_sheet_counts_across_sessions(any_referential: Referential) -> None:
    engine = RulesEngine(any_referential)
    block = points_blocks(any_referential, with_parts=False)[0]
    low = Sheet("S1", block.code, values_totalling(block, lowest_passing(block) - HUNDREDTH))
    high = Sheet("S2", block.code, values_totalling(block, lowest_passing(block)))
    unit = engine.evaluate([low, high]).blocks[block.code].unit
    assert unit is not None
    assert (unit.status, unit.session) == (Status.VALIDATED, "S2")


def test_certification_needs_every_required_unit(any_referential: Referential) -> None:
    engine = RulesEngine(any_referential)
    sheets: list[Sheet] = []
    for block in any_referential.blocks:
        if isinstance(block.scoring, PassFailScoring):
            values: dict[str, Decimal | bool | int] = {
                c.criterion: c.at_least if c.at_least is not None else bool(c.equals)
                for c in block.scoring.conditions
            }
            sheets.append(Sheet("S1", block.code, values))
        elif block.parts:
            sheets += [sheet(block, lowest_passing(block), part.code) for part in block.parts]
        else:
            sheets.append(sheet(block, lowest_passing(block)))
    assert engine.evaluate(sheets).certified
    assert not engine.evaluate(sheets[1:]).certified


# -- a block with parts (rule of issue 11: B3 follows its parts) ------------------------------


def _parts_block(referential: Referential) -> Block:
    return points_blocks(referential, with_parts=True)[0]


def _part_sheet(block: Block, part: str, outcome: str) -> Sheet:
    if outcome == "validated":
        return sheet(block, lowest_passing(block), part)
    if outcome == "not_validated":
        return sheet(block, lowest_passing(block) - HUNDREDTH, part)
    first = points_criteria(block)[0]
    return Sheet("S1", block.code, {first[0]: first[1]}, part=part)  # incomplete


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        (("validated", "validated"), Status.VALIDATED),
        (("validated", "not_validated"), Status.NOT_VALIDATED),
        (("incomplete", "not_validated"), Status.NOT_VALIDATED),
        (("incomplete", "validated"), Status.INCOMPLETE),
        (("incomplete", None), Status.INCOMPLETE),
        (("validated", None), Status.NOT_VALIDATED),
        ((None, None), Status.NOT_ASSESSED),
    ],
)
def test_a_block_with_parts_follows_its_parts(
    any_referential: Referential, outcomes: tuple[str | None, ...], expected: Status
) -> None:
    # The first outcome is the first part's, the second every other part's.
    block = _parts_block(any_referential)
    first, others = outcomes
    chosen = [first, *([others] * (len(block.parts) - 1))]
    given = [
        _part_sheet(block, part.code, outcome)
        for part, outcome in zip(block.parts, chosen, strict=True)
        if outcome is not None
    ]
    assert RulesEngine(any_referential).evaluate(given).blocks[block.code].status is expected


def test_a_validated_part_and_parts_not_yet_assessed_name_what_remains(
    any_referential: Referential,
) -> None:
    block = _parts_block(any_referential)
    result = RulesEngine(any_referential).evaluate(
        [_part_sheet(block, block.parts[0].code, "validated")]
    )
    remaining = block.parts[-1]
    assert f"{remaining.label} non évaluée" in result.blocks[block.code].explanation()


def test_a_unit_whose_grading_is_unfinished_waits_unless_already_validated(
    any_referential: Referential,
) -> None:
    engine = RulesEngine(any_referential)
    block = points_blocks(any_referential, with_parts=False)[0]
    waiting = engine.evaluate([], unfinished={(block.code, None): "S2"}).blocks[block.code]
    assert waiting.status is Status.INCOMPLETE
    assert "notation de la session S2 inachevée" in waiting.explanation()
    passed = [sheet(block, lowest_passing(block))]
    kept = engine.evaluate(passed, unfinished={(block.code, None): "S2"}).blocks[block.code]
    assert kept.status is Status.VALIDATED
