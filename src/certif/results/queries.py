"""Reading decisions: candidates filtered by what was decided, a list's block statuses, one
candidate's decision explained in the reader's language. Nothing is recomputed here."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast

from certif.candidates.models import Candidate
from certif.candidates.queries import name_or_numero
from certif.candidates.services import CandidateError
from certif.domain.referential.schema import Referential
from certif.domain.rules.results import ENGINE, Status
from certif.domain.rules.results import CandidateResult as Decision
from certif.grading.models import ScoreSheet
from certif.referential.models import ReferentialVersion
from certif.results.batch import status_fragment
from certif.results.models import CandidateResult
from certif.sessions.models import Enrolment, ExamSession

# Block and part codes go into a JSON path: nothing but letters, digits, - and _.
_CODE = re.compile(r"^[\w-]+$")


@dataclass(frozen=True)
class CandidateQuery:
    text: str = ""
    session: ExamSession | None = None
    access_path: str = ""
    block: str = ""
    part: str = ""
    status: str = ""
    certified: bool | None = None

    @property
    def reads_decisions(self) -> bool:
        return bool(self.status) or self.certified is not None

    @property
    def filtered(self) -> bool:
        return bool(
            self.text
            or self.session
            or self.access_path
            or self.status
            or self.certified is not None
        )


def status_lookup(block: str, part: str = "") -> str:
    """The JSON lookup of a block's (or a part's) stored status, on SQLite and PostgreSQL."""
    if not _CODE.match(block) or (part and not _CODE.match(part)):
        raise CandidateError(f"unité inconnue « {block} {part} »")
    if part:
        return f"result__summary__blocks__{block}__parts__{part}__status"
    return f"result__summary__blocks__{block}__status"


def with_status(
    candidates: QuerySet[Candidate], block: str, part: str, status: str
) -> QuerySet[Candidate]:
    """Candidates whose stored decision gives ``status`` to the block (or part).

    SQLite parses the JSON text of every row it tests (3 µs, a third of a second over 100,000
    candidates). A substring test on the text first — the unit followed by that status, as
    summaries are written — rejects the rows that cannot match at a fraction of the cost.
    PostgreSQL reads jsonb without parsing it and needs no such help.
    """
    status = Status(status).value
    if connection.vendor == "sqlite":
        candidates = candidates.alias(_summary_text=Cast("result__summary", TextField())).filter(
            _summary_text__contains=status_fragment(part or block, status)
        )
    return candidates.filter(**{status_lookup(block, part): status})


def in_session(session: ExamSession) -> Q:
    """Candidates enrolled in the session or holding a sheet of it."""
    return Q(pk__in=Enrolment.objects.filter(session=session).values("candidate_id")) | Q(
        pk__in=ScoreSheet.objects.filter(session=session).values("candidate_id")
    )


def matching_candidates(query: CandidateQuery) -> QuerySet[Candidate]:
    """The candidates the query asks for. The database tests conditions in the order given:
    the cheap ones first, the stored decision's JSON last."""
    candidates = Candidate.objects.all()
    if query.access_path:
        candidates = candidates.filter(access_path=query.access_path)
    if query.certified is not None:
        candidates = candidates.filter(result__certified=query.certified)
    if query.text:
        candidates = candidates.filter(name_or_numero(query.text))
    if query.session is not None:
        candidates = candidates.filter(in_session(query.session))
    if query.block and query.status:
        candidates = with_status(candidates, query.block, query.part, query.status)
    return candidates


@dataclass(frozen=True)
class BlockStatus:
    code: str
    status: str
    source: str = ENGINE


@dataclass(frozen=True)
class CandidateRow:
    candidate: Candidate
    blocks: list[BlockStatus]
    certified: bool | None
    certified_source: str = ENGINE


def list_rows(page: Sequence[Candidate], blocks: Sequence[str]) -> list[CandidateRow]:
    """Each candidate with the stored status of each block: one query, no engine."""
    summaries = dict(
        CandidateResult.objects.filter(candidate_id__in=[c.pk for c in page]).values_list(
            "candidate_id", "summary"
        )
    )
    rows = []
    for candidate in page:
        summary = summaries.get(candidate.pk) or {}
        stored = summary.get("blocks", {})
        statuses = [
            BlockStatus(code, stored.get(code, {}).get("status", Status.NOT_ASSESSED.value))
            for code in blocks
        ]
        rows.append(CandidateRow(candidate, statuses, summary.get("certified")))
    return rows


@dataclass(frozen=True)
class BlockDecision:
    code: str
    name: str
    status: str
    explanation: str
    # « jury » when a closed jury decision says it (``act`` names the jury), else « engine ».
    source: str = ENGINE
    act: str = ""


@dataclass(frozen=True)
class DecisionView:
    certified: bool
    explanation: str
    blocks: list[BlockDecision]
    computed_at: Any
    source: str = ENGINE
    act: str = ""


def _population(session: str | None, candidate: str | None) -> QuerySet[CandidateResult]:
    results = CandidateResult.objects.order_by("candidate__numero")
    if candidate is not None:
        results = results.filter(candidate__numero=candidate)
    if session is not None:
        results = results.filter(candidate__sheets__session__code=session).distinct()
    return results


def population_referentials(
    session: str | None = None, candidate: str | None = None
) -> list[Referential]:
    """The référentiels the population's decisions were made on, oldest version first: the
    columns of a table of those decisions."""
    used = _population(session, candidate).order_by().values("referential_version")
    versions = ReferentialVersion.objects.filter(pk__in=used).order_by("pk")
    return [version.referential for version in versions]


def iter_results(
    session: str | None = None, candidate: str | None = None
) -> Iterator[tuple[int, str, Decision]]:
    """(candidate id, numero, the rules' full decision) for the population asked, in numero
    order: one query."""
    results = _population(session, candidate).values_list(
        "candidate_id", "candidate__numero", "data"
    )
    for candidate_id, numero, data in results.iterator(chunk_size=5000):
        yield candidate_id, numero, Decision.from_dict(data)


def iter_summaries(
    session: str | None = None, candidate: str | None = None
) -> Iterator[tuple[int, str, str]]:
    """(candidate id, numero, the rules' public summary as JSON text): the fast path, nothing
    is parsed."""
    results = _population(session, candidate).annotate(summary_text=Cast("summary", TextField()))
    yield from results.values_list("candidate_id", "candidate__numero", "summary_text").iterator(
        chunk_size=5000
    )
