"""Sessions: creating them, enrolling candidates, assigning evaluators.

A *unit* is what a candidate is enrolled in and an evaluator grades: a block without
parts (``("B1", "")``) or one part of a block with parts (``("B3", "pme")``). Units come
from the session's référentiel version, never from a list written here.

Every write runs in one transaction and leaves one audit event; a refusal raises
``SessionError`` (or ``AssignmentRefused``) with a French message the page shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

import polars as pl
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from certif.accounts.models import ConflictOfInterest
from certif.accounts.people import person
from certif.accounts.services import conflicted_pairs
from certif.candidates.models import Candidate
from certif.core import audit
from certif.core.audit import MIN_REASON, Actor, account_of
from certif.core.bulk import fetch_frame, insert_frame, stored_datetime
from certif.core.errors import Invalid, Refused
from certif.core.policies import require
from certif.core.roles import Role, has_role
from certif.core.service_writes import save_fields
from certif.core.validation import as_form_data, bound, validated
from certif.domain.partners.habilitations import Need
from certif.domain.units import UnitRef
from certif.partners.models import Partner, PartnerMember
from certif.partners.queries import uncovered_blocks
from certif.referential.models import Block, ReferentialVersion
from certif.sessions import actions, signals
from certif.sessions.forms import AssignForm, BulkAssignForm, RemovalForm, SessionForm
from certif.sessions.models import SESSION_FIELDS, Assignment, Enrolment, ExamSession
from certif.sessions.policies import (
    ENROL_REFUSED,
    MANAGE_REFUSED,
    may_enrol,
    may_manage_sessions,
    may_override_habilitation,
)

MARKERS = (1, 2)
# How many names a refusal quotes before « et N autres ».
NAMED_IN_REFUSAL = 10
# Rows per query when a list of ids goes into an IN (…): below every backend's parameter limit.
CHUNK = 5000


OVERRIDE_REFUSED = "Seul un gestionnaire inscrit au-delà de l'habilitation d'un organisme."
# How many candidates a refusal names per partner.
PARTNER_NAMED = 5


class SessionError(Refused):
    """A write refused; the message says why, in French."""


class AssignmentRefused(SessionError):
    """An assignment the rules forbid: a link of interest, the same person marking twice…"""


# -- units -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Units:
    blocks: dict[str, Block]
    parts: dict[str, list[str]]

    def resolve(self, unit: UnitRef) -> tuple[Block, str]:
        code, part = unit
        block = self.blocks.get(code)
        if block is None:
            known = ", ".join(self.blocks)
            raise SessionError(f"bloc inconnu « {code} » (blocs : {known})")
        parts = self.parts.get(code, [])
        if parts and part not in parts:
            raise SessionError(
                f"le bloc {code} se passe par partie : choisissez {', '.join(parts)}"
            )
        if not parts and part:
            raise SessionError(f"le bloc {code} n'a pas de parties")
        return block, part


def _units(version: ReferentialVersion) -> _Units:
    blocks = {b.code: b for b in Block.objects.filter(version=version).prefetch_related("parts")}
    parts = {code: [p.code for p in block.parts.all()] for code, block in blocks.items()}
    return _Units(blocks, parts)


# -- sessions --------------------------------------------------------------------------------


def _stored(value: Any) -> Any:
    """A field's value as the journal keeps it (JSON)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, ReferentialVersion):
        return str(value)
    if isinstance(value, Partner):
        return value.siret
    return value


def create_session(data: Mapping[str, Any], actor: Actor = None) -> ExamSession:
    """A new session from what was typed or sent (``SessionForm``)."""
    require(actor, may_manage_sessions, message=MANAGE_REFUSED)
    values = validated(SessionForm, data)
    fields = {name: values[name] for name in SESSION_FIELDS}
    with transaction.atomic():
        session = ExamSession.objects.create(**fields)
        audit.record(
            actions.SESSION_CREATED,
            session,
            actor=actor,
            after={name: _stored(value) for name, value in fields.items()},
        )
    return session


