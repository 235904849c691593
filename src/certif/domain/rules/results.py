"""What the rules engine decides, as plain immutable values.

Results carry everything their explanation needs, so that a stored result can be
explained again (in French or English) without running the engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import Any

from certif.domain.numbers import fraction_from_text, fraction_to_text, score_to_string

# Where a decision comes from, in the public summaries: the rules (a jury's word is laid over it
# by the official standing, ``"source": "jury"``).
ENGINE = "engine"


class Status(StrEnum):
    VALIDATED = "validated"
    NOT_VALIDATED = "not_validated"
    INCOMPLETE = "incomplete"
    NOT_ASSESSED = "not_assessed"


@dataclass(frozen=True, slots=True)
class Failure:
    """A pass/fail condition that the retained sheet does not meet."""

    criterion: str
    value: str
    expected: str  # "at_least:30" or "equals:true"

    def to_dict(self) -> dict[str, str]:
        return {"criterion": self.criterion, "value": self.value, "expected": self.expected}


@dataclass(frozen=True, slots=True)
class UnitResult:
    """The decision on one assessed unit: a block without parts, a B3 part, or the mémoire.

    ``score`` is the retained (best complete) score, exact; ``session`` is the
    session of that sheet, or of the most complete sheet when none is complete.
    """

    name: str
    status: Status
    is_part: bool = False
    pass_fail: bool = False
    score: Fraction | None = None
    session: str | None = None
    out_of: Fraction | None = None
    threshold: Fraction | None = None
    missing: tuple[str, ...] = ()
    failures: tuple[Failure, ...] = ()
    expired: bool = False
    # The session whose grading of this unit is not finished yet: the unit waits for it.
    unfinished: str | None = None

    @property
    def validated(self) -> bool:
        return self.status is Status.VALIDATED

    def to_dict(self) -> dict[str, Any]:
        """Compact stored form: fields at their default are left out."""
        data: dict[str, Any] = {"name": self.name, "status": self.status.value}
        if self.is_part:
            data["is_part"] = True
        if self.pass_fail:
            data["pass_fail"] = True
        for key in ("score", "out_of", "threshold"):
            value = getattr(self, key)
            if value is not None:
                data[key] = fraction_to_text(value)
        if self.session is not None:
            data["session"] = self.session
        if self.missing:
            data["missing"] = list(self.missing)
        if self.failures:
            data["failures"] = [failure.to_dict() for failure in self.failures]
        if self.expired:
            data["expired"] = True
        if self.unfinished is not None:
            data["unfinished"] = self.unfinished
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> UnitResult:
        return cls(
            name=data["name"],
            status=Status(data["status"]),
            is_part=data.get("is_part", False),
            pass_fail=data.get("pass_fail", False),
            score=fraction_from_text(data.get("score")),
            session=data.get("session"),
            out_of=fraction_from_text(data.get("out_of")),
            threshold=fraction_from_text(data.get("threshold")),
            missing=tuple(data.get("missing", ())),
            failures=tuple(Failure(**failure) for failure in data.get("failures", ())),
            expired=data.get("expired", False),
            unfinished=data.get("unfinished"),
        )


@dataclass(frozen=True, slots=True)
class BlockResult:
    """A block's decision: from its own sheets (``unit``) or from its parts."""

    code: str
    name: str
    status: Status
    unit: UnitResult | None = None
    parts: Mapping[str, UnitResult] = field(default_factory=dict)

    @property
    def score(self) -> Fraction | None:
        return self.unit.score if self.unit is not None else None

    @property
    def validated(self) -> bool:
        return self.status is Status.VALIDATED

    def explanation(self, lang: str = "fr") -> str:
        from certif.domain.rules.explain import explain_block

        return explain_block(self, lang)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "name": self.name, "status": self.status.value}
        if self.unit is not None:
            data["unit"] = self.unit.to_dict()
        if self.parts:
            data["parts"] = {code: part.to_dict() for code, part in self.parts.items()}
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BlockResult:
        unit = data.get("unit")
        return cls(
            code=data["code"],
            name=data["name"],
            status=Status(data["status"]),
            unit=UnitResult.from_dict(unit) if unit is not None else None,
            parts={
                code: UnitResult.from_dict(part) for code, part in data.get("parts", {}).items()
            },
        )

    def summary(self) -> dict[str, Any]:
        """The stable public form: status, score with two decimals, parts."""
        summary: dict[str, Any] = {"status": self.status.value}
        if self.parts:
            summary["parts"] = {
                code: {"status": part.status.value, "score": score_to_string(part.score)}
                for code, part in self.parts.items()
            }
        elif self.unit is not None and not self.unit.pass_fail:
            summary["score"] = score_to_string(self.score)
        # The rules decided it; where a jury has decided, the official standing says so.
        summary["source"] = ENGINE
        return summary


@dataclass(frozen=True, slots=True)
class CandidateResult:
    referential: str
    blocks: Mapping[str, BlockResult]
    certified: bool
    required: tuple[str, ...]

    def explanation(self, lang: str = "fr") -> str:
        from certif.domain.rules.explain import explain_certification

        return explain_certification(self, lang)

    def summary(self) -> dict[str, Any]:
        """The stable public form (``certif results --format json``), without the candidate."""
        return {
            "certified": self.certified,
            "source": ENGINE,
            "blocks": {code: block.summary() for code, block in self.blocks.items()},
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "referential": self.referential,
            "certified": self.certified,
            "required": list(self.required),
            "blocks": {code: block.to_dict() for code, block in self.blocks.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CandidateResult:
        return cls(
            referential=data["referential"],
            certified=data["certified"],
            required=tuple(data["required"]),
            blocks={code: BlockResult.from_dict(block) for code, block in data["blocks"].items()},
        )
