"""Every write to deliberations: opening, the jury's composition, its decisions, closing,
publishing, amending.

Each service runs in one transaction, re-reads and locks the deliberation it changes, refuses
what a closed deliberation must not receive (``DeliberationClosed``) and anything else it
forbids (``DeliberationError``, with a French message), and records an audit event.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_noop

from certif.accounts.models import ConflictOfInterest
from certif.candidates.models import Candidate
from certif.core import audit
from certif.core.audit import MIN_REASON, Actor, account_of
from certif.core.errors import NON_FIELD, Invalid
from certif.core.policies import person_of, require
from certif.core.roles import JURY, Role, has_role
from certif.core.service_writes import save_fields
from certif.deliberations import actions, signals
from certif.deliberations.checks import (
    NAMED,
    check_composition,
    composition_report,
    counts,
    minutes_data,
    minutes_digest,
)
from certif.deliberations.models import (
    CERTIFICATION,
    JURY_STATUSES,
    SETTLED,
    WITHOUT_DECISION_LABELS,
    Affiliation,
    Decision,
    Deliberation,
    DeliberationClosed,
    DeliberationError,
    DeliberationForbidden,
    JuryMember,
    Kind,
    MemberRole,
    Recusal,
    Resolution,
    State,
    UnitStatus,
)
from certif.deliberations.policies import (
    DECIDE_REFUSED,
    GOVERN_REFUSED,
    LIFT_REFUSED,
    OPEN_REFUSED,
    PRESIDE_REFUSED,
    PUBLISH_REFUSED,
    RECUSE_REFUSED,
    is_linked,
    is_recused,
    may_decide,
    may_govern,
    may_lift,
    may_open,
    may_preside,
    may_publish,
    may_recuse,
    may_sit,
    seat_of,
)
from certif.deliberations.proposals import (
    NO_PROPOSAL,
    UNDECIDABLE,
    Proposal,
    absent_block,
    acquired_proposal,
    block_proposal,
    certification_proposal,
    grading_left,
    granting_text,
    unfinished_units,
)
from certif.deliberations.standing import TAKEN, Act, granted_before
from certif.deliberations.tasks import notify_publication_job
from certif.grading.models import ScoreSheet
from certif.referential.services import engine_for
from certif.results.services import decisions_as_known_by
from certif.sessions.models import Enrolment, ExamSession
from certif.tasks.services import start

# Below this, a text is a word or two, not a justification a candidate could be given.
MIN_JUSTIFICATION = 15
CHUNK = 2000

__all__ = [
    "MIN_JUSTIFICATION",
    "MIN_REASON",
    "CompositionProblems",
    "DeliberationClosed",
    "DeliberationError",
    "DeliberationForbidden",
    "UnfinishedGrading",
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
    "pending_summary",
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


def _motivated(field: str, text: str, minimum: int, asked: str) -> str:
    """``text`` stripped, refused on ``field`` when shorter than ``minimum``: ``asked`` says
    what the act needs written, before the count of characters."""
    text = text.strip()
    if len(text) < minimum:
        raise Invalid.on(field, f"{asked} (au moins {minimum} caractères).", text)
    return text


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


def _check_dates(session: ExamSession, date: date) -> None:
    """A session is deliberated once held: with its dates, on or after its last day."""
    if session.start_date is None or session.end_date is None:
        raise DeliberationError(
            f"La session {session.code} n'a pas de dates : renseignez ses premier et dernier "
            "jours avant de la délibérer (la délibération ne retient que les notes connues à "
            "cette date)."
        )
    if date < session.end_date:
        raise Invalid.on(
            "date",
            f"La délibération ne peut être datée avant le dernier jour de la session "
            f"{session.code} ({date_format(session.end_date, 'j F Y')}).",
            date.isoformat(),
        )


class UnfinishedGrading(Invalid, DeliberationError):
    """The session's grading is not finished: opening now needs an explicit acknowledgement."""

    status = 409

    def __init__(self, units: Sequence[str]) -> None:
        self.units = list(units)
        shown = ", ".join(self.units[:NAMED])
        more = len(self.units) - NAMED
        listed = f"{shown} et {more} autre(s)" if more > 0 else shown
        super().__init__(
            {
                "acknowledge_unfinished": [
                    f"{len(self.units)} unité(s) de la session n'ont pas de feuille soumise : "
                    f"{listed}. Elles seront proposées « en attente de notes », sans décision, "
                    "et les propositions ne bougeront plus : confirmez que vous ouvrez quand même."
                ]
            }
        )