def update_session(
    session: ExamSession, data: Mapping[str, Any], actor: Actor = None
) -> ExamSession:
    """Change a session's fields — those ``data`` gives, checked with the others as
    ``SessionForm`` checks a session; its référentiel version only while nothing hangs on it."""
    require(actor, may_manage_sessions, message=MANAGE_REFUSED)
    with transaction.atomic():
        current = ExamSession.objects.select_for_update().get(pk=session.pk)
        whole = {**as_form_data(_fields(current)), **dict(data.items())}
        values = validated(SessionForm, whole, instance=ExamSession.objects.get(pk=current.pk))
        changed = {
            name: values[name] for name in SESSION_FIELDS if getattr(current, name) != values[name]
        }
        if not changed:
            return current
        if "referential_version" in changed and (
            current.enrolments.exists() or current.sheets.exists()
        ):
            raise Invalid.on(
                "referential_version",
                "la version du référentiel ne peut plus changer : la session a déjà des "
                "inscriptions ou des feuilles d'évaluation",
            )
        before = {name: _stored(getattr(current, name)) for name in changed}
        for name, value in changed.items():
            setattr(current, name, value)
        current.save(update_fields=list(changed))
        audit.record(
            actions.SESSION_UPDATED,
            current,
            actor=actor,
            before=before,
            after={name: _stored(value) for name, value in changed.items()},
        )
    return current


def _fields(session: ExamSession) -> dict[str, Any]:
    values = {name: getattr(session, name) for name in SESSION_FIELDS}
    values["referential_version"] = session.referential_version_id
    values["partner"] = session.partner.siret if session.partner is not None else ""
    return values


# -- enrolment -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EnrolOutcome:
    candidates: int
    created: int
    existing: int
    # Candidates left out of a unit whose block a jury already validated for them (numeros).
    acquired: tuple[str, ...] = ()


def acquired_blocks(candidate_ids: Sequence[int], blocks: Iterable[str]) -> set[tuple[int, str]]:
    """The (candidate, block) pairs among these that a closed jury act validated: acquired for
    life, never to be sat again unless someone says so."""
    answers = signals.acquired_blocks.send(
        ExamSession, candidate_ids=list(candidate_ids), blocks=set(blocks)
    )
    found: set[tuple[int, str]] = set()
    for _receiver, pairs in answers:
        found.update(cast(Iterable[tuple[int, str]], pairs or ()))
    return found


def enrol(
    session: ExamSession,
    candidate_ids: Iterable[int],
    units: Sequence[tuple[str, str]],
    actor: Actor = None,
    *,
    include_acquired: bool = False,
    override_reason: str = "",
) -> EnrolOutcome:
    """Enrol every candidate in every unit; an enrolment already there is left as it is, and a
    candidate whose block a jury already validated is left out of its units unless
    ``include_acquired`` (blocks are acquired for life: sitting one again is a choice).

    Rows go in through ``insert_frame`` (COPY on PostgreSQL): 100,000 candidates in two
    units are a few seconds, not the minute that one model instance per row would take.
    """
    ids = sorted(set(candidate_ids))
    require(actor, may_enrol, session, ids, message=ENROL_REFUSED)
    if override_reason.strip():
        require(actor, may_override_habilitation, message=OVERRIDE_REFUSED)
    if not ids:
        raise SessionError("aucun candidat à inscrire")
    if not units:
        raise SessionError("choisissez au moins un bloc ou une partie")
    catalogue = _units(session.referential_version)
    resolved = [catalogue.resolve(UnitRef(*unit)) for unit in dict.fromkeys(units)]
    uncovered = _uncovered(session, ids, [block.code for block, _part in resolved])
    override = _override(uncovered, override_reason)
    wanted = pl.DataFrame({"candidate_id": ids}, schema={"candidate_id": pl.Int64}).join(
        pl.DataFrame(
            [(block.pk, part) for block, part in resolved],
            schema={"block_id": pl.Int64, "part": pl.String},
            orient="row",
        ),
        how="cross",
    )
    left_out: tuple[str, ...] = ()
    if not include_acquired:
        wanted, left_out = _without_acquired(wanted, ids, {b.pk: b.code for b, _p in resolved})
    with transaction.atomic():
        # Locks the session (PostgreSQL; SQLite writers take turns anyway) so that two
        # enrolments never both insert the same missing rows.
        ExamSession.objects.select_for_update().filter(pk=session.pk).exists()
        existing = fetch_frame(
            f"SELECT candidate_id, block_id, part FROM {Enrolment._meta.db_table} "
            f"WHERE session_id = %s",
            [session.pk],
            {"candidate_id": pl.Int64, "block_id": pl.Int64, "part": pl.String},
        )
        missing = wanted.join(existing, on=["candidate_id", "block_id", "part"], how="anti")
        insert_frame(
            Enrolment._meta.db_table,
            missing.select(
                "candidate_id",
                pl.lit(session.pk, dtype=pl.Int64).alias("session_id"),
                "block_id",
                "part",
                pl.lit(stored_datetime(timezone.now())).alias("created_at"),
            ),
        )
        created = missing.height
        requested = wanted.height
        audit.record(
            actions.ENROLLED,
            session,
            actor=actor,
            after={
                "units": [UnitRef(b.code, p).key for b, p in resolved],
                "candidates": len(ids),
                "created": created,
                "existing": requested - created,
                # Named only when someone was left out, as the journal shows every key.
                **({"acquired": list(left_out)} if left_out else {}),
                **({"uncovered": uncovered} if uncovered else {}),
            },
            reason=override,
        )
    return EnrolOutcome(len(ids), created, requested - created, left_out)


