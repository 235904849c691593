"""The journal as people read it: score changes and audit events, merged, newest first.

Two tables feed it: ``ScoreChange`` (one row per changed score) and ``AuditEvent`` (one
row per write of any service); a candidate's or a session's journal reads a third,
``ImportedCandidate``: one entry per scores import saying what it wrote for them. A page takes the next rows of each, older than a cursor,
and merges them; the cursor (time, source, id) of its last entry starts the next page.
No page counts anything, so the hundredth page costs what the first does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db.models import CharField, Count, Model, Q, QuerySet, Sum
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from certif.accounts.models import ConflictOfInterest
from certif.candidates.models import Candidate
from certif.core import audit
from certif.core.models import AuditEvent
from certif.domain import values
from certif.grading.models import ScoreChange, ScoreSheet
from certif.imports.actions import SCORES_IMPORTED
from certif.imports.models import ImportBatch, ImportedCandidate
from certif.imports.reverting import REVERT_SOURCE
from certif.results.models import CandidateResult
from certif.sessions.models import Assignment, ExamSession

PAGE_SIZE = 50
SCORE_CHANGED = "score.changed"
# Order of the sources among entries of the same instant (newest first: imports, events, scores).
SCORE_RANK, EVENT_RANK, IMPORT_RANK = 0, 1, 2
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

SOURCE_LABELS: dict[str, str | Promise] = {
    "web": _("saisie"),
    "correction": _("correction"),
    "import": _("import"),
    REVERT_SOURCE: _("annulation d'import"),
}

# Keys of the services' audit payloads that are not model fields.
KEY_LABELS: dict[str, str | Promise] = {
    "acquired": _("laissés de côté (bloc acquis)"),
    "assignments": _("affectations"),
    "candidate": _("candidat"),
    "candidates": _("candidats"),
    "cool_off_minutes": _("durée du blocage (minutes)"),
    "created": _("créés"),
    "enrolments": _("inscriptions"),
    "evaluator": _("évaluateur"),
    "existing": _("déjà présentes"),
    "failures": _("échecs"),
    "file": _("fichier"),
    "ip_address": _("adresse IP"),
    "kind": _("nature"),
    "marker": _("correcteur"),
    "note": _("précision"),
    "path": _("page"),
    "replaced": _("remplacés"),
    "roles": _("rôles"),
    "rows": _("lignes"),
    "sessions_created": _("sessions créées"),
    "restored": _("notes remises à leur valeur d'avant"),
    "removed": _("notes retirées"),
    "sheets": _("feuilles retirées"),
    "sessions": _("sessions supprimées"),
    "signature_sha256": _("empreinte SHA-256 de la signature"),
    "skipped": _("laissés"),
    "unchanged": _("inchangés"),
    "unit": _("unité"),
    "units": _("unités"),
    "updated": _("modifiés"),
    "user": _("personne"),
    "username": _("identifiant"),
    "value": _("compte ou adresse"),
}


def action_label(code: str) -> str:
    """The label of a kind of event (``certif.core.audit``); a score change is the journal's
    own."""
    if code == SCORE_CHANGED:
        return str(_("Note modifiée"))
    kind = audit.known(code)
    return str(kind.label) if kind is not None else code


@dataclass(frozen=True)
class Change:
    """A field's value before and after; ``before`` is None when nothing was there to change
    (a creation), as opposed to "" for an emptied or newly filled field."""

    name: str
    before: str | None
    after: str


@dataclass(frozen=True)
class Link:
    label: str
    url: str = ""


@dataclass(frozen=True)
class Entry:
    at: datetime
    rank: int
    pk: int
    actor: str
    action: str
    subject: Link
    changes: list[Change] = field(default_factory=list)
    source: str = ""
    reason: str = ""

    @property
    def action_label(self) -> str:
        return action_label(self.action)

    @property
    def is_score(self) -> bool:
        return self.rank == SCORE_RANK

    @property
    def key(self) -> tuple[datetime, int, int]:
        return (self.at, self.rank, self.pk)


@dataclass(frozen=True)
class Cursor:
    """Where a page ends: entries strictly older than (at, rank, pk) come next."""

    at: datetime
    rank: int
    pk: int

    def encode(self) -> str:
        microseconds = (self.at - EPOCH) // timedelta(microseconds=1)
        return f"{microseconds}-{self.rank}-{self.pk}"

    @classmethod
    def decode(cls, text: str) -> Cursor | None:
        """None for anything not written by ``encode`` (an edited address starts over)."""
        try:
            microseconds, rank, pk = (int(part) for part in text.split("-"))
        except ValueError:
            return None
        if rank not in (SCORE_RANK, EVENT_RANK, IMPORT_RANK):
            return None
        try:
            at = EPOCH + timedelta(microseconds=microseconds)
        except OverflowError:
            return None
        return cls(at, rank, pk)

    def before(self, rank: int, at: str = "at", pk: str = "pk") -> Q:
        """Rows of the source ``rank`` that come after this cursor in newest-first order."""
        older = Q(**{f"{at}__lt": self.at})
        if rank < self.rank:
            return older | Q(**{at: self.at})
        if rank == self.rank:
            return older | Q(**{at: self.at, f"{pk}__lt": self.pk})
        return older


@dataclass(frozen=True)
class JournalQuery:
    candidate: Candidate | None = None
    session: ExamSession | None = None
    action: str = ""
    # Days of the certifier's calendar, both included.
    since: date | None = None
    until: date | None = None

    def period(self, at: str) -> Q:
        """Rows of ``at`` (a datetime field) within the query's days."""
        found = Q()
        if self.since is not None:
            found &= Q(**{f"{at}__gte": _start_of(self.since)})
        if self.until is not None:
            found &= Q(**{f"{at}__lt": _start_of(self.until + timedelta(days=1))})
        return found


