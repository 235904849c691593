"""The writes of the bank of cases: create a case, add a version, retire it, draw cases for a
session, draw one again before its épreuve, and journal each opening.

Every write checks its form and its policy, runs in one transaction and leaves one audit event.
A draw is all or nothing: when the bank cannot give every enrolled candidate a case they have
never had, within the session's limit per case, nothing is drawn and the refusal says which
épreuves lack cases.
"""

from __future__ import annotations

import secrets
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from certif.casebank import actions
from certif.casebank.forms import CaseForm, ContentForm, ReasonForm
from certif.casebank.models import Case, CaseVersion, Draw
from certif.casebank.policies import (
    MANAGE_REFUSED,
    OPEN_REFUSED,
    READ_REFUSED,
    may_manage_cases,
    may_open_draw,
    may_read_case,
)
from certif.casebank.queries import bank_referential, epreuve_start, slot_choices, slot_label
from certif.core import audit
from certif.core.audit import Actor
from certif.core.errors import NotFound, Refused
from certif.core.policies import require
from certif.core.service_writes import save_fields
from certif.core.storage_backends import FileStore, file_store
from certif.core.text import quoted
from certif.core.validation import bound
from certif.deposits.errors import DepositRefused
from certif.deposits.pdf import inspect_pdf
from certif.deposits.storage import StoredStream
from certif.domain.referential.schema import CaseSlot
from certif.sessions.models import Enrolment, ExamSession

# A case's PDF: a few pages of a client's situation; the limit stops a mistaken upload.
MAX_ATTACHMENT_MB = 20
MAX_ATTACHMENT_BYTES = MAX_ATTACHMENT_MB * 1024 * 1024
# The store of the cases' PDFs (the data folder's « cas », or a bucket's prefix).
STORE = "cas"
# How many candidates a refusal names per épreuve before « … ».
NAMED_IN_REFUSAL = 5


class CaseRefused(Refused):
    """A write of the bank refused by its rules; the message says why, in French."""


class Upload(Protocol):
    """An uploaded file as Django gives it (``UploadedFile``): a name and chunks."""

    name: str | None

    def chunks(self, chunk_size: int | None = None) -> Iterable[bytes]: ...


# -- cases and their versions -------------------------------------------------------------------


@dataclass(frozen=True)
class _Attachment:
    sha256: str
    name: str
    size: int
    pages: int


def case_store() -> FileStore:
    return file_store(STORE)


def _stored_attachment(upload: Upload | None) -> _Attachment | None:
    """Receive the PDF as a stream, inspect it (a PDF, unlocked, without active content), then
    store it under its SHA-256; nothing is kept of a refused file."""
    if upload is None:
        return None
    name = upload.name or "cas.pdf"
    try:
        with case_store().receive(
            upload.chunks(), max_bytes=MAX_ATTACHMENT_BYTES, shown_name=name
        ) as incoming:
            pages = inspect_pdf(incoming.path, name)
            stored = incoming.commit()
    except DepositRefused as refused:
        raise CaseRefused(f"PDF refusé : {refused}") from refused
    return _Attachment(stored.sha256, name[:200], stored.size, pages)


def _version_values(content: Mapping[str, Any], attachment: _Attachment | None) -> dict[str, Any]:
    values = {
        "text": content["text"].strip(),
        "client_script": content["client_script"].strip(),
        "note": content["note"].strip(),
    }
    if attachment is not None:
        values |= {
            "attachment_sha256": attachment.sha256,
            "attachment_name": attachment.name,
            "attachment_size": attachment.size,
            "attachment_pages": attachment.pages,
        }
    return values


