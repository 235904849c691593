"""A session's timetable: when and where each épreuve sits, as its convocations print it.

The timetable is written whole (every unit of the session's référentiel, each with a start and a
room or nothing), in one transaction that records what it was and what it became. It carries a
fingerprint of its current state: a page or a client states the one it read, and a save made
against a timetable changed since is refused rather than overwriting the other person's work.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from certif.core import audit
from certif.core.audit import Actor
from certif.core.concurrency import check
from certif.core.errors import Invalid
from certif.core.policies import require
from certif.domain.referential.schema import Referential
from certif.domain.units import SittingRef, UnitRef, separate_modalities, sittings
from certif.referential.models import Block
from certif.sessions import actions
from certif.sessions.models import ExamSession, Sitting
from certif.sessions.policies import MANAGE_REFUSED, may_manage_sessions

ROOM_MAX = Sitting._meta.get_field("room").max_length or 255
# Years an épreuve may be set in: beyond them a date is a typing error (and, converted to
# another time zone, could fall outside what a datetime holds).
YEARS = range(1900, 3000)


EPREUVES = "epreuves"
CHANGED_MEANWHILE = (
    "L'horaire des épreuves a été modifié entre-temps par une autre personne : relisez-le "
    "avant d'enregistrer vos changements."
)


class TimetableRefused(Invalid):
    """A timetable that cannot be saved: each message names the épreuve and the value."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__({EPREUVES: messages})
        self.problems = messages


@dataclass(frozen=True)
class Slot:
    """When an épreuve starts (aware) and where; an empty room means the session's place."""

    starts_at: datetime
    room: str = ""


@dataclass(frozen=True)
class TimetableRow:
    sitting: SittingRef
    label: str
    slot: Slot | None

    @property
    def unit(self) -> UnitRef:
        return self.sitting.unit

    @property
    def modality(self) -> str:
        return self.sitting.modality


@dataclass(frozen=True)
class Timetable:
    session: ExamSession
    rows: list[TimetableRow]
    fingerprint: str


@dataclass(frozen=True)
class TimetableSaved:
    timetable: Timetable
    changed: bool


Slots = Mapping[SittingRef, Slot]


def _slots(session: ExamSession) -> dict[SittingRef, Slot]:
    stored = Sitting.objects.filter(session=session).select_related("block")
    slots = {
        SittingRef(UnitRef(s.block.code, s.part), s.modality): Slot(
            timezone.localtime(s.starts_at), s.room
        )
        for s in stored
    }
    return _spread_whole_block_slots(session, slots)


def _spread_whole_block_slots(
    session: ExamSession, slots: dict[SittingRef, Slot]
) -> dict[SittingRef, Slot]:
    """A slot set for a whole block before its modalities sat apart (B4 once, not B4Me1 and
    B4Me2) stands for each of them until the timetable is saved again."""
    referential = session.referential_version.referential
    spread: dict[SittingRef, Slot] = {}
    for ref, slot in slots.items():
        apart = [] if ref.modality or ref.unit.part else _apart(referential, ref.unit.block)
        for code in apart:
            spread.setdefault(SittingRef(ref.unit, code), slot)
        if not apart:
            spread[ref] = slot
    return spread


def _apart(referential: Referential, block: str) -> list[str]:
    try:
        return separate_modalities(referential, block)
    except KeyError:
        return []


def _state(slots: Slots) -> dict[str, str]:
    """The timetable as the journal keeps it: « B3:pme » → « 2026-06-16 14:30 — Salle Curie »,
    « B4/B4Me1 » → « 2026-06-17 09:00 »."""
    state = {}
    for ref, slot in sorted(slots.items()):
        starts = timezone.localtime(slot.starts_at).strftime("%Y-%m-%d %H:%M")
        state[ref.key] = f"{starts} — {slot.room}" if slot.room else starts
    return state


def _fingerprint(slots: Slots) -> str:
    encoded = json.dumps(_state(slots), sort_keys=True).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()[:16]


def _timetable(session: ExamSession, slots: Slots) -> Timetable:
    referential = session.referential_version.referential
    return Timetable(
        session=session,
        rows=[
            TimetableRow(ref, ref.label(referential), slots.get(ref))
            for ref in sittings(referential)
        ],
        fingerprint=_fingerprint(slots),
    )