def _start_of(day: date) -> datetime:
    """Midnight of ``day`` in the certifier's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class JournalPage:
    entries: list[Entry]
    next_cursor: str | None


def journal_page(
    query: JournalQuery, cursor: Cursor | None = None, size: int = PAGE_SIZE
) -> JournalPage:
    sources: list[Entry] = []
    if query.action in ("", SCORE_CHANGED):
        sources += _score_entries(query, cursor, size + 1)
    if query.action != SCORE_CHANGED:
        sources += _event_entries(query, cursor, size + 1)
    if query.action in ("", SCORES_IMPORTED.code):
        sources += _import_entries(query, cursor, size + 1)
    entries = sorted(sources, key=lambda entry: entry.key, reverse=True)
    page = entries[:size]
    more = len(entries) > size
    next_cursor = Cursor(page[-1].at, page[-1].rank, page[-1].pk).encode() if more else None
    return JournalPage(page, next_cursor)


def actions() -> list[tuple[str, str]]:
    """Every action the journal holds, with its label, for the filter."""
    recorded = AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct()
    return [(SCORE_CHANGED, action_label(SCORE_CHANGED))] + [
        (action, action_label(action)) for action in recorded
    ]


# -- score changes ---------------------------------------------------------------------------


def score_changes(query: JournalQuery) -> QuerySet[ScoreChange]:
    """The score changes the query keeps, newest first."""
    changes = ScoreChange.objects.filter(query.period("changed_at")).order_by("-changed_at", "-id")
    if query.candidate is not None:
        changes = changes.filter(sheet__candidate=query.candidate)
    if query.session is not None:
        changes = changes.filter(sheet__session=query.session)
    return changes


def _score_entries(query: JournalQuery, cursor: Cursor | None, limit: int) -> list[Entry]:
    changes = score_changes(query).select_related(
        "sheet__candidate", "sheet__session", "sheet__block", "criterion", "changed_by"
    )
    if cursor is not None:
        changes = changes.filter(cursor.before(SCORE_RANK, at="changed_at"))
    return [_score_entry(change) for change in changes[:limit]]


def _score_entry(change: ScoreChange) -> Entry:
    sheet, kind = change.sheet, change.criterion.kind
    unit = sheet.block.unit_label(sheet.part)
    candidate = sheet.candidate
    return Entry(
        at=change.changed_at,
        rank=SCORE_RANK,
        pk=change.pk,
        actor=change.changed_by.get_username() if change.changed_by else str(_("système")),
        action=SCORE_CHANGED,
        subject=Link(
            f"{candidate} — {sheet.session.code} — {unit} ({sheet.get_marking_display()})",
            reverse("candidates:detail", args=[candidate.pk]),
        ),
        changes=[
            Change(
                change.criterion.code,
                values.display_stored(kind, change.before),
                values.display_stored(kind, change.after),
            )
        ],
        source=str(SOURCE_LABELS.get(change.source, change.source)),
        reason=change.reason,
    )


# -- what each import wrote for a candidate or a session -------------------------------------

IMPORT_COUNTS: dict[str, str | Promise] = {
    "scores_created": _("notes créées"),
    "scores_replaced": _("notes remplacées"),
    "sheets_created": _("feuilles créées"),
    "enrolments_created": _("inscriptions créées"),
}


def _import_entries(query: JournalQuery, cursor: Cursor | None, limit: int) -> list[Entry]:
    """One entry per import that wrote for the candidate (or in the session), its counts summed
    over the rows of ``ImportedCandidate``: a few rows per import, never its scores."""
    if query.candidate is None and query.session is None:
        return []  # the whole journal has each import's own event
    rows = ImportedCandidate.objects.filter(query.period("batch__imported_at"))
    if query.candidate is not None:
        rows = rows.filter(candidate=query.candidate)
    if query.session is not None:
        rows = rows.filter(session=query.session)
    if cursor is not None:
        rows = rows.filter(cursor.before(IMPORT_RANK, at="batch__imported_at", pk="batch_id"))
    grouped = (
        rows.values("batch_id", "batch__imported_at", "batch__file_name", "batch__imported_by")
        .annotate(
            candidates=Count("candidate_id", distinct=True),
            **{name: Sum(name) for name in IMPORT_COUNTS},
        )
        .order_by("-batch__imported_at", "-batch_id")[:limit]
    )
    found = list(grouped)
    codes: dict[int, set[str]] = {}
    for batch_id, code in rows.filter(batch_id__in=[r["batch_id"] for r in found]).values_list(
        "batch_id", "session_code"
    ):
        codes.setdefault(batch_id, set()).add(code)
    people = dict(
        get_user_model()
        .objects.filter(pk__in={r["batch__imported_by"] for r in found} - {None})
        .values_list("pk", "username")
    )
    return [
        _import_entry(row, sorted(codes.get(row["batch_id"], ())), people, query) for row in found
    ]


def _import_entry(
    row: Mapping[str, Any], codes: list[str], people: Mapping[int, str], query: JournalQuery
) -> Entry:
    batch_id = row["batch_id"]
    changes = [
        Change(str(label), None, str(row[name]))
        for name, label in IMPORT_COUNTS.items()
        if row[name]
    ]
    if query.candidate is None:
        changes.insert(0, Change(str(_("candidats")), None, str(row["candidates"])))
    return Entry(
        at=row["batch__imported_at"],
        rank=IMPORT_RANK,
        pk=batch_id,
        actor=people.get(row["batch__imported_by"], str(_("système"))),
        action=SCORES_IMPORTED.code,
        subject=Link(
            str(_("Import n° %(id)d — %(file)s — session %(codes)s"))
            % {"id": batch_id, "file": row["batch__file_name"], "codes": ", ".join(codes)},
            reverse("imports:report", args=[batch_id]),
        ),
        changes=changes,
        source=str(SOURCE_LABELS["import"]),
    )


def _import_events(rows: QuerySet[ImportedCandidate]) -> Q:
    """The events about the imports these rows come from, but their own « imported » event (the
    import's entry above says what it wrote here): its revert, mostly."""
    return Q(
        object_type=_label(ImportBatch),
        object_id__in=rows.annotate(_key=Cast("batch_id", output_field=CharField())).values("_key"),
    ) & ~Q(action=SCORES_IMPORTED.code)


# -- audit events ----------------------------------------------------------------------------


def _label(model: type[Model]) -> str:
    return model._meta.label_lower


def _ids_as_text(rows: QuerySet[Any]) -> QuerySet[Any]:
    """The ids as text, to compare with ``AuditEvent.object_id`` inside the database."""
    return rows.annotate(_key=Cast("pk", output_field=CharField())).values("_key")


def _rows_of(model: type[Model], **lookup: Any) -> Q:
    """The events about the rows of ``model`` that ``lookup`` selects."""
    return Q(
        object_type=_label(model),
        object_id__in=_ids_as_text(model._default_manager.filter(**lookup)),
    )


def _about_candidate(candidate: Candidate) -> Q:
    key = str(candidate.pk)
    return (
        Q(object_type=_label(Candidate), object_id=key)
        | Q(object_type=_label(CandidateResult), object_id=key)
        | _rows_of(ScoreSheet, candidate=candidate)
        | _rows_of(Assignment, candidate=candidate)
        | _rows_of(ConflictOfInterest, candidate=candidate)
        | _import_events(ImportedCandidate.objects.filter(candidate=candidate))
    )


def _about_session(session: ExamSession) -> Q:
    return (
        Q(object_type=_label(ExamSession), object_id=str(session.pk))
        | _rows_of(ScoreSheet, session=session)
        | _rows_of(Assignment, session=session)
        | _import_events(ImportedCandidate.objects.filter(session=session))
    )


def recorded_events(query: JournalQuery) -> QuerySet[AuditEvent]:
    """The audit events the query keeps, newest first."""
    events = AuditEvent.objects.filter(query.period("at")).order_by("-at", "-id")
    if query.action:
        events = events.filter(action=query.action)
    if query.candidate is not None:
        events = events.filter(_about_candidate(query.candidate))
    if query.session is not None:
        events = events.filter(_about_session(query.session))
    return events


def _event_entries(query: JournalQuery, cursor: Cursor | None, limit: int) -> list[Entry]:
    events = recorded_events(query)
    if cursor is not None:
        events = events.filter(cursor.before(EVENT_RANK))
    return [_event_entry(event) for event in events[:limit]]


_OBJECT_PAGES = {
    _label(Candidate): "candidates:detail",
    _label(ExamSession): "sessions:detail",
    _label(ImportBatch): "imports:report",
}


def _event_entry(event: AuditEvent) -> Entry:
    page = _OBJECT_PAGES.get(event.object_type)
    url = reverse(page, args=[event.object_id]) if page and event.object_id.isdigit() else ""
    return Entry(
        at=event.at,
        rank=EVENT_RANK,
        pk=event.pk,
        actor=event.actor_label,
        action=event.action,
        subject=Link(event.object_label or f"{event.object_type} {event.object_id}", url),
        changes=describe(event.object_type, event.before, event.after, audit.known(event.action)),
        reason=event.reason,
    )


def _field_label(object_type: str, name: str) -> str:
    if name in KEY_LABELS:
        return str(KEY_LABELS[name])
    try:
        model = apps.get_model(object_type)
        return str(model._meta.get_field(name).verbose_name)
    except (LookupError, ValueError, FieldDoesNotExist, AttributeError):
        return name


def as_text(value: Any) -> str:
    """A journal value as a person reads it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(_("oui") if value else _("non"))
    if isinstance(value, list | tuple):
        return ", ".join(as_text(item) for item in value)
    if isinstance(value, dict):
        # e.g. a sheet's values: « B1Cr1 : 2,50 ; B1Cr2 : 3,00 »
        return " ; ".join(f"{key} : {as_text(item)}" for key, item in value.items())
    return str(value)


def describe(
    object_type: str, before: Any, after: Any, kind: audit.Action | None = None
) -> list[Change]:
    """Before and after, key by key when the service recorded fields, each coded value in the
    words its kind of event gives (« first » reads « première correction »)."""

    def shown(key: str, value: Any) -> str:
        if isinstance(value, list | tuple) and kind is not None:
            return as_text([kind.word(key, item) for item in value])
        return as_text(kind.word(key, value) if kind is not None else value)

    if isinstance(before, Mapping) or isinstance(after, Mapping):
        old = before if isinstance(before, Mapping) else None
        new = after if isinstance(after, Mapping) else {}
        return [
            Change(
                _field_label(object_type, key),
                shown(key, old.get(key)) if old is not None else None,
                shown(key, new.get(key)),
            )
            for key in dict.fromkeys([*(old or {}), *new])
        ]
    if before is None and after is None:
        return []
    whole = "roles" if isinstance(after, list) else ""
    return [Change("", shown(whole, before) if before is not None else None, shown(whole, after))]
