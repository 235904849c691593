"""A unit: what a candidate enrols in, is graded on and has a decision about — a block without
parts (« B1 »), or one part of a block that has parts (« B3 », « pme »).

One value object for the whole application, with one way to write it as a key (``B3:pme``)
and one way to name it to a person (« B3 — PME », from the référentiel's own labels).
"""

from __future__ import annotations

from typing import NamedTuple

from certif.domain.referential.schema import Referential

# What separates the block from the part in a unit's key.
KEY_SEPARATOR = ":"
# The code of the certification itself where units are listed with it (a jury's decisions, a
# standing's sources); a référentiel's block codes never take it (``CODE_PATTERN`` aside, the
# linter refuses it).
CERTIFICATION = "CERT"


class UnitRef(NamedTuple):
    block: str
    part: str = ""

    @classmethod
    def parse(cls, text: str) -> UnitRef:
        """« B1 », « B3:pme » (a key) or « B3 pme » (as typed): the unit they name."""
        cleaned = " ".join(text.split())
        if KEY_SEPARATOR in cleaned:
            block, _, part = cleaned.partition(KEY_SEPARATOR)
        else:
            block, _, part = cleaned.partition(" ")
        return cls(block.strip(), part.strip())

    @property
    def key(self) -> str:
        """The unit as a form value or a journal key: « B1 », « B3:pme »."""
        return f"{self.block}{KEY_SEPARATOR}{self.part}" if self.part else self.block

    @property
    def is_part(self) -> bool:
        return bool(self.part)

    def label(self, referential: Referential | None = None) -> str:
        """« B1 », or « B3 — PME » with the part's label from the référentiel (its code when
        the référentiel is not at hand or does not know it)."""
        if not self.part:
            return self.block
        return f"{self.block} — {part_label(referential, self) if referential else self.part}"


def part_label(referential: Referential, unit: UnitRef) -> str:
    """The part's label as the référentiel writes it (« PME »); its code if unknown."""
    try:
        block = referential.block(unit.block)
    except KeyError:
        return unit.part
    return next((part.label for part in block.parts if part.code == unit.part), unit.part)


def enrolment_units(referential: Referential) -> list[UnitRef]:
    """Every unit one enrols in, in the référentiel's order: each block, or each part of a
    block with parts."""
    units: list[UnitRef] = []
    for block in referential.blocks:
        if block.parts:
            units += [UnitRef(block.code, part.code) for part in block.parts]
        else:
            units.append(UnitRef(block.code))
    return units


# What separates a unit from one of its block's modalities in a sitting's key (« B4/B4Me1 »).
MODALITY_SEPARATOR = "/"


class SittingRef(NamedTuple):
    """An épreuve that takes a slot of its own on the timetable and the convocation: a unit,
    or one modality of a unit whose block sits its modalities apart (B4's two case studies)."""

    unit: UnitRef
    modality: str = ""

    @property
    def key(self) -> str:
        """« B1 », « B3:pme », « B4/B4Me1 »."""
        if not self.modality:
            return self.unit.key
        return f"{self.unit.key}{MODALITY_SEPARATOR}{self.modality}"

    def label(self, referential: Referential | None = None) -> str:
        """« B1 », « B3 — PME », « B4 — B4Me1 »."""
        unit = self.unit.label(referential)
        return f"{unit} — {self.modality}" if self.modality else unit


def separate_modalities(referential: Referential, block_code: str) -> list[str]:
    """The codes of a block's modalities when each sits apart: a block without parts that has
    several modalities, each with a code (B4Me1 and B4Me2, two case studies of two hours).
    A block with parts sits by part; a block with one modality sits once."""
    block = referential.block(block_code)
    codes = [m.code for m in block.modalities if m.code]
    if block.parts or len(block.modalities) < 2 or len(codes) != len(block.modalities):
        return []
    return codes


def sittings(referential: Referential) -> list[SittingRef]:
    """Every épreuve with a slot of its own, in the référentiel's order: each unit one enrols
    in, or each modality of a unit whose modalities sit apart."""
    refs: list[SittingRef] = []
    for unit in enrolment_units(referential):
        apart = [] if unit.part else separate_modalities(referential, unit.block)
        refs += [SittingRef(unit, code) for code in apart] or [SittingRef(unit)]
    return refs


def decided_units(referential: Referential) -> list[UnitRef]:
    """Every unit with a decision of its own: each block, and each part of a block with parts."""
    units: list[UnitRef] = []
    for block in referential.blocks:
        units.append(UnitRef(block.code))
        units += [UnitRef(block.code, part.code) for part in block.parts]
    return units


def labelled(referential: Referential, units: list[UnitRef]) -> list[tuple[UnitRef, str]]:
    """The units with their labels, for a list or a form's choices."""
    return [(unit, unit.label(referential)) for unit in units]