def as_sitting(key: SittingRef | UnitRef | tuple[str, str]) -> SittingRef:
    """A sitting from its reference or from a unit (a unit whose block sits its modalities
    apart is then refused by the checks, which name the modalities)."""
    if isinstance(key, SittingRef):
        return key
    return SittingRef(UnitRef(*key))


def timetable(session: ExamSession) -> Timetable:
    """Every épreuve of the session, in the référentiel's order, with its slot if set."""
    return _timetable(session, _slots(session))


def _outside_session(session: ExamSession, day: date) -> bool:
    starts, ends = session.start_date, session.end_date
    return (starts is not None and day < starts) or (ends is not None and day > ends)


def _unknown(session: ExamSession, ref: SittingRef) -> str:
    referential = session.referential_version.referential
    name = ref.label(referential)
    apart = [] if ref.modality or ref.unit.part else _apart(referential, ref.unit.block)
    if apart:
        return (
            f"Épreuve {name} : ce bloc a une épreuve par modalité ({', '.join(apart)}) ; "
            "donnez l'horaire de chacune."
        )
    return f"Épreuve {name} : le référentiel de la session {session.code} n'a pas cette épreuve."


def _problems(session: ExamSession, slots: Slots) -> list[str]:
    referential = session.referential_version.referential
    known = set(sittings(referential))
    problems = []
    for ref, slot in slots.items():
        name = ref.label(referential)
        if ref not in known:
            problems.append(_unknown(session, ref))
            continue
        if timezone.is_naive(slot.starts_at):
            raise ValueError("A sitting's start must be aware of its time zone.")
        if slot.starts_at.year not in YEARS:
            problems.append(
                f"Épreuve {name} : l'année {slot.starts_at.year} n'est pas plausible "
                f"(entre {YEARS[0]} et {YEARS[-1]})."
            )
            continue
        day = timezone.localtime(slot.starts_at).date()
        if _outside_session(session, day):
            problems.append(
                f"Épreuve {name} : le {day:%d/%m/%Y} est hors des dates de la session "
                f"{session.code} ({_session_dates(session)})."
            )
        if len(slot.room.strip()) > ROOM_MAX:
            problems.append(f"Épreuve {name} : la salle dépasse {ROOM_MAX} caractères.")
    return problems


def _session_dates(session: ExamSession) -> str:
    starts = f"{session.start_date:%d/%m/%Y}" if session.start_date else "…"
    ends = f"{session.end_date:%d/%m/%Y}" if session.end_date else "…"
    return f"du {starts} au {ends}"


def _write(session: ExamSession, slots: Slots) -> None:
    Sitting.objects.filter(session=session).delete()
    blocks = {b.code: b for b in Block.objects.filter(version_id=session.referential_version_id)}
    Sitting.objects.bulk_create(
        Sitting(
            session=session,
            block=blocks[ref.unit.block],
            part=ref.unit.part,
            modality=ref.modality,
            starts_at=slot.starts_at,
            room=slot.room.strip(),
        )
        for ref, slot in slots.items()
    )


def set_timetable(
    session: ExamSession,
    slots: Mapping[SittingRef, Slot] | Mapping[UnitRef, Slot],
    actor: Actor,
    *,
    expected: str | None = None,
) -> TimetableSaved:
    """The session's timetable becomes ``slots``: an épreuve left out has no slot of its own
    (its convocation gives the session's dates and place). ``expected`` is the fingerprint the
    caller read; a timetable changed since is refused, nothing written."""
    require(actor, may_manage_sessions, message=MANAGE_REFUSED)
    slots = {as_sitting(key): slot for key, slot in slots.items()}
    problems = _problems(session, slots)
    if problems:
        raise TimetableRefused(problems)
    with transaction.atomic():
        # One writer per session at a time: the second waits, then sees the first's change.
        ExamSession.objects.select_for_update().filter(pk=session.pk).first()
        before = _slots(session)
        check(expected, _fingerprint(before), CHANGED_MEANWHILE)
        normalised = {unit: Slot(slot.starts_at, slot.room.strip()) for unit, slot in slots.items()}
        changed = _state(before) != _state(normalised)
        if changed:
            _write(session, normalised)
            audit.record(
                actions.TIMETABLE,
                session,
                actor=actor,
                before=_state(before),
                after=_state(normalised),
            )
    return TimetableSaved(timetable(session), changed)
