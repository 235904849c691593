"""Results as people and programs read them: JSON, CSV rows, a text table."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from certif.domain.numbers import format_score
from certif.domain.rules.explain import explain_in_full
from certif.domain.rules.results import BlockResult, CandidateResult, Status

STATUS_FR = {
    Status.VALIDATED: "validé",
    Status.NOT_VALIDATED: "non validé",
    Status.INCOMPLETE: "incomplet",
    Status.NOT_ASSESSED: "non évalué",
}


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


def csv_header(decision: CandidateResult) -> list[str]:
    header = ["candidat", "certifie"]
    for code, block in decision.blocks.items():
        header.append(f"{code}_statut")
        if block.parts:
            for part in block.parts:
                header += [f"{code}_{part}_statut", f"{code}_{part}_note"]
        elif block.unit is not None and not block.unit.pass_fail:
            header.append(f"{code}_note")
    header.append("explication")
    return header


def csv_row(numero: str, decision: CandidateResult) -> list[str]:
    row = [numero, "oui" if decision.certified else "non"]
    for block in decision.blocks.values():
        row.append(block.status.value)
        if block.parts:
            for part in block.parts.values():
                row += [
                    part.status.value,
                    format_score(part.score) if part.score is not None else "",
                ]
        elif block.unit is not None and not block.unit.pass_fail:
            row.append(format_score(block.score) if block.score is not None else "")
    row.append(explanation(decision))
    return row


def explanation(decision: CandidateResult, lang: str = "fr") -> str:
    return explain_in_full(decision, lang)


def _cell(block: BlockResult) -> str:
    if block.parts:
        scores = "/".join(
            format_score(p.score) if p.score is not None else "—" for p in block.parts.values()
        )
        return f"{STATUS_FR[block.status]} ({scores})"
    if block.score is not None:
        return f"{STATUS_FR[block.status]} {format_score(block.score)}"
    return STATUS_FR[block.status]


def table_lines(results: Iterable[tuple[str, CandidateResult]]) -> Iterator[str]:
    header_written = False
    widths: list[int] = []
    for numero, decision in results:
        cells = [
            numero,
            "oui" if decision.certified else "non",
            *(_cell(b) for b in decision.blocks.values()),
        ]
        if not header_written:
            header = ["Candidat", "Certifié", *decision.blocks]
            widths = [max(len(h), 10) for h in header]
            widths[2:] = [max(w, 24) for w in widths[2:]]
            yield "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
            header_written = True
        yield "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True))
        yield "    " + explanation(decision)
