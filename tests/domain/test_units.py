"""The unit value object: one key, one label."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from certif.domain.referential.schema import Referential
from certif.domain.units import (
    SittingRef,
    UnitRef,
    decided_units,
    enrolment_units,
    separate_modalities,
    sittings,
)

codes = st.from_regex(r"[A-Za-z0-9_-]{1,12}", fullmatch=True)


@given(codes, st.one_of(st.just(""), codes))
def test_a_unit_reads_back_from_its_key(block: str, part: str) -> None:
    unit = UnitRef(block, part)
    assert UnitRef.parse(unit.key) == unit


def test_a_unit_typed_with_a_space_is_the_same_unit() -> None:
    assert UnitRef.parse("B3  pme") == UnitRef("B3", "pme")


def test_one_enrols_in_each_part_of_a_block_with_parts_never_in_the_block(
    ccab: Referential,
) -> None:
    units = enrolment_units(ccab)
    with_parts = [block for block in ccab.blocks if block.parts]
    assert with_parts
    for block in with_parts:
        assert UnitRef(block.code) not in units
        assert all(UnitRef(block.code, part.code) in units for part in block.parts)


def test_a_block_with_parts_has_a_decision_of_its_own_and_one_per_part(ccab: Referential) -> None:
    block = next(block for block in ccab.blocks if block.parts)
    decided = decided_units(ccab)
    assert UnitRef(block.code) in decided
    assert len([u for u in decided if u.block == block.code]) == len(block.parts) + 1


def test_without_the_referential_a_part_reads_by_its_code() -> None:
    assert UnitRef("B3", "pme").label() == "B3 — pme"


def test_a_block_whose_modalities_each_have_a_code_sits_each_of_them_apart(
    ccab: Referential,
) -> None:
    apart = [b for b in ccab.blocks if not b.parts and len(b.modalities) > 1]
    assert apart
    for block in apart:
        refs = [ref for ref in sittings(ccab) if ref.unit.block == block.code]
        assert refs == [SittingRef(UnitRef(block.code), m.code or "") for m in block.modalities]


def test_a_block_with_parts_or_one_modality_sits_once_per_unit(ccab: Referential) -> None:
    once = {b.code for b in ccab.blocks if b.parts or len(b.modalities) < 2}
    refs = [ref for ref in sittings(ccab) if ref.unit.block in once]
    assert refs == [SittingRef(unit) for unit in enrolment_units(ccab) if unit.block in once]
    assert all(separate_modalities(ccab, code) == [] for code in once)


def test_a_sitting_is_named_by_its_unit_and_its_modality() -> None:
    sitting = SittingRef(UnitRef("B4"), "B4Me2")
    assert (sitting.key, sitting.label()) == ("B4/B4Me2", "B4 — B4Me2")