def _check_grading(session: ExamSession, acknowledged: bool) -> list[str]:
    left = grading_left(session)
    if left and not acknowledged:
        raise UnfinishedGrading(left)
    return left


def _decision(
    deliberation: Deliberation,
    candidate_id: int,
    unit: str,
    position: int,
    proposal: Proposal,
    previous: Decision | None,
) -> Decision:
    settled = proposal.status in UNDECIDABLE
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
        resolution=Resolution.WITHOUT_DECISION if settled else Resolution.PENDING,
    )


def _acquired(
    deliberation: Deliberation,
    candidate_id: int,
    unit: str,
    name: str,
    position: int,
    act: Act,
    previous: Decision | None,
) -> Decision:
    """A unit an earlier act validated: its decision, acquired and validated from the start."""
    proposal = acquired_proposal(unit, name, act)
    decision = _decision(deliberation, candidate_id, unit, position, proposal, previous)
    decision.acquired_from_id = act.decision_id
    decision.resolution = Resolution.ACQUIRED
    decision.status = UnitStatus.VALIDATED
    return decision


@dataclass(frozen=True)
class _Rules:
    """What deciding a candidate's units needs of the session's référentiel: its blocks as
    (code, name) in order, their names by code, and the blocks the certification requires."""

    units: list[tuple[str, str]]
    names: dict[str, str]
    required: Sequence[str]


def _rules(session: ExamSession) -> _Rules:
    units = _units(session)
    required = engine_for(session.referential_version).referential.certification.requires
    return _Rules(units, dict(units), required)


def _snapshot(
    deliberation: Deliberation,
    candidate_ids: Sequence[int],
    previous: Mapping[tuple[int, str], Decision] | None = None,
) -> int:
    """Copy what the rules decide from the sheets the session knew, unit by unit, with what
    earlier juries granted for life; return how many candidates."""
    session = deliberation.session
    rules = _rules(session)
    earlier = previous or {}
    for chunk in _chunks(candidate_ids):
        unfinished = unfinished_units(session, chunk)
        decided = decisions_as_known_by(session, chunk, unfinished)
        granted = granted_before(session, chunk)
        rows: list[Decision] = []
        for candidate_id in chunk:
            decision = decided[candidate_id]
            row: list[Decision] = []
            for position, (code, name) in enumerate([*rules.units, (CERTIFICATION, "")]):
                act = granted.get((candidate_id, code))
                before = earlier.get((candidate_id, code))
                if act is not None:
                    row.append(
                        _acquired(deliberation, candidate_id, code, name, position, act, before)
                    )
                elif code != CERTIFICATION:
                    block = decision.blocks.get(code) or absent_block(code, name)
                    row.append(
                        _decision(
                            deliberation,
                            candidate_id,
                            code,
                            position,
                            block_proposal(block),
                            before,
                        )
                    )
                else:
                    certification = _decision(
                        deliberation, candidate_id, code, position, NO_PROPOSAL, before
                    )
                    _follow(certification, row, rules.names, rules.required, decision.referential)
                    row.append(certification)
            rows.extend(row)
        Decision.objects.bulk_create(rows, batch_size=1000)
    return len(candidate_ids)


