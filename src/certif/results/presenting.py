"""Results as people and programs read them: JSON, CSV rows, a text table."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from certif.domain.numbers import format_score
from certif.domain.referential.schema import Block as BlockSpec
from certif.domain.referential.schema import Referential
from certif.domain.rules.explain import explain_in_full, status_label
from certif.domain.rules.results import ENGINE, BlockResult, CandidateResult, Status
from certif.domain.units import CERTIFICATION


@dataclass(frozen=True)
class Official:
    """What a table shows of one candidate: the decision (the rules', or the official standing
    in the rules' shape), where each unit's word comes from (``engine`` unless said) and its
    explanation."""

    result: CandidateResult
    explanation: str
    sources: Mapping[str, str] = field(default_factory=dict)

    @property
    def certified(self) -> bool:
        return self.result.certified

    @classmethod
    def of_rules(cls, result: CandidateResult, lang: str = "fr") -> Official:
        return cls(result, explanation(result, lang))


def _status(status: Status) -> str:
    return status_label(status, "fr")


def json_chunks(summaries: Iterable[tuple[str, str]]) -> Iterator[str]:
    """The JSON list of ``certif results``, one candidate per line, from the stored summaries.

    Summaries are already JSON: they are spliced in, never parsed, so that 100,000
    candidates take a second, not a minute.
    """
    separator = "[\n"
    for numero, summary in summaries:
        yield f'{separator}{{"candidate":{json.dumps(numero, ensure_ascii=False)},{summary.lstrip()[1:]}'
        separator = ",\n"
    yield "[]\n" if separator == "[\n" else "\n]\n"


def _block_columns(block: BlockSpec) -> list[str]:
    columns = [f"{block.code}_statut", f"{block.code}_source"]
    if block.parts:
        for part in block.parts:
            columns += [f"{block.code}_{part.code}_statut", f"{block.code}_{part.code}_note"]
    elif block.scoring.method != "pass_fail":
        columns.append(f"{block.code}_note")
    return columns


def csv_header(referentials: Iterable[Referential]) -> list[str]:
    """The columns of every référentiel the results come from, each once, in their order: a
    population decided on two versions (or two certifications) gets one table."""
    columns = dict.fromkeys(["candidat", "certifie", "certifie_source"])
    for referential in referentials:
        for block in referential.blocks:
            columns.update(dict.fromkeys(_block_columns(block)))
    return [*columns, "explication"]


def _csv_cells(numero: str, decision: Official) -> dict[str, str]:
    cells = {
        "candidat": numero,
        "certifie": "oui" if decision.certified else "non",
        "certifie_source": decision.sources.get(CERTIFICATION, ENGINE),
    }
    for code, block in decision.result.blocks.items():
        cells[f"{code}_statut"] = block.status.value
        cells[f"{code}_source"] = decision.sources.get(code, ENGINE)
        for part_code, part in block.parts.items():
            cells[f"{code}_{part_code}_statut"] = part.status.value
            cells[f"{code}_{part_code}_note"] = _score(part.score)
        if not block.parts and block.unit is not None and not block.unit.pass_fail:
            cells[f"{code}_note"] = _score(block.score)
    cells["explication"] = decision.explanation
    return cells


def _score(score: Fraction | None) -> str:
    return format_score(score) if score is not None else ""


def csv_row(header: Sequence[str], numero: str, decision: Official) -> list[str]:
    """The candidate's cells under ``header``; a column of another référentiel stays empty."""
    cells = _csv_cells(numero, decision)
    return [cells.get(column, "") for column in header]


def explanation(decision: CandidateResult, lang: str = "fr") -> str:
    return explain_in_full(decision, lang)


def _cell(block: BlockResult) -> str:
    if block.parts:
        scores = "/".join(
            format_score(p.score) if p.score is not None else "—" for p in block.parts.values()
        )
        return f"{_status(block.status)} ({scores})"
    if block.score is not None:
        return f"{_status(block.status)} {format_score(block.score)}"
    return _status(block.status)


def table_lines(
    results: Iterable[tuple[str, Official]], referentials: Iterable[Referential]
) -> Iterator[str]:
    """A text table whose block columns are those of every référentiel in scope."""
    blocks = list(dict.fromkeys(b.code for r in referentials for b in r.blocks))
    header = ["Candidat", "Certifié", *blocks]
    widths = [max(len(h), 10) for h in header]
    widths[2:] = [max(w, 24) for w in widths[2:]]
    yield "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    for numero, official in results:
        decision = official.result
        cells = [
            numero,
            "oui" if decision.certified else "non",
            *(_cell(decision.blocks[code]) if code in decision.blocks else "—" for code in blocks),
        ]
        yield "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True))
        yield "    " + official.explanation
