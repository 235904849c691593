"""Every write to deliberations: opening, the jury's composition, its decisions, closing,
publishing, amending.

Each service runs in one transaction, re-reads and locks the deliberation it changes, refuses
what a closed deliberation must not receive (``DeliberationClosed``) and anything else it
forbids (``DeliberationError``, with a French message), and records an audit event.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from certif.accounts.models import ConflictOfInterest
from certif.candidates.models import Candidate
from certif.core import audit
from certif.core.audit import MIN_REASON, Actor, account_of
from certif.core.errors import NON_FIELD, Invalid
from certif.deliberations import actions, signals
from certif.deliberations.checks import (
    check_composition,
    composition_report,
    counts,
    minutes_data,
    minutes_digest,
)
from certif.deliberations.models import (
    CERTIFICATION,
    JURY_STATUSES,
    Affiliation,
    Decision,
    Deliberation,
    DeliberationClosed,
    DeliberationError,
    JuryMember,
    Kind,
    MemberRole,
    Recusal,
    Resolution,
    State,
    UnitStatus,
)
from certif.deliberations.proposals import (
    Proposal,
    absent_block,
    block_proposal,
    certification_proposal,
)
from certif.domain.rules.results import CandidateResult as EngineDecision
from certif.grading.models import ScoreSheet
from certif.referential.services import engine_for
from certif.results.models import CandidateResult
from certif.results.services import recompute
from certif.sessions.models import Enrolment, ExamSession

# Below this, a text is a word or two, not a justification a candidate could be given.
MIN_JUSTIFICATION = 15
CHUNK = 2000

__all__ = [
    "MIN_JUSTIFICATION",
    "MIN_REASON",
    "CompositionProblems",
    "DeliberationClosed",
    "DeliberationError",
    "check_composition",
    "close_deliberation",
    "confirm",
    "confirm_all_pending",
    "confirm_row",
    "minutes_data",
    "minutes_digest",
    "open_amendment",
    "open_deliberation",
    "override",
    "publish_results",
    "record_member",
    "recuse",
    "remove_member",
    "session_candidate_ids",
    "set_presence",
    "withdraw_recusal",
]


class CompositionProblems(Invalid, DeliberationError):
    """Closing refused: ``problems`` lists every reason, in French."""

    # Nothing wrong in the request: the jury's state refuses it.
    status = 409

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__(
            {NON_FIELD: self.problems},
            "La délibération ne peut pas être close : " + " ".join(self.problems),
        )


def _now() -> datetime:
    return timezone.now()


def _locked(deliberation: Deliberation) -> Deliberation:
    return (
        Deliberation.objects.select_for_update(of=("self",))
        .select_related("session", "session__referential_version")
        .get(pk=deliberation.pk)
    )


def _locked_open(deliberation: Deliberation) -> Deliberation:
    fresh = _locked(deliberation)
    if not fresh.is_open:
        raise DeliberationClosed(fresh)
    return fresh


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    return (ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK))


# -- opening ----------------------------------------------------------------------------------


def session_candidate_ids(session: ExamSession) -> list[int]:
    """Every candidate with a sheet or an enrolment in the session."""
    sheets = ScoreSheet.objects.filter(session=session).values("candidate_id")
    enrolments = Enrolment.objects.filter(session=session).values("candidate_id")
    return list(
        Candidate.objects.filter(Q(pk__in=sheets) | Q(pk__in=enrolments))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _units(session: ExamSession) -> list[tuple[str, str]]:
    """(code, name) of the blocks of the session's référentiel, in its order, named as the
    engine names them."""
    referential = engine_for(session.referential_version).referential
    return [(block.code, block.unit_name) for block in referential.blocks]


def _refuse_if_open(session: ExamSession) -> None:
    current = Deliberation.objects.filter(session=session, status=State.OPEN).first()
    if current is not None:
        raise DeliberationError(
            f"La délibération n° {current.number} de la session {session.code} est encore "
            "ouverte : closez-la avant d'en ouvrir une autre."
        )


def _next_number(session: ExamSession) -> int:
    last = Deliberation.objects.filter(session=session).aggregate(Max("number"))["number__max"]
    return (last or 0) + 1


def _decision(
    deliberation: Deliberation,
    candidate_id: int,
    unit: str,
    position: int,
    proposal: Proposal,
    previous: Decision | None,
) -> Decision:
    return Decision(
        deliberation=deliberation,
        candidate_id=candidate_id,
        unit=unit,
        position=position,
        proposed_status=proposal.status,
        proposed_score=proposal.score,
        explanation=proposal.explanation,
        snapshot=proposal.snapshot,
        borderline=proposal.borderline,
        previous=previous,
    )


def _snapshot(
    deliberation: Deliberation,
    candidate_ids: Sequence[int],
    previous: Mapping[tuple[int, str], Decision] | None = None,
) -> int:
    """Copy the engine's stored decision of each candidate, unit by unit; return how many
    candidates. Results missing (never computed) are computed first."""
    units = _units(deliberation.session)
    earlier = previous or {}
    for chunk in _chunks(candidate_ids):
        stored = set(
            CandidateResult.objects.filter(candidate_id__in=chunk).values_list(
                "candidate_id", flat=True
            )
        )
        missing = [pk for pk in chunk if pk not in stored]
        if missing:
            recompute(missing)
        rows: list[Decision] = []
        results = CandidateResult.objects.filter(candidate_id__in=chunk).values_list(
            "candidate_id", "data"
        )
        for candidate_id, data in results:
            decision = EngineDecision.from_dict(data)
            for position, (code, name) in enumerate(units):
                block = decision.blocks.get(code) or absent_block(code, name)
                rows.append(
                    _decision(
                        deliberation,
                        candidate_id,
                        code,
                        position,
                        block_proposal(block),
                        earlier.get((candidate_id, code)),
                    )
                )
            rows.append(
                _decision(
                    deliberation,
                    candidate_id,
                    CERTIFICATION,
                    len(units),
                    certification_proposal(decision),
                    earlier.get((candidate_id, CERTIFICATION)),
                )
            )
        Decision.objects.bulk_create(rows, batch_size=1000)
    return len(candidate_ids)


def open_deliberation(
    session: ExamSession, actor: Actor, date: date, place: str = ""
) -> Deliberation:
    """Open the session's deliberation, with the engine's proposals for each of its candidates
    (every block of the référentiel, and the certification), copied now once and for all."""
    with transaction.atomic():
        session = ExamSession.objects.select_for_update().get(pk=session.pk)
        initial = Deliberation.objects.filter(session=session, kind=Kind.INITIAL).first()
        if initial is not None:
            raise DeliberationError(
                f"La session {session.code} a déjà sa délibération (n° {initial.number}) ; "
                "toute modification ultérieure passe par un acte modificatif motivé."
            )
        _refuse_if_open(session)
        candidate_ids = session_candidate_ids(session)
        if not candidate_ids:
            raise DeliberationError(
                f"Aucun candidat n'a de feuille d'évaluation ni d'inscription dans la session "
                f"{session.code} : il n'y a rien à délibérer."
            )
        deliberation = Deliberation.objects.create(
            session=session,
            kind=Kind.INITIAL,
            number=_next_number(session),
            date=date,
            place=place.strip(),
            opened_by=account_of(actor),
            opened_at=_now(),
        )
        count = _snapshot(deliberation, candidate_ids)
        audit.record(
            actions.OPENED,
            deliberation,
            actor=actor,
            after={
                "session": session.code,
                "number": deliberation.number,
                "date": date.isoformat(),
                "place": deliberation.place,
                "candidates": count,
            },
        )
    return deliberation


def _last_closed_decisions(
    session: ExamSession, candidate_ids: Sequence[int]
) -> dict[tuple[int, str], Decision]:
    latest: dict[tuple[int, str], Decision] = {}
    closed = (
        Decision.objects.filter(
            deliberation__session=session,
            deliberation__status=State.CLOSED,
            candidate_id__in=candidate_ids,
        )
        .defer("snapshot")
        .order_by("candidate_id", "unit", "-deliberation__number")
    )
    for decision in closed:
        latest.setdefault((decision.candidate_id, decision.unit), decision)
    return latest


def open_amendment(
    session: ExamSession,
    actor: Actor,
    reason: str,
    candidates: Iterable[Candidate],
    *,
    date: date | None = None,
    place: str = "",
) -> Deliberation:
    """A new, motivated act on candidates already decided in this session.

    Each of its decisions starts from the last closed decision of that candidate and unit
    (``previous``) and carries the engine's proposal as it stands now (scores may have been
    corrected since): the jury confirms or overrides, as in any deliberation.
    """
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        raise DeliberationError(
            "Un acte modificatif doit être motivé : indiquez pourquoi les décisions sont "
            f"revues (au moins {MIN_REASON} caractères)."
        )
    chosen = sorted({candidate.pk: candidate for candidate in candidates}.items())
    if not chosen:
        raise DeliberationError("Indiquez au moins un candidat concerné par l'acte modificatif.")
    with transaction.atomic():
        session = ExamSession.objects.select_for_update().get(pk=session.pk)
        _refuse_if_open(session)
        candidate_ids = [pk for pk, _candidate in chosen]
        previous = _last_closed_decisions(session, candidate_ids)
        decided = {candidate_id for candidate_id, _unit in previous}
        undecided = [candidate.numero for pk, candidate in chosen if pk not in decided]
        if undecided:
            raise DeliberationError(
                f"Aucune délibération close de la session {session.code} ne porte sur "
                f"{', '.join(undecided)} : un acte modificatif ne revient que sur des décisions "
                "déjà arrêtées."
            )
        deliberation = Deliberation.objects.create(
            session=session,
            kind=Kind.AMENDMENT,
            number=_next_number(session),
            date=date or timezone.localdate(),
            place=place.strip(),
            reason=reason,
            opened_by=account_of(actor),
            opened_at=_now(),
        )
        _snapshot(deliberation, candidate_ids, previous)
        audit.record(
            actions.AMENDMENT_OPENED,
            deliberation,
            actor=actor,
            after={
                "session": session.code,
                "number": deliberation.number,
                "candidates": [candidate.numero for _pk, candidate in chosen],
            },
            reason=reason,
        )
    return deliberation


# -- the jury ---------------------------------------------------------------------------------


def _member_state(member: JuryMember) -> dict[str, Any]:
    return {
        "name": member.full_name,
        "role": member.role,
        "affiliation": member.affiliation,
        "occupation": member.occupation,
        "present": member.present,
        "account": member.user.get_username() if member.user is not None else None,
    }


def record_member(
    deliberation: Deliberation,
    actor: Actor,
    *,
    full_name: str,
    role: MemberRole | str,
    affiliation: Affiliation | str,
    user: Any = None,
    occupation: str = "",
    present: bool = True,
) -> JuryMember:
    full_name = full_name.strip()
    if not full_name:
        raise DeliberationError("Indiquez le nom du membre du jury.")
    if role not in MemberRole.values or affiliation not in Affiliation.values:
        raise DeliberationError("Rôle ou rattachement du membre inconnu.")
    with transaction.atomic():
        deliberation = _locked_open(deliberation)
        if user is not None and deliberation.members.filter(user=user).exists():
            raise DeliberationError(f"Le compte « {user.get_username()} » siège déjà dans ce jury.")
        member = JuryMember.objects.create(
            deliberation=deliberation,
            user=user,
            full_name=full_name,
            role=role,
            affiliation=affiliation,
            occupation=occupation.strip(),
            present=present,
        )
        audit.record(
            actions.MEMBER_ADDED,
            member,
            actor=actor,
            after=_member_state(member),
            label=f"{deliberation} — {member.full_name}",
        )
    return member


def remove_member(member: JuryMember, actor: Actor) -> None:
    with transaction.atomic():
        deliberation = _locked_open(member.deliberation)
        member = JuryMember.objects.select_related("user").get(
            pk=member.pk, deliberation=deliberation
        )
        before = _member_state(member)
        label = f"{deliberation} — {member.full_name}"
        audit.record(actions.MEMBER_REMOVED, member, actor=actor, before=before, label=label)
        member.delete()


def set_presence(member: JuryMember, present: bool, actor: Actor) -> JuryMember:
    with transaction.atomic():
        deliberation = _locked_open(member.deliberation)
        member = JuryMember.objects.select_related("user").get(
            pk=member.pk, deliberation=deliberation
        )
        if member.present == present:
            return member
        member.present = present
        member.save(update_fields=["present"])
        audit.record(
            actions.MEMBER_PRESENCE,
            member,
            actor=actor,
            before={"present": not present},
            after={"present": present},
            label=f"{deliberation} — {member.full_name}",
        )
    return member


def recuse(member: JuryMember, candidate: Candidate, actor: Actor, reason: str = "") -> Recusal:
    """The member does not deliberate on this candidate (and may then sit for the others)."""
    with transaction.atomic():
        deliberation = _locked_open(member.deliberation)
        if not deliberation.decisions.filter(candidate=candidate).exists():
            raise DeliberationError(
                f"Le candidat {candidate.numero} ne fait pas partie de cette délibération."
            )
        if Recusal.objects.filter(member=member, candidate=candidate).exists():
            raise DeliberationError(
                f"{member.full_name} est déjà récusé(e) pour le candidat {candidate.numero}."
            )
        recusal = Recusal.objects.create(member=member, candidate=candidate, reason=reason.strip())
        audit.record(
            actions.RECUSAL,
            recusal,
            actor=actor,
            after={"member": member.full_name, "candidate": candidate.numero, "reason": reason},
            label=f"{deliberation} — {member.full_name} — {candidate.numero}",
        )
    return recusal


def withdraw_recusal(recusal: Recusal, actor: Actor) -> None:
    with transaction.atomic():
        recusal = Recusal.objects.select_related("member", "candidate").get(pk=recusal.pk)
        deliberation = _locked_open(recusal.member.deliberation)
        label = f"{deliberation} — {recusal.member.full_name} — {recusal.candidate.numero}"
        audit.record(
            actions.RECUSAL_WITHDRAWN,
            recusal,
            actor=actor,
            before={"member": recusal.member.full_name, "candidate": recusal.candidate.numero},
            label=label,
        )
        recusal.delete()


# -- decisions --------------------------------------------------------------------------------


def _seated_member(deliberation: Deliberation, actor: Actor) -> JuryMember:
    user = account_of(actor)
    member = (
        JuryMember.objects.filter(deliberation=deliberation, user=user, present=True)
        .select_related("user")
        .first()
        if user is not None
        else None
    )
    if member is None:
        raise DeliberationError(
            "Seuls les membres présents de ce jury, enregistrés avec leur compte, peuvent "
            "prendre une décision."
        )
    return member


def _check_may_decide(member: JuryMember, candidate: Candidate) -> None:
    if Recusal.objects.filter(member=member, candidate=candidate).exists():
        raise DeliberationError(
            f"{member.full_name} est récusé(e) pour le candidat {candidate.numero} : un autre "
            "membre du jury doit prendre cette décision."
        )
    if ConflictOfInterest.objects.filter(user=member.user, candidate=candidate).exists():
        raise DeliberationError(
            f"{member.full_name} a un lien d'intérêt avec le candidat {candidate.numero} : "
            "un autre membre du jury doit prendre cette décision."
        )


def _decision_state(decision: Decision) -> dict[str, str]:
    return {
        "resolution": decision.resolution,
        "status": decision.status,
        "justification": decision.justification,
    }


def _label(decision: Decision) -> str:
    return f"{decision.candidate.numero} — {decision.unit}"


def _lock_decision(decision: Decision) -> tuple[Deliberation, Decision]:
    deliberation = _locked_open(decision.deliberation)
    fresh = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("candidate")
        .defer("snapshot")
        .get(pk=decision.pk, deliberation=deliberation)
    )
    return deliberation, fresh


def _confirm_locked(decision: Decision, member: JuryMember, actor: Actor) -> Decision:
    before = _decision_state(decision)
    decision.resolution = Resolution.CONFIRMED
    decision.status = decision.proposed_status
    decision.justification = ""
    decision.decided_by = member.user
    decision.decided_at = _now()
    decision.save(
        update_fields=["resolution", "status", "justification", "decided_by", "decided_at"]
    )
    audit.record(
        actions.DECISION_CONFIRMED,
        decision,
        actor=actor,
        before=before,
        after=_decision_state(decision),
        label=_label(decision),
    )
    return decision


def confirm(decision: Decision, actor: Actor) -> Decision:
    """The jury follows the proposal."""
    with transaction.atomic():
        deliberation, decision = _lock_decision(decision)
        member = _seated_member(deliberation, actor)
        _check_may_decide(member, decision.candidate)
        return _confirm_locked(decision, member, actor)


def confirm_row(deliberation: Deliberation, candidate: Candidate, actor: Actor) -> int:
    """Confirm every proposal still pending for one candidate; return how many."""
    with transaction.atomic():
        deliberation = _locked_open(deliberation)
        member = _seated_member(deliberation, actor)
        _check_may_decide(member, candidate)
        pending = list(
            Decision.objects.select_for_update(of=("self",))
            .select_related("candidate")
            .defer("snapshot")
            .filter(deliberation=deliberation, candidate=candidate, resolution=Resolution.PENDING)
        )
        for decision in pending:
            _confirm_locked(decision, member, actor)
    return len(pending)


@dataclass(frozen=True)
class BulkConfirmation:
    confirmed: int
    # Candidates left for another member: the actor is recused or linked to them.
    skipped: list[str]


def confirm_all_pending(deliberation: Deliberation, actor: Actor) -> BulkConfirmation:
    """Confirm every proposal still pending, except for the candidates the actor may not
    decide on; one audit event for the whole act."""
    with transaction.atomic():
        deliberation = _locked_open(deliberation)
        member = _seated_member(deliberation, actor)
        in_deliberation = Decision.objects.filter(
            deliberation=deliberation, unit=CERTIFICATION
        ).values("candidate_id")
        excluded = set(
            Recusal.objects.filter(member=member).values_list("candidate_id", flat=True)
        ) | set(
            ConflictOfInterest.objects.filter(
                user=member.user, candidate_id__in=in_deliberation
            ).values_list("candidate_id", flat=True)
        )
        pending = Decision.objects.filter(deliberation=deliberation, resolution=Resolution.PENDING)
        skipped = sorted(
            set(
                pending.filter(candidate_id__in=excluded).values_list(
                    "candidate__numero", flat=True
                )
            )
        )
        confirmed = pending.exclude(candidate_id__in=excluded).update(
            resolution=Resolution.CONFIRMED,
            status=F("proposed_status"),
            justification="",
            decided_by=member.user,
            decided_at=_now(),
        )
        audit.record(
            actions.ALL_CONFIRMED,
            deliberation,
            actor=actor,
            after={"confirmed": confirmed, "skipped": skipped},
        )
    return BulkConfirmation(confirmed, skipped)


def override(decision: Decision, status: str, justification: str, actor: Actor) -> Decision:
    """The jury does not follow the proposal: it decides otherwise, and says why in writing."""
    if status not in JURY_STATUSES:
        raise DeliberationError("Le jury décide « validé » ou « non validé ».")
    justification = justification.strip()
    if len(justification) < MIN_JUSTIFICATION:
        raise DeliberationError(
            "Une décision qui s'écarte de la proposition doit être justifiée par écrit "
            f"(au moins {MIN_JUSTIFICATION} caractères)."
        )
    with transaction.atomic():
        deliberation, decision = _lock_decision(decision)
        if status == decision.proposed_status:
            raise DeliberationError(
                f"La proposition est déjà « {UnitStatus(status).label} » : confirmez-la plutôt "
                "que de la modifier."
            )
        member = _seated_member(deliberation, actor)
        _check_may_decide(member, decision.candidate)
        before = _decision_state(decision)
        decision.resolution = Resolution.OVERRIDDEN
        decision.status = status
        decision.justification = justification
        decision.decided_by = member.user
        decision.decided_at = _now()
        decision.save(
            update_fields=["resolution", "status", "justification", "decided_by", "decided_at"]
        )
        audit.record(
            actions.DECISION_OVERRIDDEN,
            decision,
            actor=actor,
            before=before,
            after=_decision_state(decision),
            reason=justification,
            label=_label(decision),
        )
    return decision


# -- closing and publishing -------------------------------------------------------------------


def close_deliberation(deliberation: Deliberation, actor: Actor) -> Deliberation:
    """The president closes: refused while any problem remains; then nothing moves again, and
    the digest of the minutes is kept."""
    with transaction.atomic():
        deliberation = _locked_open(deliberation)
        user = account_of(actor)
        presiding = user is not None and (
            deliberation.members.filter(user=user, role=MemberRole.PRESIDENT, present=True).exists()
        )
        if not presiding:
            raise DeliberationError(
                "Seul le président ou la présidente du jury, enregistré(e) comme membre présent "
                "avec son compte, peut clore la délibération."
            )
        problems = composition_report(deliberation).problems
        if problems:
            raise CompositionProblems(problems)
        deliberation.digest = minutes_digest(deliberation)
        deliberation.status = State.CLOSED
        deliberation.closed_at = _now()
        deliberation.closed_by = user
        deliberation.save(update_fields=["digest", "status", "closed_at", "closed_by"])
        signals.closed.send(Deliberation, deliberation=deliberation, actor=actor)
        tallied = counts(deliberation)
        audit.record(
            actions.CLOSED,
            deliberation,
            actor=actor,
            after={
                "digest": deliberation.digest,
                "certified": tallied.certified,
                "partially_validated": tallied.partial,
                "refused": tallied.refused,
            },
        )
    return deliberation


def publish_results(deliberation: Deliberation, actor: Actor) -> Deliberation:
    """Make the closed deliberation's decisions visible to its candidates."""
    with transaction.atomic():
        deliberation = _locked(deliberation)
        if not deliberation.is_closed:
            raise DeliberationError(
                "Seule une délibération close peut être publiée : le jury doit d'abord arrêter "
                "ses décisions."
            )
        if deliberation.is_published:
            raise DeliberationError("Les résultats de cette délibération sont déjà publiés.")
        deliberation.published_at = _now()
        deliberation.published_by = account_of(actor)
        deliberation.save(update_fields=["published_at", "published_by"])
        audit.record(
            actions.PUBLISHED,
            deliberation,
            actor=actor,
            after={"published_at": deliberation.published_at.isoformat()},
        )
    return deliberation