def _uncovered(session: ExamSession, ids: Sequence[int], blocks: Sequence[str]) -> list[str]:
    """What the partners' habilitations to prepare do not cover among these enrolments, one
    sentence per partner: a candidate prepared by a partner sits a block only if the partner
    is habilitated to prepare for it on the session's first day (today without one)."""
    day = session.start_date or date.today()
    certification = session.referential_version.code
    numeros: dict[int, list[str]] = {}
    linked = Candidate.objects.filter(pk__in=ids, partner__isnull=False).order_by("numero")
    for numero, partner_id in linked.values_list("numero", "partner_id"):
        numeros.setdefault(partner_id, []).append(numero)
    found = []
    for partner in Partner.objects.filter(pk__in=numeros).order_by("legal_name"):
        missing = uncovered_blocks(partner, certification, blocks, day, Need.PREPARATION)
        if missing:
            named = numeros[partner.pk]
            shown = ", ".join(named[:PARTNER_NAMED]) + ("…" if len(named) > PARTNER_NAMED else "")
            found.append(
                f"{partner.legal_name} ({partner.siret}) n'est pas habilité à préparer "
                f"{', '.join(missing)} au {day:%d/%m/%Y} (candidat(s) {shown})"
            )
    return found


def _override(uncovered: Sequence[str], reason: str) -> str:
    """Enrolments outside the partners' habilitations are refused, unless the gestionnaire
    overrides with a reason (kept in the journal)."""
    if not uncovered:
        return ""
    if len(reason.strip()) < MIN_REASON:
        raise SessionError(
            "Rien n'a été inscrit : " + " ; ".join(uncovered) + ". Pour passer outre, "
            f"donnez un motif de dérogation ({MIN_REASON} caractères au moins)."
        )
    return reason.strip()


def _without_acquired(
    wanted: pl.DataFrame, ids: Sequence[int], codes: Mapping[int, str]
) -> tuple[pl.DataFrame, tuple[str, ...]]:
    """``wanted`` (candidate, block, part) less the units of blocks already acquired, and the
    numeros of the candidates so left out of at least one unit."""
    acquired = acquired_blocks(ids, codes.values())
    if not acquired:
        return wanted, ()
    by_code = {code: pk for pk, code in codes.items()}
    pairs = pl.DataFrame(
        [(candidate, by_code[code]) for candidate, code in acquired if code in by_code],
        schema={"candidate_id": pl.Int64, "block_id": pl.Int64},
        orient="row",
    )
    kept = wanted.join(pairs, on=["candidate_id", "block_id"], how="anti")
    left = sorted({candidate for candidate, _code in acquired})
    numeros = (
        Candidate.objects.filter(pk__in=left).order_by("numero").values_list("numero", flat=True)
    )
    return kept, tuple(numeros)


# -- assignments -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AssignOutcome:
    created: int = 0
    replaced: int = 0
    unchanged: int = 0
    skipped: int = 0


def _check_assignment(evaluator: User, marker: int) -> None:
    if marker not in MARKERS:
        raise AssignmentRefused("correcteur 1, ou 2 pour une double correction")
    if not has_role(evaluator, Role.EVALUATOR):
        raise AssignmentRefused(f"{person(evaluator)} n'a pas le rôle évaluateur")