def _new_act(
    session: ExamSession, kind: Kind, on: date, place: str, actor: Actor, *, reason: str = ""
) -> Deliberation:
    """The row of a new act of the session's jury, numbered after its others."""
    return Deliberation.objects.create(
        session=session,
        kind=kind,
        number=_next_number(session),
        date=on,
        place=place.strip(),
        reason=reason,
        opened_by=account_of(actor),
        opened_at=_now(),
    )


def _open_scope(session: ExamSession, date: date, acknowledge_unfinished: bool) -> list[str]:
    """The checks every opening makes; the units left without marks, as acknowledged."""
    _check_dates(session, date)
    _refuse_if_open(session)
    return _check_grading(session, acknowledge_unfinished)


def _journal_opening(
    action: audit.Action,
    deliberation: Deliberation,
    actor: Actor,
    facts: dict[str, Any],
    reason: str = "",
) -> None:
    """Journal a new act of the jury: every opening names its session and its number first."""
    audit.record(
        action,
        deliberation,
        actor=actor,
        after={"session": deliberation.session.code, "number": deliberation.number, **facts},
        reason=reason,
    )


def open_deliberation(
    session: ExamSession,
    actor: Actor,
    date: date,
    place: str = "",
    *,
    acknowledge_unfinished: bool = False,
) -> Deliberation:
    """Open the session's deliberation, with the rules' proposals for each of its candidates
    as the session knew them (every block of the référentiel, and the certification), copied
    now once and for all. Refused without the session's dates, before its last day, and — until
    acknowledged — while some of its sheets are not submitted."""
    require(actor, may_open, message=OPEN_REFUSED, error=DeliberationForbidden)
    with transaction.atomic():
        session = ExamSession.objects.select_for_update().get(pk=session.pk)
        initial = Deliberation.objects.filter(session=session, kind=Kind.INITIAL).first()
        if initial is not None:
            raise DeliberationError(
                f"La session {session.code} a déjà sa délibération (n° {initial.number}) ; "
                "toute modification ultérieure passe par un acte modificatif motivé."
            )
        left = _open_scope(session, date, acknowledge_unfinished)
        candidate_ids = session_candidate_ids(session)
        if not candidate_ids:
            raise DeliberationError(
                f"Aucun candidat n'a de feuille d'évaluation ni d'inscription dans la session "
                f"{session.code} : il n'y a rien à délibérer."
            )
        deliberation = _new_act(session, Kind.INITIAL, date, place, actor)
        count = _snapshot(deliberation, candidate_ids)
        _journal_opening(
            actions.OPENED,
            deliberation,
            actor,
            {
                "date": date.isoformat(),
                "place": deliberation.place,
                "candidates": count,
                "grading_unfinished": left,
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
    acknowledge_unfinished: bool = False,
) -> Deliberation:
    """A new, motivated act on candidates already decided in this session — the only way to
    revise what its jury granted.

    Each of its decisions starts from the last closed decision of that candidate and unit
    (``previous``) and carries the rules' proposal as the session knows it now (scores may have
    been corrected since): the jury confirms or overrides, as in any deliberation. What another
    session's jury granted stays acquired.
    """
    require(actor, may_open, message=OPEN_REFUSED, error=DeliberationForbidden)
    reason = _motivated(
        "reason",
        reason,
        MIN_REASON,
        "Un acte modificatif doit être motivé : indiquez pourquoi les décisions sont revues",
    )
    chosen = sorted({candidate.pk: candidate for candidate in candidates}.items())
    if not chosen:
        raise Invalid.on(
            "candidates", "Indiquez au moins un candidat concerné par l'acte modificatif."
        )
    on = date or timezone.localdate()
    with transaction.atomic():
        session = ExamSession.objects.select_for_update().get(pk=session.pk)
        left = _open_scope(session, on, acknowledge_unfinished)
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
        deliberation = _new_act(session, Kind.AMENDMENT, on, place, actor, reason=reason)
        _snapshot(deliberation, candidate_ids, previous)
        _journal_opening(
            actions.AMENDMENT_OPENED,
            deliberation,
            actor,
            {
                "candidates": [candidate.numero for _pk, candidate in chosen],
                "grading_unfinished": left,
            },
            reason=reason,
        )
    return deliberation


# -- the certification follows the blocks ------------------------------------------------------


def _effective(decision: Decision) -> str:
    return decision.effective_status


def _follow(
    certification: Decision,
    blocks: Sequence[Decision],
    names: Mapping[str, str],
    required: Sequence[str],
    label: str,
) -> bool:
    """Set the certification's line from its candidate's block decisions; True when it
    changed. Acquired, it never moves. Its proposal is what the blocks give; it waits while a
    block does, has no decision when the jury decides no block and the certification cannot be
    granted, and a decision taken on it that the blocks now contradict is taken back."""
    if certification.resolution == Resolution.ACQUIRED:
        return False
    statuses = {block.unit: _effective(block) for block in blocks}
    proposal = certification_proposal(statuses, names, required, label)
    decided_here = any(block.resolution not in SETTLED for block in blocks)
    if any(block.resolution == Resolution.PENDING for block in blocks):
        resolution = Resolution.PENDING
    elif not decided_here and proposal.status != UnitStatus.VALIDATED:
        resolution = Resolution.WITHOUT_DECISION
    elif certification.resolution in TAKEN and certification.status == proposal.status:
        resolution = Resolution(certification.resolution)
    else:
        resolution = Resolution.PENDING
    before = (certification.proposed_status, certification.resolution, certification.explanation)
    certification.proposed_status = proposal.status
    certification.explanation = proposal.explanation
    certification.snapshot = proposal.snapshot
    if resolution != certification.resolution:
        certification.resolution = resolution
        certification.status = ""
        certification.decided_by = None
        certification.decided_at = None
    return before != (
        certification.proposed_status,
        certification.resolution,
        certification.explanation,
    )


def _follow_blocks(deliberation: Deliberation, candidate_ids: Iterable[int], actor: Actor) -> int:
    """Bring the certification lines of these candidates in line with their blocks; a
    certification decision taken back is journalled. Return how many lines changed."""
    session = deliberation.session
    rules = _rules(session)
    label = engine_for(session.referential_version).label
    ids = sorted(set(candidate_ids))
    changed: list[Decision] = []
    for chunk in _chunks(ids):
        rows: dict[int, list[Decision]] = defaultdict(list)
        certifications: dict[int, Decision] = {}
        found = (
            Decision.objects.select_for_update(of=("self",))
            .filter(deliberation=deliberation, candidate_id__in=chunk)
            .select_related("candidate")
            .order_by("candidate_id", "position")
        )
        for decision in found:
            if decision.unit == CERTIFICATION:
                certifications[decision.candidate_id] = decision
            else:
                rows[decision.candidate_id].append(decision)
        for candidate_id, certification in certifications.items():
            taken = certification.resolution in TAKEN
            if _follow(certification, rows[candidate_id], rules.names, rules.required, label):
                changed.append(certification)
                if taken and certification.resolution == Resolution.PENDING:
                    audit.record(
                        actions.CERTIFICATION_REVIEWED,
                        certification,
                        actor=actor,
                        after={"proposal": certification.proposed_status},
                        label=_label(certification),
                    )
    Decision.objects.bulk_update(
        changed,
        [
            "proposed_status",
            "explanation",
            "snapshot",
            "resolution",
            "status",
            "decided_by",
            "decided_at",
        ],
        batch_size=1000,
    )
    return len(changed)


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


def _govern(actor: Actor, deliberation: Deliberation) -> None:
    require(actor, may_govern, deliberation, message=GOVERN_REFUSED, error=DeliberationForbidden)


def _check_account_role(user: Any, role: str) -> None:
    """A member who decides with their account holds the jury role they sit in."""
    needed = Role.JURY_PRESIDENT if role == MemberRole.PRESIDENT else None
    if needed is not None and not has_role(user, needed):
        raise Invalid.on(
            "user",
            f"Le compte « {user.get_username()} » n'a pas le rôle de président ou présidente "
            "de jury : il ne peut pas présider.",
            user.get_username(),
        )
    if not has_role(user, *JURY):
        raise Invalid.on(
            "user",
            f"Le compte « {user.get_username()} » n'a pas de rôle de jury : il ne peut pas y "
            "siéger.",
            user.get_username(),
        )


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
    """Seat a member on the jury: a gestionnaire, or the president seated on it."""
    _govern(actor, deliberation)
    full_name = full_name.strip()
    if not full_name:
        raise Invalid.on("full_name", "Indiquez le nom du membre du jury.")
    if role not in MemberRole.values or affiliation not in Affiliation.values:
        raise Invalid.on("role", "Rôle ou rattachement du membre inconnu.", role)
    if user is not None:
        _check_account_role(user, role)
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
            label=_member_label(deliberation, member),
        )
    return member


