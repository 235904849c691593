"""Properties of the rules engine that must hold for any scores (hypothesis)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from certif.domain.referential.loading import load_builtin_referential
from certif.domain.rules.engine import RulesEngine, Sheet
from certif.domain.rules.results import Status
from tests.support.builders import points_criteria

CCAB = load_builtin_referential().referential
ENGINE = RulesEngine(CCAB)
SESSIONS = ["2025-06", "2025-12", "2026-06", "2026-12"]


def points(maximum: Decimal) -> st.SearchStrategy[Decimal]:
    """A value a person may type: between 0 and the maximum, at most two decimals."""
    return st.integers(0, int(maximum * 100)).map(lambda cents: Decimal(cents) / 100)


@st.composite
def point_sheets(draw: st.DrawFn, block: str | None = None, complete: bool | None = None) -> Sheet:
    code = block or draw(st.sampled_from(["B1", "B2", "B3", "B4"]))
    spec = CCAB.block(code)
    is_complete = draw(st.booleans()) if complete is None else complete
    values = {}
    for criterion, maximum in points_criteria(spec):
        if is_complete or draw(st.booleans()):
            values[criterion] = draw(points(maximum))
    part = draw(st.sampled_from([p.code for p in spec.parts])) if spec.parts else None
    return Sheet(draw(st.sampled_from(SESSIONS)), code, values, part=part)


@st.composite
def thesis_sheets(draw: st.DrawFn) -> Sheet:
    values: dict[str, Decimal | bool | int] = {
        f"MEMCr{n}": draw(st.booleans()) for n in range(1, 5)
    }
    values["MEMPages"] = draw(st.integers(0, 120))
    return Sheet(draw(st.sampled_from(SESSIONS)), "MEM", values)


any_sheet = st.one_of(point_sheets(), thesis_sheets())


@given(point_sheets(complete=True), st.data())
def test_raising_a_point_never_unvalidates_a_block(original: Sheet, data: st.DataObject) -> None:
    spec = CCAB.block(original.block)
    code, maximum = data.draw(st.sampled_from(points_criteria(spec)))
    raised_value = data.draw(points(maximum).filter(lambda v: v >= original.values[code]))
    raised = Sheet(
        original.session,
        original.block,
        {**original.values, code: raised_value},
        part=original.part,
    )
    before = ENGINE.evaluate([original]).blocks[original.block]
    after = ENGINE.evaluate([raised]).blocks[original.block]
    unit_before = before.unit or before.parts[original.part or ""]
    unit_after = after.unit or after.parts[original.part or ""]
    assert unit_after.score is not None
    assert unit_before.score is not None
    assert unit_after.score >= unit_before.score
    if unit_before.validated:
        assert unit_after.validated


@given(st.lists(any_sheet, max_size=12), st.randoms())
def test_the_order_of_sheets_never_matters(sheets: list[Sheet], random: object) -> None:
    shuffled = list(sheets)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    assert ENGINE.evaluate(shuffled).to_dict() == ENGINE.evaluate(sheets).to_dict()


@given(st.lists(any_sheet, max_size=10), any_sheet)
def test_a_validated_block_stays_validated_whatever_is_added(
    sheets: list[Sheet], extra: Sheet
) -> None:
    before = ENGINE.evaluate(sheets)
    after = ENGINE.evaluate([*sheets, extra])
    for code, block in before.blocks.items():
        if block.validated:
            assert after.blocks[code].validated
        for part_code, part in block.parts.items():
            if part.validated:
                assert after.blocks[code].parts[part_code].validated
    if before.certified:
        assert after.certified


@settings(max_examples=300)
@given(point_sheets(block="B3", complete=True))
def test_b3_part_score_is_the_raw_sum_normalised_to_20(sheet: Sheet) -> None:
    raw = sum((Fraction(v) for v in sheet.values.values()), Fraction(0))
    maxima = sum((Fraction(m) for _, m in points_criteria(CCAB.block("B3"))), Fraction(0))
    part = ENGINE.evaluate([sheet]).blocks["B3"].parts[sheet.part or ""]
    assert part.score == raw * 20 / maxima
    assert part.validated == (raw * 20 >= 12 * maxima)


@given(st.lists(any_sheet, max_size=10))
def test_status_and_score_agree(sheets: list[Sheet]) -> None:
    for block in ENGINE.evaluate(sheets).blocks.values():
        units = [block.unit] if block.unit is not None else list(block.parts.values())
        for unit in units:
            if unit.status in (Status.NOT_ASSESSED, Status.INCOMPLETE):
                assert unit.score is None
            elif not unit.pass_fail:
                assert unit.score is not None
                assert unit.threshold is not None
                assert (unit.score >= unit.threshold) == (unit.status is Status.VALIDATED)