def _check_delegation(session: ExamSession, evaluator: User, block: str) -> None:
    """A session delegated to a partner is graded by that partner's evaluators, for the blocks
    its habilitation to evaluate covers on the session's first day."""
    if session.partner_id is None:
        return
    partner = session.partner
    assert partner is not None
    member = PartnerMember.objects.filter(user=evaluator).first()
    if member is None or member.partner_id != partner.pk:
        raise AssignmentRefused(
            f"affectation refusée : la session {session} est déléguée à {partner.legal_name}, "
            f"dont {person(evaluator)} n'est pas évaluateur ou évaluatrice"
        )
    day = session.start_date or date.today()
    certification = session.referential_version.code
    if uncovered_blocks(partner, certification, [block], day, Need.EVALUATION):
        raise AssignmentRefused(
            f"affectation refusée : {partner.legal_name} n'est pas habilité à évaluer {block} "
            f"au {day:%d/%m/%Y}"
        )


def _assigned_unit(session: ExamSession, block: str, part: str) -> tuple[Block, str, str]:
    """The unit to assign in the session's référentiel: its block's row, its part, its label."""
    block_row, part = _units(session.referential_version).resolve(UnitRef(block, part))
    return block_row, part, UnitRef(block, part).label(session.referential_version.referential)


def _assignable_unit(
    session: ExamSession, evaluator: User, marker: int, block: str, part: str
) -> tuple[Block, str, str]:
    """The unit to assign, once the evaluator may take it as this marker in this session (the
    checks one assignment and a whole unit's share)."""
    _check_assignment(evaluator, marker)
    block_row, part, unit = _assigned_unit(session, block, part)
    _check_delegation(session, evaluator, block_row.code)
    return block_row, part, unit


def _new_assignment(
    session: ExamSession,
    candidate_id: int,
    unit: tuple[Block, str],
    evaluator: User,
    marker: int,
    assigned_by: Any,
) -> Assignment:
    """An assignment not saved yet: the candidate's unit (block row, part) to the evaluator."""
    block_row, part = unit
    return Assignment(
        session=session,
        candidate_id=candidate_id,
        block=block_row,
        part=part,
        evaluator=evaluator,
        marker=marker,
        assigned_by=assigned_by,
    )


def _named(candidates: Sequence[Candidate]) -> str:
    names = ", ".join(str(c) for c in candidates[:NAMED_IN_REFUSAL])
    more = len(candidates) - NAMED_IN_REFUSAL
    return names + (f" et {more} autre(s)" if more > 0 else "")


def assign(session: ExamSession, data: Mapping[str, Any], actor: Actor = None) -> AssignOutcome:
    """One candidate's unit to one evaluator, as asked on the session's page or through the API
    (``AssignForm``: the candidate's numero, the unit, the evaluator's login, the marker)."""
    require(actor, may_manage_sessions, message=MANAGE_REFUSED)
    form = bound(AssignForm(data, session=session))
    unit = form.unit()
    return assign_evaluator(
        session,
        form.cleaned_data["candidat"],
        unit.block,
        unit.part,
        form.cleaned_data["evaluateur"],
        form.cleaned_data["correcteur"],
        actor=actor,
    )


def assign_all(session: ExamSession, data: Mapping[str, Any], actor: Actor = None) -> AssignOutcome:
    """Every candidate enrolled in a unit to one evaluator (``BulkAssignForm``)."""
    require(actor, may_manage_sessions, message=MANAGE_REFUSED)
    form = bound(BulkAssignForm(data, session=session))
    unit = form.unit()
    return assign_evaluator_bulk(
        session,
        unit.block,
        unit.part,
        form.cleaned_data["evaluateur"],
        form.cleaned_data["correcteur"],
        actor=actor,
        only_unassigned=form.cleaned_data["sans_correcteur"],
    )