def _member_label(deliberation: Deliberation, member: JuryMember) -> str:
    return f"{deliberation} — {member.full_name}"


def _locked_member(member: JuryMember) -> tuple[Deliberation, JuryMember]:
    """The member re-read under the lock of their deliberation, refused once it is closed."""
    deliberation = _locked_open(member.deliberation)
    fresh = JuryMember.objects.select_related("user").get(pk=member.pk, deliberation=deliberation)
    return deliberation, fresh


def remove_member(member: JuryMember, actor: Actor) -> None:
    _govern(actor, member.deliberation)
    with transaction.atomic():
        deliberation, member = _locked_member(member)
        if (
            member.user_id is not None
            and Decision.objects.filter(
                deliberation=deliberation, decided_by_id=member.user_id
            ).exists()
        ):
            raise DeliberationError(
                f"{member.full_name} a déjà pris des décisions dans cette délibération : "
                "enregistrez son absence plutôt que de le retirer du jury."
            )
        before = _member_state(member)
        label = _member_label(deliberation, member)
        audit.record(actions.MEMBER_REMOVED, member, actor=actor, before=before, label=label)
        member.delete()


def set_presence(member: JuryMember, present: bool, actor: Actor) -> JuryMember:
    _govern(actor, member.deliberation)
    with transaction.atomic():
        deliberation, member = _locked_member(member)
        if member.present == present:
            return member
        save_fields(member, present=present)
        audit.record(
            actions.MEMBER_PRESENCE,
            member,
            actor=actor,
            before={"present": not present},
            after={"present": present},
            label=_member_label(deliberation, member),
        )
    return member


