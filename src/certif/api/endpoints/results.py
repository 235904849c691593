"""Official standings as the API gives them: each unit and the certification as the last closed
jury decision says where there is one (``"source": "jury"``, with the deliberation), otherwise
as the rules decided (``"source": "engine"``); scores from the stored summary, explanations in
the reader's language. Nothing recomputed."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Schema

from certif.deliberations.standing import Standing, UnitStanding, standings_of, unit_text
from certif.results.models import CandidateResult


class PartResultOut(Schema):
    code: str
    status: str = Field(description="validated, not_validated, incomplete ou not_assessed")
    score: str | None = Field(None, description="Note sur le barème de la partie, deux décimales")


class ActOut(Schema):
    session: str
    number: int
    date: date


SOURCE = Field(
    description="« jury » : la dernière décision close d'un jury ; « engine » : la proposition du moteur"
)


class BlockResultOut(Schema):
    code: str
    name: str
    status: str = Field(description="validated, not_validated, incomplete ou not_assessed")
    score: str | None = Field(None, description="Note du bloc, deux décimales (« 14.50 »)")
    parts: list[PartResultOut] = []
    explanation: str
    source: Literal["jury", "engine"] = SOURCE
    deliberation: ActOut | None = None


class ResultOut(Schema):
    candidate: str
    certified: bool
    source: Literal["jury", "engine"] = SOURCE
    deliberation: ActOut | None = None
    explanation: str
    referential_version: int
    computed_at: datetime
    blocks: list[BlockResultOut]


def _act(unit: UnitStanding) -> ActOut | None:
    act = unit.act
    return ActOut(session=act.session, number=act.number, date=act.date) if act else None


def result_out(result: CandidateResult, numero: str, lang: str, official: Standing) -> ResultOut:
    """The candidate's official standing (``official``), with the stored result's scores."""
    stored: dict[str, Any] = (result.summary or {}).get("blocks", {})
    blocks = []
    for code, block in official.result().blocks.items():
        summary = stored.get(code, {})
        unit = official.units[code]
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
                explanation=block.explanation(lang) if unit.act is None else unit_text(unit, lang),
                source=unit.source,
                deliberation=_act(unit),
            )
        )
    return ResultOut(
        candidate=numero,
        certified=official.certified,
        source=official.certification.source,
        deliberation=_act(official.certification),
        explanation=official.explanation(lang),
        referential_version=result.referential_version_id,
        computed_at=result.computed_at,
        blocks=blocks,
    )


def results_out(rows: list[CandidateResult], lang: str) -> list[ResultOut]:
    """Several stored results with their standings (one query for the juries' words)."""
    found = standings_of([(row.candidate_id, row.decision) for row in rows])
    return [result_out(row, row.candidate.numero, lang, found[row.candidate_id]) for row in rows]