def assign_evaluator(
    session: ExamSession,
    candidate: Candidate,
    block: str,
    part: str,
    evaluator: User,
    marker: int = 1,
    actor: Actor = None,
) -> AssignOutcome:
    """Ask ``evaluator`` to grade the candidate's unit as marker 1 (or 2 for double marking).

    Refused for an evaluator linked to the candidate, or already the other marker of the
    unit. Assigning the same person again changes nothing; another person replaces them.
    """
    require(actor, may_manage_sessions, message=MANAGE_REFUSED)
    block_row, part, unit = _assignable_unit(session, evaluator, marker, block, part)
    with transaction.atomic():
        enrolled = Enrolment.objects.filter(
            session=session, candidate=candidate, block=block_row, part=part
        ).exists()
        if not enrolled:
            raise SessionError(f"{candidate} n'est pas inscrit à {unit} dans la session {session}")
        conflict = ConflictOfInterest.objects.filter(user=evaluator, candidate=candidate).first()
        if conflict is not None:
            raise AssignmentRefused(
                f"affectation refusée : {person(evaluator)} a un lien d'intérêt avec "
                f"{candidate} ({conflict.get_kind_display()})"
            )
        existing = {
            a.marker: a
            for a in Assignment.objects.select_related("evaluator").filter(
                session=session, candidate=candidate, block=block_row, part=part
            )
        }
        other = existing.get(3 - marker)
        if other is not None and other.evaluator_id == evaluator.pk:
            raise AssignmentRefused(
                f"{person(evaluator)} est déjà correcteur {other.marker} de {candidate} pour "
                f"{unit} : l'autre correcteur doit être une autre personne"
            )
        current = existing.get(marker)
        if current is not None and current.evaluator_id == evaluator.pk:
            return AssignOutcome(unchanged=1)
        label = f"{candidate.numero} — {session.code} — {unit} — correcteur {marker}"
        if current is None:
            current = _new_assignment(
                session, candidate.pk, (block_row, part), evaluator, marker, account_of(actor)
            )
            current.save(force_insert=True)
            audit.record(
                actions.ASSIGNMENT_CREATED,
                current,
                actor=actor,
                after={"evaluator": evaluator.get_username()},
                label=label,
            )
            return AssignOutcome(created=1)
        before = current.evaluator.get_username()
        save_fields(current, evaluator=evaluator, assigned_by=account_of(actor))
        audit.record(
            actions.ASSIGNMENT_CHANGED,
            current,
            actor=actor,
            before={"evaluator": before},
            after={"evaluator": evaluator.get_username()},
            label=label,
        )
        return AssignOutcome(replaced=1)


def assign_evaluator_bulk(
    session: ExamSession,
    block: str,
    part: str,
    evaluator: User,
    marker: int = 1,
    actor: Actor = None,
    *,
    only_unassigned: bool = False,
) -> AssignOutcome:
    """Assign ``evaluator`` to every candidate enrolled in the unit, all or nothing.

    With ``only_unassigned``, candidates who already have an evaluator for this marker keep
    theirs: assign the few linked to this evaluator to someone else first, then the rest.
    """
    block_row, part, unit = _assignable_unit(session, evaluator, marker, block, part)
    with transaction.atomic():
        enrolled = list(
            Enrolment.objects.filter(session=session, block=block_row, part=part).values_list(
                "candidate_id", flat=True
            )
        )
        if not enrolled:
            raise SessionError(f"aucun candidat n'est inscrit à {unit} dans la session {session}")
        assignments = Assignment.objects.filter(session=session, block=block_row, part=part)
        current = {a.candidate_id: a for a in assignments if a.marker == marker}
        other = {a.candidate_id: a.evaluator_id for a in assignments if a.marker != marker}
        targets = [pk for pk in enrolled if not (only_unassigned and pk in current)]
        _refuse_linked(evaluator, targets)
        twice = [pk for pk in targets if other.get(pk) == evaluator.pk]
        if twice:
            named = _named(list(Candidate.objects.filter(pk__in=twice[:NAMED_IN_REFUSAL])))
            raise AssignmentRefused(
                f"affectation refusée : {person(evaluator)} est déjà l'autre correcteur de "
                f"{len(twice)} candidat(s) pour {unit} ({named}) : l'autre correcteur doit "
                f"être une autre personne"
            )
        user = account_of(actor)
        created = [
            _new_assignment(session, pk, (block_row, part), evaluator, marker, user)
            for pk in targets
            if pk not in current
        ]
        replaced = [
            current[pk]
            for pk in targets
            if pk in current and current[pk].evaluator_id != evaluator.pk
        ]
        for assignment in replaced:
            assignment.evaluator = evaluator
            assignment.assigned_by = user
        Assignment.objects.bulk_create(created, batch_size=CHUNK)
        Assignment.objects.bulk_update(replaced, ["evaluator", "assigned_by"], batch_size=CHUNK)
        outcome = AssignOutcome(
            created=len(created),
            replaced=len(replaced),
            unchanged=len(targets) - len(created) - len(replaced),
            skipped=len(enrolled) - len(targets),
        )
        audit.record(
            actions.ASSIGNMENTS_ASSIGNED,
            session,
            actor=actor,
            after={
                "unit": unit,
                "evaluator": evaluator.get_username(),
                "marker": marker,
                "created": outcome.created,
                "replaced": outcome.replaced,
                "unchanged": outcome.unchanged,
                "skipped": outcome.skipped,
            },
        )
    return outcome