def recuse(member: JuryMember, candidate: Candidate, actor: Actor, reason: str = "") -> Recusal:
    """The member does not deliberate on this candidate (and may then sit for the others).
    A member may also recuse themselves."""
    require(actor, may_recuse, member, message=RECUSE_REFUSED, error=DeliberationForbidden)
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
    """Lifted by a gestionnaire, or by the seated president when the recusal is not hers."""
    recusal = Recusal.objects.select_related("member__deliberation", "candidate").get(pk=recusal.pk)
    require(actor, may_lift, recusal, message=LIFT_REFUSED, error=DeliberationForbidden)
    with transaction.atomic():
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


def _decider(deliberation: Deliberation, candidate: Candidate, actor: Actor) -> JuryMember:
    """The seat of the member deciding on ``candidate``: seated with their account, present,
    neither recused nor linked (refused and journalled otherwise)."""
    person = person_of(actor)
    seat = seat_of(person, deliberation) if person is not None else None
    if seat is not None and seat.present and is_recused(seat, candidate):
        message = (
            f"{seat.full_name} est récusé(e) pour le candidat {candidate.numero} : un autre "
            "membre du jury doit prendre cette décision."
        )
    elif seat is not None and seat.present and is_linked(person, candidate):
        message = (
            f"{seat.full_name} a un lien d'intérêt avec le candidat {candidate.numero} : "
            "un autre membre du jury doit prendre cette décision."
        )
    else:
        message = DECIDE_REFUSED
    require(
        actor, may_decide, deliberation, candidate, message=message, error=DeliberationForbidden
    )
    if seat is None:
        # The system (a command, the demo) acts through no seat: it never decides for a jury.
        raise DeliberationForbidden(DECIDE_REFUSED)
    return seat


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
        .select_related("candidate", "acquired_from__deliberation__session")
        .defer("snapshot")
        .get(pk=decision.pk, deliberation=deliberation)
    )
    return deliberation, fresh


