"""The unit value object: one key, one label."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from certif.domain.referential.schema import Referential
from certif.domain.units import UnitRef, decided_units, enrolment_units

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