def create_case(data: Mapping[str, Any], upload: Upload | None = None, *, actor: Actor) -> Case:
    """A new case in the bank, with its first version."""
    require(actor, may_manage_cases, message=MANAGE_REFUSED)
    version = bank_referential()
    if version is None:
        raise CaseRefused("Aucun référentiel n'est chargé : chargez-le avant de créer des cas.")
    form = bound(CaseForm(data, slots=slot_choices(version), has_attachment=upload is not None))
    cleaned = form.cleaned_data
    attachment = _stored_attachment(upload)
    person = audit.account_of(actor)
    try:
        with transaction.atomic():
            case = Case.objects.create(
                referential_code=version.code,
                slot=cleaned["slot"],
                reference=cleaned["reference"],
                title=cleaned["title"].strip(),
                created_by=person,
            )
            first = CaseVersion.objects.create(
                case=case, number=1, created_by=person, **_version_values(cleaned, attachment)
            )
            audit.record(
                actions.CASE_CREATED,
                case,
                actor=actor,
                after={"slot": case.slot, "version": first.number, "pdf": first.has_attachment},
            )
    except IntegrityError as error:
        raise CaseRefused(
            f"Un cas porte déjà la référence {quoted(cleaned['reference'])}."
        ) from error
    return case


def add_version(
    case_id: int, data: Mapping[str, Any], upload: Upload | None = None, *, actor: Actor
) -> CaseVersion:
    """A new version of the case's content; the earlier ones stay, and so do their draws. A
    version without a PDF of its own keeps the previous version's PDF unless told not to."""
    require(actor, may_manage_cases, message=MANAGE_REFUSED)
    case = _case(case_id)
    keep_pdf = bool(data.get("keep_pdf")) and upload is None
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        previous = locked.versions.order_by("-number").first()
        inherited = keep_pdf and previous is not None and previous.has_attachment
        cleaned = bound(
            ContentForm(data, has_attachment=upload is not None or inherited)
        ).cleaned_data
        attachment = _stored_attachment(upload)
        if attachment is None and inherited:
            assert previous is not None
            attachment = _Attachment(
                previous.attachment_sha256,
                previous.attachment_name,
                previous.attachment_size or 0,
                previous.attachment_pages or 0,
            )
        number = (previous.number if previous is not None else 0) + 1
        version = CaseVersion.objects.create(
            case=locked,
            number=number,
            created_by=audit.account_of(actor),
            **_version_values(cleaned, attachment),
        )
        audit.record(
            actions.CASE_VERSION_ADDED,
            locked,
            actor=actor,
            after={"version": number, "note": version.note, "pdf": version.has_attachment},
        )
    return version


def retire_case(case_id: int, data: Mapping[str, Any], *, actor: Actor) -> Case:
    """The case is no longer drawn; it stays, with its versions and its draws."""
    require(actor, may_manage_cases, message=MANAGE_REFUSED)
    reason = bound(ReasonForm(data)).cleaned_data["reason"].strip()
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None:
            raise NotFound("Ce cas n'existe pas.")
        if case.retired:
            raise CaseRefused(f"Le cas {case.reference} est déjà retiré.")
        save_fields(case, retired_at=timezone.now(), retired_reason=reason)
        audit.record(actions.CASE_RETIRED, case, actor=actor, reason=reason)
    return case


def _case(case_id: int) -> Case:
    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        raise NotFound("Ce cas n'existe pas.")
    return case


# -- drawing --------------------------------------------------------------------------------------


def max_uses_per_session() -> int:
    return int(settings.CASE_MAX_USES_PER_SESSION)


@dataclass(frozen=True)
class _Need:
    candidate_id: int
    numero: str
    slot: CaseSlot


@dataclass
class _Pool:
    """The cases of one slot that may be drawn, with their latest version and session uses."""

    cases: dict[int, CaseVersion]
    uses: Counter[int]

    def eligible(self, had: set[int], limit: int) -> list[int]:
        return [pk for pk in self.cases if pk not in had and self.uses[pk] < limit]


@dataclass(frozen=True)
class DrawOutcome:
    session: ExamSession
    drawn: int
    already: int


def _pools(session: ExamSession, keys: Iterable[str]) -> dict[str, _Pool]:
    keys = sorted(set(keys))
    latest: dict[int, CaseVersion] = {}
    versions = CaseVersion.objects.filter(
        case__referential_code=session.referential_version.code,
        case__slot__in=keys,
        case__retired_at__isnull=True,
    ).select_related("case")
    for version in versions.order_by("case_id", "number"):
        latest[version.case_id] = version
    uses = Counter(
        Draw.objects.filter(session=session, current=True).values_list("case_id", flat=True)
    )
    pools = {key: _Pool({}, uses) for key in keys}
    for case_id, version in latest.items():
        pools[version.case.slot].cases[case_id] = version
    return pools