def _refuse_if_settled(decision: Decision) -> None:
    """Nothing to decide on a unit acquired from an earlier act, or without a decision."""
    if decision.resolution == Resolution.ACQUIRED and decision.acquired_from is not None:
        raise DeliberationError(
            f"{decision.candidate.numero} — {decision.unit} est acquis à vie : "
            f"{granting_text(decision.acquired_from)}. Seul un acte modificatif de cette "
            "délibération-là peut revenir sur cette décision."
        )
    if decision.resolution == Resolution.WITHOUT_DECISION:
        raise DeliberationError(
            f"{decision.candidate.numero} — {decision.unit} est "
            f"« {WITHOUT_DECISION_LABELS.get(decision.proposed_status, '')} » : le jury décide "
            "« validé » ou « non validé » une unité évaluée, il n'y a rien à décider ici."
        )


def _refuse_if_blocks_pending(decision: Decision) -> None:
    if decision.unit == CERTIFICATION and decision.resolution == Resolution.PENDING:
        pending = Decision.objects.filter(
            deliberation_id=decision.deliberation_id,
            candidate_id=decision.candidate_id,
            resolution=Resolution.PENDING,
        ).exclude(unit=CERTIFICATION)
        if pending.exists():
            raise DeliberationError(
                f"La certification de {decision.candidate.numero} suit ses blocs : décidez "
                f"d'abord {', '.join(pending.values_list('unit', flat=True))}."
            )


def _set_decision(
    decision: Decision, resolution: Resolution, status: str, justification: str, seat: JuryMember
) -> None:
    save_fields(
        decision,
        resolution=resolution,
        status=status,
        justification=justification,
        decided_by=seat.user,
        decided_at=_now(),
    )


# The event each word of the jury is journalled as.
_DECIDED = {
    Resolution.CONFIRMED: actions.DECISION_CONFIRMED,
    Resolution.OVERRIDDEN: actions.DECISION_OVERRIDDEN,
}


def _decide_locked(
    decision: Decision,
    resolution: Resolution,
    status: str,
    justification: str,
    seat: JuryMember,
    actor: Actor,
) -> None:
    """Write the jury's word on a locked decision and journal it (confirmed or overridden),
    the justification as the event's reason."""
    before = _decision_state(decision)
    _set_decision(decision, resolution, status, justification, seat)
    audit.record(
        _DECIDED[resolution],
        decision,
        actor=actor,
        before=before,
        after=_decision_state(decision),
        reason=justification,
        label=_label(decision),
    )


def _confirm_locked(decision: Decision, seat: JuryMember, actor: Actor) -> Decision:
    _decide_locked(decision, Resolution.CONFIRMED, decision.proposed_status, "", seat, actor)
    return decision


def confirm(decision: Decision, actor: Actor) -> Decision:
    """The jury follows the proposal; the certification line follows the blocks."""
    seat = _decider(decision.deliberation, decision.candidate, actor)
    with transaction.atomic():
        deliberation, decision = _lock_decision(decision)
        _refuse_if_settled(decision)
        _refuse_if_blocks_pending(decision)
        _confirm_locked(decision, seat, actor)
        if decision.unit != CERTIFICATION:
            _follow_blocks(deliberation, [decision.candidate_id], actor)
    return decision


