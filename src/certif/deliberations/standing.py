"""A candidate's official standing: for each unit and the certification, the last closed jury
decision where there is one, otherwise the rules' proposal — and which of the two it is.

A jury decides within its session. Per unit, each session's word is the latest closed act of
that session which decided the unit (confirmed or overridden): an amendment supersedes the
initial deliberation of its own session, never another session's act. Then:

- a unit some session's jury validated is validated, **acquired for life** (the act cited is
  the first that granted it);
- otherwise the latest session's jury decision stands (« non validé »), even when later sheets
  would validate it: until a jury says so, the rules only propose;
- a unit no jury decided reads the rules' result, ``source`` « engine ».

Nothing here writes. ``granted_before`` is what a deliberation's opening copies as acquired.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from certif.deliberations.models import CERTIFICATION, Decision, Resolution, State
from certif.domain.rules.explain import explain_in_full, status_label
from certif.domain.rules.results import BlockResult, CandidateResult, Status
from certif.results.models import CandidateResult as CandidateResult_
from certif.results.presenting import Official
from certif.results.queries import BlockDecision, BlockStatus, CandidateRow, DecisionView
from certif.sessions.models import ExamSession

CHUNK = 2000
Source = Literal["jury", "engine"]
JURY: Source = "jury"
ENGINE: Source = "engine"
# The decisions a jury took itself (the others were acquired, or had no decision).
TAKEN = (Resolution.CONFIRMED, Resolution.OVERRIDDEN)


@dataclass(frozen=True)
class Act:
    """The closed jury act a unit's standing comes from."""

    decision_id: int
    session: str
    session_start: date | None
    number: int
    date: date
    status: str
    published: bool
    # The rules' decision on the unit as this jury saw it (``BlockResult.to_dict``): the scores
    # a standing shows beside the jury's word are those the jury decided on.
    snapshot: Mapping[str, Any] = field(default_factory=dict)

    @property
    def validated(self) -> bool:
        return self.status == Status.VALIDATED.value

    def summary(self) -> dict[str, Any]:
        return {"session": self.session, "number": self.number, "date": self.date.isoformat()}

    def block(self, status: Status) -> BlockResult | None:
        """The block as the jury saw it, with the jury's status (None for the certification,
        or a copy without the rules' details)."""
        if "code" not in self.snapshot or "status" not in self.snapshot:
            return None
        return replace(BlockResult.from_dict(self.snapshot), status=status)

    def text(self) -> str:
        """« jury du 26 juin 2026 (session 2026-06, délibération n° 1) »."""
        return _("jury du %(date)s (session %(session)s, délibération n° %(number)s)") % {
            "date": date_format(self.date, "j F Y"),
            "session": self.session,
            "number": self.number,
        }


def _closed(published_only: bool) -> Q:
    found = Q(deliberation__status=State.CLOSED, resolution__in=TAKEN)
    if published_only:
        found &= Q(deliberation__published_at__isnull=False)
    return found


def _session_words(rows: Iterable[tuple[Any, ...]]) -> dict[tuple[int, str], list[Act]]:
    """Per (candidate, unit), the word of each session: its latest act deciding the unit, in
    session order."""
    latest: dict[tuple[int, str, int], Act] = {}
    for candidate_id, unit, session_id, *act in rows:
        # Rows come by act number within a session: the last one seen is the latest act.
        latest[(candidate_id, unit, session_id)] = Act(*act)
    words: dict[tuple[int, str], list[Act]] = defaultdict(list)
    for (candidate_id, unit, _session), word in latest.items():
        words[(candidate_id, unit)].append(word)
    for acts in words.values():
        acts.sort(key=lambda act: (act.session_start or date.min, act.date, act.number))
    return words