def _history(candidate_ids: Iterable[int]) -> dict[int, set[int]]:
    """The cases each candidate was ever given, in any session, replaced draws included."""
    had: dict[int, set[int]] = defaultdict(set)
    rows = Draw.objects.filter(candidate_id__in=list(candidate_ids)).values_list(
        "candidate_id", "case_id"
    )
    for candidate_id, case_id in rows:
        had[candidate_id].add(case_id)
    return had


def _needs(session: ExamSession) -> list[_Need]:
    """Each (candidate, slot) of the session's enrolments without a current draw."""
    slots = session.referential_version.referential.case_slots()
    by_unit: dict[tuple[str, str], list[CaseSlot]] = defaultdict(list)
    for slot in slots:
        by_unit[slot.unit].append(slot)
    done = set(
        Draw.objects.filter(session=session, current=True).values_list("candidate_id", "slot")
    )
    enrolments = (
        Enrolment.objects.filter(session=session)
        .values_list("candidate_id", "candidate__numero", "block__code", "part")
        .order_by("candidate__numero", "block__code", "part")
    )
    return [
        _Need(candidate_id, numero, slot)
        for candidate_id, numero, block, part in enrolments
        for slot in by_unit.get((block, part), [])
        if (candidate_id, slot.key) not in done
    ]


def _choose(pool: _Pool, eligible: list[int]) -> int:
    """The least used eligible case in the session, at random among equals."""
    fewest = min(pool.uses[pk] for pk in eligible)
    return secrets.choice([pk for pk in eligible if pool.uses[pk] == fewest])


def _shortage(session: ExamSession, key: str, numeros: list[str], pool: _Pool) -> str:
    label = slot_label(session.referential_version.referential, key)
    named = ", ".join(numeros[:NAMED_IN_REFUSAL])
    if len(numeros) > NAMED_IN_REFUSAL:
        named += f" et {len(numeros) - NAMED_IN_REFUSAL} autre(s)"
    return f"{label} : aucun cas possible pour {named} ({len(pool.cases)} cas en service)"


def _assign(
    session: ExamSession, needs: list[_Need], limit: int
) -> list[tuple[_Need, CaseVersion]]:
    pools = _pools(session, (need.slot.key for need in needs))
    had = _history({need.candidate_id for need in needs})
    # The most constrained candidates first: a retaker with few cases left is served before
    # a newcomer who can take any.
    ordered = sorted(
        needs,
        key=lambda n: len(pools[n.slot.key].eligible(had[n.candidate_id], limit)),
    )
    chosen: list[tuple[_Need, CaseVersion]] = []
    missing: dict[str, list[str]] = defaultdict(list)
    for need in ordered:
        pool = pools[need.slot.key]
        eligible = pool.eligible(had[need.candidate_id], limit)
        if not eligible:
            missing[need.slot.key].append(need.numero)
            continue
        case_id = _choose(pool, eligible)
        pool.uses[case_id] += 1
        had[need.candidate_id].add(case_id)
        chosen.append((need, pool.cases[case_id]))
    if missing:
        problems = [_shortage(session, key, sorted(n), pools[key]) for key, n in missing.items()]
        raise CaseRefused(
            "Tirage impossible, rien n'a été tiré : " + " ; ".join(problems) + f". Un cas est "
            f"tiré au plus {limit} fois par session et jamais deux fois pour un même candidat : "
            "ajoutez des cas à la banque ou relevez la limite d'usage par session."
        )
    return chosen


def _new_draw(session: ExamSession, need: _Need, version: CaseVersion, person: Any) -> Draw:
    return Draw(
        session=session,
        candidate_id=need.candidate_id,
        slot=need.slot.key,
        block_code=need.slot.block.code,
        part=need.slot.part,
        case_id=version.case_id,
        version=version,
        drawn_by=person,
    )