def _pending(
    deliberation: Deliberation, candidate_ids: Sequence[int] | None, unit: str | None
) -> Any:
    found = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("candidate")
        .defer("snapshot")
        .filter(deliberation=deliberation, resolution=Resolution.PENDING)
    )
    if candidate_ids is not None:
        found = found.filter(candidate_id__in=candidate_ids)
    if unit is not None:
        return found.filter(unit=unit)
    return found.exclude(unit=CERTIFICATION)


def confirm_row(deliberation: Deliberation, candidate: Candidate, actor: Actor) -> int:
    """Confirm every proposal still pending for one candidate — the blocks, then the
    certification they give; return how many."""
    seat = _decider(deliberation, candidate, actor)
    with transaction.atomic():
        deliberation = _locked_open(deliberation)
        blocks = list(_pending(deliberation, [candidate.pk], None))
        for decision in blocks:
            _confirm_locked(decision, seat, actor)
        _follow_blocks(deliberation, [candidate.pk], actor)
        certifications = list(_pending(deliberation, [candidate.pk], CERTIFICATION))
        for decision in certifications:
            _confirm_locked(decision, seat, actor)
    return len(blocks) + len(certifications)


@dataclass(frozen=True)
class BulkConfirmation:
    confirmed: int
    # Candidates left for another member: the actor is recused or linked to them.
    skipped: list[str]


def _excluded_for(seat: JuryMember, deliberation: Deliberation) -> set[int]:
    in_deliberation = Decision.objects.filter(deliberation=deliberation, unit=CERTIFICATION).values(
        "candidate_id"
    )
    return set(Recusal.objects.filter(member=seat).values_list("candidate_id", flat=True)) | set(
        ConflictOfInterest.objects.filter(
            user=seat.user, candidate_id__in=in_deliberation
        ).values_list("candidate_id", flat=True)
    )


def _confirm_in_bulk(
    deliberation: Deliberation, seat: JuryMember, excluded: set[int], unit: str | None
) -> tuple[int, list[int]]:
    pending = Decision.objects.filter(deliberation=deliberation, resolution=Resolution.PENDING)
    pending = pending.filter(unit=unit) if unit else pending.exclude(unit=CERTIFICATION)
    pending = pending.exclude(candidate_id__in=excluded)
    touched = list(pending.values_list("candidate_id", flat=True).distinct())
    confirmed = pending.update(
        resolution=Resolution.CONFIRMED,
        status=F("proposed_status"),
        justification="",
        decided_by=seat.user,
        decided_at=_now(),
    )
    return confirmed, touched


def pending_summary(deliberation: Deliberation) -> tuple[int, int]:
    """(decisions, candidates) still to decide: what confirming every proposal would do."""
    pending = Decision.objects.filter(deliberation=deliberation, resolution=Resolution.PENDING)
    return pending.count(), pending.values("candidate_id").distinct().count()


def confirm_all_pending(deliberation: Deliberation, actor: Actor) -> BulkConfirmation:
    """Confirm every proposal still pending on the blocks, then the certifications they give
    — never one its blocks contradict — except for the candidates the actor may not decide on;
    one audit event for the whole act. Any seated, present member may; the president conducts
    the deliberation (``may_sit``)."""
    require(actor, may_sit, deliberation, message=DECIDE_REFUSED, error=DeliberationForbidden)
    seat = seat_of(person_of(actor), deliberation) if person_of(actor) is not None else None
    if seat is None:
        raise DeliberationForbidden(DECIDE_REFUSED)
    with transaction.atomic():
        deliberation = _locked_open(deliberation)
        excluded = _excluded_for(seat, deliberation)
        skipped = sorted(
            set(
                Decision.objects.filter(
                    deliberation=deliberation,
                    resolution=Resolution.PENDING,
                    candidate_id__in=excluded,
                ).values_list("candidate__numero", flat=True)
            )
        )
        blocks, touched = _confirm_in_bulk(deliberation, seat, excluded, None)
        _follow_blocks(deliberation, touched, actor)
        certifications, _certified = _confirm_in_bulk(deliberation, seat, excluded, CERTIFICATION)
        audit.record(
            actions.ALL_CONFIRMED,
            deliberation,
            actor=actor,
            after={"confirmed": blocks + certifications, "skipped": skipped},
        )
    return BulkConfirmation(blocks + certifications, skipped)


