"""Stored decisions as the API gives them: statuses and scores from the stored summary,
explanations rendered from the stored decision in the reader's language. Nothing recomputed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from certif.results.models import CandidateResult


class PartResultOut(Schema):
    code: str
    status: str = Field(description="validated, not_validated, incomplete ou not_assessed")
    score: str | None = Field(None, description="Note sur le barème de la partie, deux décimales")


class BlockResultOut(Schema):
    code: str
    name: str
    status: str = Field(description="validated, not_validated, incomplete ou not_assessed")
    score: str | None = Field(None, description="Note du bloc, deux décimales (« 14.50 »)")
    parts: list[PartResultOut] = []
    explanation: str


class ResultOut(Schema):
    candidate: str
    certified: bool
    explanation: str
    referential_version: int
    computed_at: datetime
    blocks: list[BlockResultOut]


def result_out(result: CandidateResult, numero: str, lang: str) -> ResultOut:
    decision = result.decision
    stored: dict[str, Any] = (result.summary or {}).get("blocks", {})
    blocks = []
    for code, block in decision.blocks.items():
        summary = stored.get(code, {})
        blocks.append(
            BlockResultOut(
                code=code,
                name=block.name,
                status=block.status.value,
                score=summary.get("score"),
                parts=[
                    PartResultOut(code=part, status=values["status"], score=values.get("score"))
                    for part, values in summary.get("parts", {}).items()
                ],
                explanation=block.explanation(lang),
            )
        )
    return ResultOut(
        candidate=numero,
        certified=decision.certified,
        explanation=decision.explanation(lang),
        referential_version=result.referential_version_id,
        computed_at=result.computed_at,
        blocks=blocks,
    )