def _refuse_linked(evaluator: User, candidate_ids: Sequence[int]) -> None:
    linked: set[int] = set()
    for start in range(0, len(candidate_ids), CHUNK):
        pairs = conflicted_pairs([evaluator.pk], candidate_ids[start : start + CHUNK])
        linked |= {candidate for _, candidate in pairs}
    if linked:
        candidates = list(Candidate.objects.filter(pk__in=sorted(linked)).order_by("numero"))
        raise AssignmentRefused(
            f"affectation refusée : {person(evaluator)} a un lien d'intérêt avec "
            f"{len(candidates)} candidat(s) : {_named(candidates)}. Affectez-les à une autre "
            f"personne, puis recommencez en ne retenant que les candidats sans correcteur."
        )


# -- reading ---------------------------------------------------------------------------------


# -- removals --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Removal:
    """One enrolment about to be removed, as the apps above identify what hangs on it."""

    candidate_id: int
    block_id: int
    part: str


def removal_blockers(session: ExamSession, units: Sequence[Removal] | None = None) -> list[str]:
    """Why the session (``units`` None) or these enrolments cannot be removed: what the apps
    above hang on them (scores, a deliberation, documents), in French; empty when nothing."""
    answers = signals.removal_blockers.send(ExamSession, session=session, units=units)
    return [reason for _receiver, reasons in answers for reason in reasons or ()]


def _refuse_if_blocked(
    session: ExamSession, units: Sequence[Removal] | None, refusal: str, **names: str
) -> None:
    blockers = removal_blockers(session, units)
    if blockers:
        raise SessionError(refusal % {**names, "reasons": " ; ".join(blockers)})


def delete_session(session: ExamSession, data: Mapping[str, Any], actor: Actor = None) -> None:
    """Delete a session nothing depends on yet (no scores, no deliberation, no document): its
    enrolments, assignments and timetable go with it; the journal keeps what it was and why."""
    require(actor, may_manage_sessions, message=MANAGE_REFUSED)
    reason = validated(RemovalForm, data)["motif"]
    with transaction.atomic():
        current = ExamSession.objects.select_for_update().get(pk=session.pk)
        _refuse_if_blocked(
            current,
            None,
            gettext("La session %(code)s ne peut pas être supprimée : %(reasons)s."),
            code=current.code,
        )
        before = {name: _stored(getattr(current, name)) for name in SESSION_FIELDS}
        before["enrolments"] = current.enrolments.count()
        before["assignments"] = current.assignments.count()
        signals.removing.send(ExamSession, session=current, units=None)
        audit.record(actions.SESSION_DELETED, current, actor=actor, before=before, reason=reason)
        current.delete()


def remove_enrolment(enrolment: Enrolment, data: Mapping[str, Any], actor: Actor = None) -> None:
    """Withdraw a candidate from one unit of a session while nothing depends on it (no score
    on its sheets, no deliberation of the session, no convocation in force); its assignments go
    with it."""
    require(actor, may_manage_sessions, message=MANAGE_REFUSED)
    reason = validated(RemovalForm, data)["motif"]
    with transaction.atomic():
        ExamSession.objects.select_for_update().filter(pk=enrolment.session_id).exists()
        current = Enrolment.objects.select_related("session", "candidate", "block").get(
            pk=enrolment.pk
        )
        unit = Removal(current.candidate_id, current.block_id, current.part)
        label = f"{current.candidate.numero} — {current.block.unit_label(current.part)}"
        _refuse_if_blocked(
            current.session,
            [unit],
            gettext("L'inscription %(unit)s ne peut pas être retirée : %(reasons)s."),
            unit=label,
        )
        assignments = Assignment.objects.filter(
            session=current.session,
            candidate_id=unit.candidate_id,
            block_id=unit.block_id,
            part=unit.part,
        )
        signals.removing.send(ExamSession, session=current.session, units=[unit])
        audit.record(
            actions.ENROLMENT_REMOVED,
            current.session,
            actor=actor,
            before={"candidate": current.candidate.numero, "unit": UnitRef(current.block.code, current.part).key,
                    "assignments": assignments.count()},
            reason=reason,
        )  # fmt: skip
        assignments.delete()
        current.delete()