def _act_rows(candidate_ids: Sequence[int], condition: Q) -> Iterator[tuple[Any, ...]]:
    for start in range(0, len(candidate_ids), CHUNK):
        chunk = candidate_ids[start : start + CHUNK]
        yield from (
            Decision.objects.filter(condition, candidate_id__in=chunk)
            .order_by("candidate_id", "unit", "deliberation__session_id", "deliberation__number")
            .values_list(
                "candidate_id",
                "unit",
                "deliberation__session_id",
                "pk",
                "deliberation__session__code",
                "deliberation__session__start_date",
                "deliberation__number",
                "deliberation__date",
                "status",
                "deliberation__published_at",
                "snapshot",
            )
            .iterator(chunk_size=CHUNK)
        )


def _as_act_rows(rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    for *head, published_at, snapshot in rows:
        yield (*head, published_at is not None, snapshot or {})


def jury_words(
    candidate_ids: Sequence[int], *, published_only: bool = False
) -> dict[tuple[int, str], list[Act]]:
    """Per (candidate, unit), each session's last closed jury decision on it, in session order
    (``published_only``: the acts published to the candidates, for what they read)."""
    return _session_words(_as_act_rows(_act_rows(list(candidate_ids), _closed(published_only))))


def standing_act(acts: Sequence[Act]) -> Act | None:
    """The act a unit's standing comes from: the first that validated it (acquired for life),
    else the latest session's."""
    granted = [act for act in acts if act.validated]
    if granted:
        return granted[0]
    return acts[-1] if acts else None


def granted_before(
    session: ExamSession, candidate_ids: Sequence[int]
) -> dict[tuple[int, str], Act]:
    """Per (candidate, unit), the closed act of another session, begun on or before
    ``session``'s first day, that validated the unit: acquired for life when ``session``
    deliberates."""
    condition = _closed(False) & Q(deliberation__session__start_date__lte=session.start_date)
    condition &= ~Q(deliberation__session=session)
    words = _session_words(_as_act_rows(_act_rows(list(candidate_ids), condition)))
    found: dict[tuple[int, str], Act] = {}
    for key, acts in words.items():
        granted = [act for act in acts if act.validated]
        if granted:
            found[key] = granted[0]
    return found


# -- the standing of one candidate ----------------------------------------------------------


@dataclass(frozen=True)
class UnitStanding:
    code: str
    name: str
    status: Status
    act: Act | None = None

    @property
    def source(self) -> Source:
        return JURY if self.act is not None else ENGINE

    @property
    def validated(self) -> bool:
        return self.status is Status.VALIDATED

    def summary(self) -> dict[str, Any]:
        found: dict[str, Any] = {"source": self.source}
        if self.act is not None:
            found["deliberation"] = self.act.summary()
        return found


@dataclass(frozen=True)
class Standing:
    """The rules' result (``engine``) with the jury's decisions laid over it."""

    engine: CandidateResult
    units: Mapping[str, UnitStanding]
    certification: UnitStanding
    blocks: Mapping[str, BlockResult] = field(default_factory=dict)

    @property
    def certified(self) -> bool:
        return self.certification.validated

    @property
    def by_jury(self) -> bool:
        return self.certification.act is not None or any(
            unit.act is not None for unit in self.units.values()
        )

    def result(self) -> CandidateResult:
        """The official decision in the engine's shape (for the relevé, the exports…): each
        block's status is its standing, its scores and details the rules'."""
        return CandidateResult(
            referential=self.engine.referential,
            blocks=self.blocks,
            certified=self.certified,
            required=self.engine.required,
        )

    def explanation(self, lang: str = "fr", *, full: bool = True) -> str:
        """The rules' explanation where no jury decided (``full``: with why each block is not
        validated; else the verdict alone); each jury decision said as such (« B1 : validé par
        le jury du 26 juin 2026 (session 2026-06, délibération n° 1). »), then why each block
        the rules decided is not validated."""
        if not self.by_jury:
            result = self.result()
            return explain_in_full(result, lang) if full else result.explanation(lang)
        decided = [
            unit_text(unit, lang)
            for unit in [*self.units.values(), self.certification]
            if unit.act is not None
        ]
        rest = [
            self.blocks[unit.code].explanation(lang) + "."
            for unit in self.units.values()
            if unit.act is None and not unit.validated
        ]
        return " ".join([*decided, *rest])

    def summary(self) -> dict[str, Any]:
        """The public form of ``certif results`` and the API: the rules' fields, each unit and
        the certification with its ``source`` (and the deliberation when it is the jury's)."""
        found = self.result().summary()
        found.update(self.certification.summary())
        for code, block in found["blocks"].items():
            block.update(self.units[code].summary())
        return found


def unit_text(unit: UnitStanding, lang: str = "fr") -> str:
    """« B1 : validé par le jury du 26 juin 2026 (session 2026-06, délibération n° 1). »"""
    if unit.act is None:
        return ""
    with override(lang):
        return _("%(unit)s : %(status)s par le %(act)s.") % {
            "unit": unit.name,
            "status": status_label(unit.status, lang),
            "act": unit.act.text(),
        }


def _unit(code: str, name: str, engine: Status, acts: Sequence[Act]) -> UnitStanding:
    act = standing_act(acts)
    if act is None:
        return UnitStanding(code, name, engine)
    return UnitStanding(code, name, Status(act.status), act)


def _official_block(block: BlockResult, unit: UnitStanding) -> BlockResult:
    """The rules' block where no jury decided; else the block as its jury saw it, with the
    jury's status."""
    if unit.act is None:
        return block
    return unit.act.block(unit.status) or replace(block, status=unit.status)


def standing(engine: CandidateResult, words: Mapping[str, Sequence[Act]]) -> Standing:
    """One candidate's standing, from the rules' result and the juries' words (per unit)."""
    units = {
        code: _unit(code, block.name, block.status, words.get(code, ()))
        for code, block in engine.blocks.items()
    }
    blocks = {code: _official_block(block, units[code]) for code, block in engine.blocks.items()}
    engine_certification = Status.VALIDATED if engine.certified else Status.NOT_VALIDATED
    certification = _unit(
        CERTIFICATION, _("certification"), engine_certification, words.get(CERTIFICATION, ())
    )
    return Standing(engine, units, certification, blocks)


def standings(
    results: Iterable[tuple[int, CandidateResult]], *, published_only: bool = False
) -> Iterator[tuple[int, Standing]]:
    """(candidate, standing) for each (candidate, rules' result), in the order given."""
    pending = list(results)
    words = jury_words(
        [candidate_id for candidate_id, _result in pending], published_only=published_only
    )
    by_candidate: dict[int, dict[str, list[Act]]] = defaultdict(dict)
    for (candidate_id, unit), acts in words.items():
        by_candidate[candidate_id][unit] = acts
    for candidate_id, result in pending:
        yield candidate_id, standing(result, by_candidate.get(candidate_id, {}))


def standing_of(
    candidate_id: int, result: CandidateResult, *, published_only: bool = False
) -> Standing:
    return next(standings([(candidate_id, result)], published_only=published_only))[1]


def summary_json(summary_text: str, words: Mapping[str, Sequence[Act]]) -> str:
    """A stored summary (JSON) with the jury's words laid over it; spliced as is when no jury
    decided anything for the candidate (its units then all say ``"source": "engine"``)."""
    if not words:
        return summary_text
    summary = json.loads(summary_text)
    certification = standing_act(words.get(CERTIFICATION, ()))
    if certification is not None:
        summary["certified"] = certification.validated
        summary["source"] = JURY
        summary["deliberation"] = certification.summary()
    for code in list(summary["blocks"]):
        act = standing_act(words.get(code, ()))
        if act is None:
            continue
        seen = act.block(Status(act.status))
        block = seen.summary() if seen is not None else dict(summary["blocks"][code])
        block.update(status=act.status, source=JURY, deliberation=act.summary())
        summary["blocks"][code] = block
    return json.dumps(summary, ensure_ascii=False, separators=(",", ":"))


# -- whole populations ------------------------------------------------------------------------


def official(found: Standing, lang: str = "fr") -> Official:
    """A standing as the results' tables show one (``certif results``, exports)."""
    sources = {code: unit.source for code, unit in found.units.items()}
    sources[CERTIFICATION] = found.certification.source
    return Official(found.result(), found.explanation(lang), sources)


def _in_chunks(rows: Iterable[Any]) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _by_candidate(words: Mapping[tuple[int, str], list[Act]]) -> dict[int, dict[str, list[Act]]]:
    found: dict[int, dict[str, list[Act]]] = defaultdict(dict)
    for (candidate_id, unit), acts in words.items():
        found[candidate_id][unit] = acts
    return found


def official_results(
    rows: Iterable[tuple[int, str, CandidateResult]], lang: str = "fr"
) -> Iterator[tuple[str, Official]]:
    """(numero, official standing) for each (candidate id, numero, rules' result), in order;
    the juries' words are read a chunk of candidates at a time."""
    for chunk in _in_chunks(rows):
        words = _by_candidate(jury_words([candidate_id for candidate_id, _n, _r in chunk]))
        for candidate_id, numero, result in chunk:
            yield numero, official(standing(result, words.get(candidate_id, {})), lang)


def official_summaries(rows: Iterable[tuple[int, str, str]]) -> Iterator[tuple[str, str]]:
    """(numero, summary JSON) for each (candidate id, numero, stored summary), the juries'
    words laid over it; a summary no jury touched is passed on as stored, unparsed."""
    for chunk in _in_chunks(rows):
        words = _by_candidate(jury_words([candidate_id for candidate_id, _n, _s in chunk]))
        for candidate_id, numero, summary in chunk:
            yield numero, summary_json(summary, words.get(candidate_id, {}))


def standings_of(
    results: Iterable[tuple[int, CandidateResult]], *, published_only: bool = False
) -> dict[int, Standing]:
    """The standing of each (candidate id, rules' result), by candidate: one query for the
    juries' words of them all."""
    pairs = list(results)
    words = _by_candidate(
        jury_words([candidate_id for candidate_id, _r in pairs], published_only=published_only)
    )
    return {
        candidate_id: standing(result, words.get(candidate_id, {}))
        for candidate_id, result in pairs
    }


def _act_text(unit: UnitStanding) -> str:
    return unit.act.text() if unit.act is not None else ""


def official_decision(
    candidate_id: int, lang: str, *, published_only: bool = False
) -> DecisionView | None:
    """The candidate's official standing as the pages show it (the candidate file, Mon espace
    with ``published_only``), each unit saying whether a jury or the rules decided it; None
    before any result is stored."""
    stored = CandidateResult_.objects.filter(candidate_id=candidate_id).first()
    if stored is None:
        return None
    found = standing_of(candidate_id, stored.decision, published_only=published_only)
    with override(lang):
        blocks = [
            BlockDecision(
                code,
                block.name,
                block.status.value,
                unit_text(found.units[code], lang) or block.explanation(lang),
                found.units[code].source,
                _act_text(found.units[code]),
            )
            for code, block in found.result().blocks.items()
        ]
        certification = found.certification
        return DecisionView(
            certified=found.certified,
            explanation=found.explanation(lang, full=False),
            blocks=blocks,
            computed_at=stored.computed_at,
            source=certification.source,
            act=_act_text(certification),
        )


def official_rows(rows: Sequence[CandidateRow]) -> list[CandidateRow]:
    """A page of the candidates' list with each jury's word laid over the rules' statuses
    (one query for the page)."""
    words = _by_candidate(jury_words([row.candidate.pk for row in rows]))
    found = []
    for row in rows:
        mine = words.get(row.candidate.pk, {})
        if not mine:
            found.append(row)
            continue
        blocks = []
        for block in row.blocks:
            act = standing_act(mine.get(block.code, ()))
            blocks.append(BlockStatus(block.code, act.status, JURY) if act else block)
        certification = standing_act(mine.get(CERTIFICATION, ()))
        found.append(
            CandidateRow(
                row.candidate,
                blocks,
                certification.validated if certification else row.certified,
                JURY if certification else ENGINE,
            )
        )
    return found