def override(decision: Decision, status: str, justification: str, actor: Actor) -> Decision:
    """The jury does not follow the proposal on a block: it decides otherwise, and says why in
    writing; the certification line follows. Refused on a unit acquired from an earlier act,
    on a unit without decision, and on the certification itself (it follows its blocks)."""
    if status not in JURY_STATUSES:
        raise Invalid.on("status", "Le jury décide « validé » ou « non validé ».", status)
    justification = _motivated(
        "justification",
        justification,
        MIN_JUSTIFICATION,
        "Une décision qui s'écarte de la proposition doit être justifiée par écrit",
    )
    seat = _decider(decision.deliberation, decision.candidate, actor)
    with transaction.atomic():
        deliberation, decision = _lock_decision(decision)
        _refuse_if_settled(decision)
        if decision.unit == CERTIFICATION:
            raise DeliberationError(
                "La certification suit les décisions sur les blocs : modifiez la décision d'un "
                "bloc, la ligne de la certification suivra."
            )
        if status == decision.proposed_status:
            raise DeliberationError(
                f"La proposition est déjà « {UnitStatus(status).label} » : confirmez-la plutôt "
                "que de la modifier."
            )
        _decide_locked(decision, Resolution.OVERRIDDEN, status, justification, seat, actor)
        _follow_blocks(deliberation, [decision.candidate_id], actor)
    return decision


# -- closing and publishing -------------------------------------------------------------------


def close_deliberation(deliberation: Deliberation, actor: Actor) -> Deliberation:
    """The president seated on this jury closes it, on or after its date: refused while any
    problem remains; then nothing moves again, and the digest of the minutes is kept."""
    require(actor, may_preside, deliberation, message=PRESIDE_REFUSED, error=DeliberationForbidden)
    with transaction.atomic():
        deliberation = _locked_open(deliberation)
        today = timezone.localdate()
        if today < deliberation.date:
            raise DeliberationError(
                f"La délibération est datée du {date_format(deliberation.date, 'j F Y')} : elle "
                "ne peut pas être close avant ce jour."
            )
        problems = composition_report(deliberation).problems
        if problems:
            raise CompositionProblems(problems)
        save_fields(
            deliberation,
            digest=minutes_digest(deliberation),
            status=State.CLOSED,
            closed_at=_now(),
            closed_by=account_of(actor),
        )
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
                "without_decision": tallied.without_decision,
            },
        )
    return deliberation


def publish_results(deliberation: Deliberation, actor: Actor) -> Deliberation:
    """Make the closed deliberation's decisions visible to its candidates (gestionnaires)."""
    require(actor, may_publish, message=PUBLISH_REFUSED, error=DeliberationForbidden)
    with transaction.atomic():
        deliberation = _locked(deliberation)
        if not deliberation.is_closed:
            raise DeliberationError(
                "Seule une délibération close peut être publiée : le jury doit d'abord arrêter "
                "ses décisions."
            )
        if deliberation.is_published:
            raise DeliberationError("Les résultats de cette délibération sont déjà publiés.")
        published_at = _now()
        save_fields(deliberation, published_at=published_at, published_by=account_of(actor))
        audit.record(
            actions.PUBLISHED,
            deliberation,
            actor=actor,
            after={"published_at": published_at.isoformat()},
        )
        # Its candidates are told by e-mail, by the worker (queued in this transaction).
        start(
            notify_publication_job,
            actor=actor,
            shown={gettext_noop("Session"): deliberation.session.code},
            deliberation=deliberation.pk,
        )
    return deliberation
