"""Candidates: writing their identity (audited), finding them, reading their file.

Lists page by numero, with a key (« after C000050 ») rather than an offset: a page
costs the same at the start and at the end of 100,000 candidates, and no page counts
the whole table once a filter is applied (a count over the stored decisions takes
longer than the page itself). A filter on the stored decisions reads each candidate's
decision row; one that few candidates meet would read all of them (0.4 s for 100,000 on
SQLite), so such a page looks at a window of numeros and says where it stopped.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import Prefetch, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from certif.candidates.models import Candidate
from certif.core import audit
from certif.core.audit import Actor
from certif.domain import values
from certif.domain.rules.results import Status
from certif.grading.models import Score, ScoreSheet
from certif.referential.models import Criterion
from certif.results.batch import status_fragment
from certif.results.models import CandidateResult
from certif.results.services import recompute
from certif.sessions.models import Enrolment, ExamSession

PAGE_SIZE = 50
# Numeros a page looks at when a filter reads the stored decisions (under 0.1 s on SQLite).
SCAN_WINDOW = 20_000
# Fields a person edits; the numero identifies the candidate in every file and stays.
IDENTITY_FIELDS = (
    "birth_name",
    "usage_name",
    "first_name",
    "second_first_name",
    "third_first_name",
    "sex",
    "birth_date",
    "birth_place_code",
    "birth_place",
    "birth_country_code",
    "birth_country",
    "email",
    "phone",
    "access_path",
    "registration_date",
    "extra_time_percent",
    "accommodations",
)
STATUS_LABELS: dict[str, str | Promise] = {
    Status.VALIDATED.value: _("validé"),
    Status.NOT_VALIDATED.value: _("non validé"),
    Status.INCOMPLETE.value: _("incomplet"),
    Status.NOT_ASSESSED.value: _("non évalué"),
}
# Block and part codes go into a JSON path: nothing but letters, digits, - and _.
_CODE = re.compile(r"^[\w-]+$")


class CandidateError(Exception):
    """A write refused; the message says why, in French."""


# -- writing ---------------------------------------------------------------------------------


def _stored(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def create_candidate(values: Mapping[str, Any], actor: Actor = None) -> Candidate:
    """A new candidate, with a decision stored at once (every block « non évalué »)."""
    numero = str(values.get("numero", "")).strip()
    if not numero:
        raise CandidateError("le numéro est obligatoire")
    fields = {name: values[name] for name in IDENTITY_FIELDS if name in values}
    with transaction.atomic():
        if Candidate.objects.filter(numero=numero).exists():
            raise CandidateError(f"le numéro {numero} est déjà celui d'un autre candidat")
        candidate = Candidate.objects.create(numero=numero, **fields)
        audit.record(
            "candidate.created",
            candidate,
            actor=actor,
            after={"numero": numero, **{name: _stored(v) for name, v in fields.items()}},
        )
        recompute([candidate.pk])
    return candidate


def update_candidate(
    candidate: Candidate, changes: Mapping[str, Any], actor: Actor = None
) -> Candidate:
    """Change identity fields; the journal keeps each changed field before and after."""
    unknown = sorted(set(changes) - set(IDENTITY_FIELDS))
    if unknown:
        raise CandidateError(f"champ(s) non modifiable(s) : {', '.join(unknown)}")
    with transaction.atomic():
        current = Candidate.objects.select_for_update().get(pk=candidate.pk)
        changed = {
            name: value for name, value in changes.items() if getattr(current, name) != value
        }
        if not changed:
            return current
        before = {name: _stored(getattr(current, name)) for name in changed}
        for name, value in changed.items():
            setattr(current, name, value)
        current.save(update_fields=[*changed, "updated_at"])
        audit.record(
            "candidate.updated",
            current,
            actor=actor,
            before=before,
            after={name: _stored(value) for name, value in changed.items()},
        )
    return current


# -- finding ---------------------------------------------------------------------------------


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


def _ascii_folded(text: str) -> str:
    return "".join(ch.lower() if ch.isascii() else ch for ch in text)


def name_or_numero(text: str) -> Q:
    """Birth name or name in use containing ``text``, whatever its case; or a numero starting so.

    Accents count as typed. SQLite folds the case of ASCII letters only (« éric » would miss
    « Éric »): the usual spellings of what was typed — lower case, upper case, capitalised —
    are looked for too, those differing only in ASCII letters once. PostgreSQL needs none of
    them and is not slowed by them.
    """
    text = " ".join(text.split())
    spellings = {
        _ascii_folded(spelling): spelling
        for spelling in (text.title(), text.capitalize(), text.upper(), text.lower(), text)
    }
    found = Q(numero__istartswith=text)
    for spelling in spellings.values():
        found |= Q(birth_name__icontains=spelling) | Q(usage_name__icontains=spelling)
    return found


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
class NumeroPage:
    """One page of candidates in numero order, with the keys of the pages around it.

    ``stopped_at`` is set when the search looked at a window of numeros without filling the
    page: more matches may lie beyond it, and « next » goes on from there.
    """

    rows: list[Candidate]
    next_after: str | None = None
    previous_before: str | None = None
    stopped_at: str | None = None

    @property
    def is_first(self) -> bool:
        return self.previous_before is None


def _numeros(after: str = "", before: str = "") -> QuerySet[Candidate, str]:
    """Every numero after ``after`` (ascending) or before ``before`` (descending): index only."""
    numeros = Candidate.objects.values_list("numero", flat=True)
    if before:
        return numeros.filter(numero__lt=before).order_by("-numero")
    return numeros.filter(numero__gt=after).order_by("numero")


def _nth(numeros: QuerySet[Candidate, str], position: int) -> str | None:
    found = list(numeros[position : position + 1])
    return found[0] if found else None


def page_by_numero(
    candidates: QuerySet[Candidate],
    *,
    after: str = "",
    before: str = "",
    size: int = PAGE_SIZE,
    window: int | None = None,
) -> NumeroPage:
    """The ``size`` candidates after the numero ``after`` (or before ``before``).

    With ``window``, a page looks at no more than that many numeros: a filter that few
    candidates meet then costs one window per page instead of the whole table.
    """
    if before:
        page = _page_before(candidates, before, size, window)
        if page is not None:
            return page
        after = ""
    numeros = _numeros(after=after)
    end = _nth(numeros, window - 1) if window else None
    found = candidates.filter(numero__gt=after) if after else candidates
    if end is not None:
        found = found.filter(numero__lte=end)
    rows = list(found.order_by("numero")[: size + 1])
    next_after: str | None = end
    stopped_at: str | None = end
    if len(rows) > size:
        rows = rows[:size]
        next_after, stopped_at = rows[-1].numero, None
    previous: str | None = None
    if after:
        # An empty window still has a page before it: the numeros up to ``after``.
        previous = rows[0].numero if rows else _nth(numeros, 0)
    return NumeroPage(rows, next_after, previous, stopped_at)


def _page_before(
    candidates: QuerySet[Candidate], before: str, size: int, window: int | None
) -> NumeroPage | None:
    """The page that ends before ``before``; None when nothing comes before it."""
    numeros = _numeros(before=before)
    last = _nth(numeros, 0)
    if last is None:
        return None
    start = _nth(numeros, window - 1) if window else None
    found = candidates.filter(numero__lt=before)
    if start is not None:
        found = found.filter(numero__gte=start)
    rows = list(found.order_by("-numero")[: size + 1])
    more = len(rows) > size
    rows = rows[:size][::-1]
    previous: str | None = start
    stopped_at: str | None = start
    if more:
        previous, stopped_at = rows[0].numero, None
    if not rows and previous is None:
        return None
    return NumeroPage(rows, rows[-1].numero if rows else last, previous, stopped_at)


@dataclass(frozen=True)
class BlockStatus:
    code: str
    status: str

    @property
    def label(self) -> str:
        return str(STATUS_LABELS.get(self.status, self.status))


@dataclass(frozen=True)
class CandidateRow:
    candidate: Candidate
    blocks: list[BlockStatus]
    certified: bool | None


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


# -- a candidate's file ----------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreLine:
    code: str
    text: str
    value: str
    maximum: str
    comment: str


@dataclass(frozen=True)
class SheetView:
    sheet: ScoreSheet
    unit: str
    lines: list[ScoreLine]


def sheets_of(candidate: Candidate) -> list[SheetView]:
    """Every sheet of the candidate, every session, with each criterion of its block."""
    sheets = list(
        ScoreSheet.objects.filter(candidate=candidate)
        .select_related("session", "block", "evaluator")
        .prefetch_related(
            Prefetch(
                "scores", queryset=Score.objects.only("sheet", "criterion", "value", "comment")
            )
        )
        .order_by("session__start_date", "session__code", "block__position", "part", "marking")
    )
    criteria: dict[int, list[Criterion]] = defaultdict(list)
    for criterion in Criterion.objects.filter(block_id__in={s.block_id for s in sheets}):
        criteria[criterion.block_id].append(criterion)
    views = []
    for sheet in sheets:
        scores = {score.criterion_id: score for score in sheet.scores.all()}
        lines = []
        for criterion in criteria[sheet.block_id]:
            score = scores.get(criterion.pk)
            value = (
                values.display(criterion.kind, values.decode(criterion.kind, score.value))
                if score is not None
                else ""
            )
            maximum = (
                values.display(criterion.kind, criterion.max_points)
                if criterion.max_points is not None
                else ""
            )
            lines.append(
                ScoreLine(
                    criterion.code,
                    criterion.text,
                    value,
                    maximum,
                    score.comment if score is not None else "",
                )
            )
        unit = f"{sheet.block.code} {sheet.part}".strip()
        views.append(SheetView(sheet, unit, lines))
    return views


@dataclass(frozen=True)
class BlockDecision:
    code: str
    name: str
    status: str
    explanation: str

    @property
    def label(self) -> str:
        return str(STATUS_LABELS.get(self.status, self.status))


@dataclass(frozen=True)
class DecisionView:
    certified: bool
    explanation: str
    blocks: list[BlockDecision]
    computed_at: Any


def decision_of(candidate: Candidate, lang: str) -> DecisionView | None:
    """The stored decision, explained in ``lang`` (« fr » or « en »), never recomputed."""
    result = CandidateResult.objects.filter(candidate=candidate).first()
    if result is None:
        return None
    decision = result.decision
    return DecisionView(
        certified=decision.certified,
        explanation=decision.explanation(lang),
        blocks=[
            BlockDecision(code, block.name, block.status.value, block.explanation(lang))
            for code, block in decision.blocks.items()
        ],
        computed_at=result.computed_at,
    )


@dataclass(frozen=True)
class SessionEnrolments:
    session: ExamSession
    units: list[str] = field(default_factory=list)


def enrolments_of(candidate: Candidate) -> list[SessionEnrolments]:
    by_session: dict[int, SessionEnrolments] = {}
    enrolments = (
        Enrolment.objects.filter(candidate=candidate)
        .select_related("session", "block")
        .order_by("session__start_date", "session__code", "block__position", "part")
    )
    for enrolment in enrolments:
        entry = by_session.setdefault(enrolment.session_id, SessionEnrolments(enrolment.session))
        entry.units.append(f"{enrolment.block.code} {enrolment.part}".strip())
    return list(by_session.values())