def draw_cases(session: ExamSession, *, actor: Actor) -> DrawOutcome:
    """Draw a case for every enrolled candidate and every épreuve taking one that has none yet
    in the session; all or nothing."""
    require(actor, may_manage_cases, message=MANAGE_REFUSED)
    limit = max_uses_per_session()
    with transaction.atomic():
        # One drawer per session at a time: the second sees the first's draws.
        ExamSession.objects.select_for_update().filter(pk=session.pk).first()
        needs = _needs(session)
        already = Draw.objects.filter(session=session, current=True).count()
        if not needs:
            return DrawOutcome(session, 0, already)
        chosen = _assign(session, needs, limit)
        person = audit.account_of(actor)
        Draw.objects.bulk_create(
            _new_draw(session, need, version, person) for need, version in chosen
        )
        per_slot = Counter(need.slot.key for need, _ in chosen)
        audit.record(
            actions.CASES_DRAWN,
            session,
            actor=actor,
            after={"draws": len(chosen), "by_epreuve": dict(sorted(per_slot.items()))},
        )
    return DrawOutcome(session, len(chosen), already)


def redraw(draw_id: int, data: Mapping[str, Any], *, actor: Actor) -> Draw:
    """Another case for this candidate and épreuve, before the épreuve starts, with a reason;
    the replaced draw stays in the case's history."""
    require(actor, may_manage_cases, message=MANAGE_REFUSED)
    reason = bound(ReasonForm(data)).cleaned_data["reason"].strip()
    with transaction.atomic():
        draw = (
            Draw.objects.select_for_update()
            .select_related("session__referential_version", "candidate", "case")
            .filter(pk=draw_id)
            .first()
        )
        if draw is None:
            raise NotFound("Ce tirage n'existe pas.")
        if not draw.current:
            raise CaseRefused("Ce tirage a déjà été remplacé : rechargez la page.")
        session = draw.session
        starts = epreuve_start(session, draw.slot)
        if starts is not None and timezone.now() >= starts:
            raise CaseRefused(
                f"L'épreuve {slot_label(session.referential_version.referential, draw.slot)} a "
                f"commencé le {timezone.localtime(starts):%d/%m/%Y à %H:%M} : son cas ne peut "
                "plus être changé."
            )
        slot = session.referential_version.referential.case_slot(draw.slot)
        need = _Need(draw.candidate_id, draw.candidate.numero, slot)
        save_fields(draw, current=False, replaced_at=timezone.now(), replaced_reason=reason)
        [(_, version)] = _assign(session, [need], max_uses_per_session())
        replacement = _new_draw(session, need, version, audit.account_of(actor))
        replacement.save()
        audit.record(
            actions.CASE_REDRAWN,
            session,
            actor=actor,
            before={"candidate": draw.candidate.numero, "case": draw.case.reference},
            after={"candidate": draw.candidate.numero, "case": version.case.reference},
            reason=reason,
        )
    return replacement


# -- opening ----------------------------------------------------------------------------------


def open_draw(draw_id: int, *, actor: Actor) -> Draw:
    """The drawn case, for someone allowed to read it now; each opening journalled."""
    draw = (
        Draw.objects.select_related("session__referential_version", "candidate", "case", "version")
        .filter(pk=draw_id)
        .first()
    )
    if draw is None:
        raise NotFound("Ce tirage n'existe pas.")
    require(actor, may_open_draw, draw, message=OPEN_REFUSED)
    _journal_opening(draw.case, draw.version, actor, session=draw.session.code)
    return draw


def open_case(case_id: int, *, actor: Actor, version_number: int | None = None) -> CaseVersion:
    """A version of the case (its latest by default), for someone allowed to read the case."""
    case = _case(case_id)
    require(actor, may_read_case, case, message=READ_REFUSED)
    versions = case.versions.all()
    if version_number is not None:
        versions = versions.filter(number=version_number)
    version = versions.order_by("-number").first()
    if version is None:
        raise NotFound("Cette version du cas n'existe pas.")
    _journal_opening(case, version, actor)
    return version


def _journal_opening(case: Case, version: CaseVersion, actor: Actor, session: str = "") -> None:
    after: dict[str, Any] = {"version": version.number}
    if session:
        after["session"] = session
    audit.record(actions.CASE_OPENED, case, actor=actor, after=after)


def attachment_stream(version: CaseVersion) -> StoredStream:
    if not version.has_attachment:
        raise NotFound("Cette version du cas n'a pas de PDF.")
    return case_store().stream(version.attachment_sha256)
