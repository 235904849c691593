"""Reading a deliberation: its composition check, its counts, its minutes and their digest.

Nothing here writes. ``check_composition`` is what ``close_deliberation`` enforces and what the
page shows; ``minutes_data`` is what the closing digest seals.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, Max, Q, QuerySet, When
from django.utils.translation import gettext as _

from certif.accounts.models import ConflictOfInterest
from certif.candidates.models import Candidate
from certif.deliberations.models import (
    CERTIFICATION,
    SETTLED,
    Decision,
    Deliberation,
    JuryMember,
    MemberRole,
    Recusal,
    Resolution,
    UnitStatus,
)

# Messages naming candidates list at most this many, then say how many more.
NAMED = 10


@dataclass(frozen=True)
class Conflict:
    """A present member linked to a candidate of the deliberation, and not recused for them."""

    member: JuryMember
    candidate: Candidate
    kind: str


@dataclass(frozen=True)
class CompositionReport:
    problems: list[str]
    conflicts: list[Conflict]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Counts:
    """The minutes' counts. A candidate is certified, or partially validated (at least one
    bloc de compétences validated by this act — never the mémoire alone, never a block acquired
    earlier), or without decision (nothing this jury could decide: every unit acquired, not
    presented or awaiting its marks), or else not validated. ``awaiting`` counts the candidates
    with at least one unit awaiting marks."""

    candidates: int = 0
    certified: int = 0
    partial: int = 0
    refused: int = 0
    without_decision: int = 0
    awaiting: int = 0
    pending: int = 0
    overridden: int = 0


def _candidates_of(deliberation: Deliberation) -> QuerySet[Decision, dict[str, Any]]:
    return Decision.objects.filter(deliberation=deliberation, unit=CERTIFICATION).values(
        "candidate_id"
    )


def _listed(numeros: Sequence[str]) -> str:
    shown = ", ".join(numeros[:NAMED])
    more = len(numeros) - NAMED
    return (
        _("%(shown)s et %(more)s autre(s)") % {"shown": shown, "more": more} if more > 0 else shown
    )


def _member_problems(present: list[JuryMember]) -> list[str]:
    problems: list[str] = []
    if len(present) < 2:
        problems.append(
            _("Le jury doit compter au moins deux membres présents (%(count)s présent(s)).")
            % {"count": len(present)}
        )
    external = sum(1 for member in present if member.is_external)
    if present and external * 2 < len(present):
        problems.append(
            _(
                "Au moins la moitié des membres présents doivent être extérieurs au certificateur "
                "(%(external)s extérieur(s) sur %(present)s présent(s))."
            )
            % {"external": external, "present": len(present)}
        )
    presidents = [member for member in present if member.is_president]
    if not presidents:
        problems.append(_("Aucun président ou présidente de jury n'est présent(e)."))
    elif len(presidents) > 1:
        names = ", ".join(member.full_name for member in presidents)
        problems.append(
            _(
                "Un seul président ou une seule présidente doit siéger ; %(count)s sont "
                "présents à ce titre : %(names)s."
            )
            % {"count": len(presidents), "names": names}
        )
    return problems


def unrecused_conflicts(deliberation: Deliberation, present: list[JuryMember]) -> list[Conflict]:
    """Links of interest between present members and the deliberation's candidates."""
    by_user = {member.user_id: member for member in present if member.user_id is not None}
    if not by_user:
        return []
    links = (
        ConflictOfInterest.objects.filter(
            user_id__in=list(by_user), candidate_id__in=_candidates_of(deliberation)
        )
        .select_related("candidate")
        .order_by("candidate__numero", "user_id")
    )
    recused = set(
        Recusal.objects.filter(member__in=list(by_user.values())).values_list(
            "member_id", "candidate_id"
        )
    )
    return [
        Conflict(by_user[link.user_id], link.candidate, link.get_kind_display())
        for link in links
        if (by_user[link.user_id].pk, link.candidate_id) not in recused
    ]


def _conflict_problem(conflict: Conflict) -> str:
    member, candidate = conflict.member, conflict.candidate
    return _(
        "%(member)s (%(role)s, présent) a un lien d'intérêt avec le candidat %(numero)s "
        "%(name)s (%(kind)s) : récusez ce membre pour ce candidat, ou enregistrez son absence."
    ) % {
        "member": member.full_name,
        "role": member.get_role_display(),
        "numero": candidate.numero,
        "name": candidate.display_name,
        "kind": conflict.kind,
    }


def _pending_problem(deliberation: Deliberation) -> list[str]:
    pending = Decision.objects.filter(deliberation=deliberation, resolution=Resolution.PENDING)
    numeros = list(
        pending.order_by("candidate__numero").values_list("candidate__numero", flat=True).distinct()
    )
    if not numeros:
        return []
    count = pending.count()
    return [
        _(
            "%(count)s décision(s) restent à prendre, pour %(candidates)s candidat(s) : "
            "%(listed)s. Chaque proposition doit être confirmée ou modifiée avant la clôture."
        )
        % {"count": count, "candidates": len(numeros), "listed": _listed(numeros)}
    ]


def _consistency_problems(deliberation: Deliberation) -> list[str]:
    """The certification decided must follow from the decisions on the blocks it requires."""
    required = set(deliberation.session.referential_version.referential.certification.requires)
    statuses: dict[str, dict[str, str]] = defaultdict(dict)
    rows = (
        Decision.objects.filter(deliberation=deliberation)
        .exclude(resolution__in=UNDECIDED)
        .filter(unit__in=[*required, CERTIFICATION])
        .order_by("candidate__numero", "position")
        .values_list("candidate__numero", "unit", "status")
    )
    for numero, unit, status in rows:
        statuses[numero][unit] = status
    validated = UnitStatus.VALIDATED.value
    problems = []
    for numero, units in statuses.items():
        if CERTIFICATION not in units or not required <= set(units):
            continue
        missing = [code for code in units if code in required and units[code] != validated]
        certified = units[CERTIFICATION] == validated
        if certified and missing:
            problems.append(
                _(
                    "Candidat %(numero)s : la certification est décidée « validée » alors que "
                    "%(missing)s n'est pas validé ; modifiez l'une ou l'autre décision."
                )
                % {"numero": numero, "missing": ", ".join(missing)}
            )
        elif not certified and not missing:
            problems.append(
                _(
                    "Candidat %(numero)s : tous les blocs requis sont décidés « validés » mais la "
                    "certification est décidée « non validée » ; modifiez l'une ou l'autre "
                    "décision."
                )
                % {"numero": numero}
            )
    return problems


def composition_report(deliberation: Deliberation) -> CompositionReport:
    members = list(deliberation.members.select_related("user"))
    present = [member for member in members if member.present]
    conflicts = unrecused_conflicts(deliberation, present)
    problems = [
        *_member_problems(present),
        *(_conflict_problem(conflict) for conflict in conflicts),
        *_pending_problem(deliberation),
        *_consistency_problems(deliberation),
    ]
    return CompositionReport(problems, conflicts)


def check_composition(deliberation: Deliberation) -> list[str]:
    """Every reason, in French, why the deliberation cannot be closed yet (none: it can)."""
    return composition_report(deliberation).problems


# -- counts -----------------------------------------------------------------------------------

# (candidate, unit, status, proposed status, resolution); the candidate is any key (id, numero).
Row = tuple[object, str, str, str, str]
VALIDATED = UnitStatus.VALIDATED.value
INCOMPLETE = UnitStatus.INCOMPLETE.value
DECIDED_HERE = (Resolution.PENDING, Resolution.CONFIRMED, Resolution.OVERRIDDEN)
UNDECIDED = (Resolution.PENDING, Resolution.WITHOUT_DECISION)


def competence_blocks(deliberation: Deliberation) -> list[str]:
    """The codes of the blocs de compétences of the session's référentiel (not the mémoire)."""
    referential = deliberation.session.referential_version.referential
    return [block.code for block in referential.blocks if block.kind == "block"]


@dataclass
class _Flags:
    certified: bool = False
    some_block: bool = False
    decidable: bool = False
    awaiting: bool = False


def _counts_from(flags: Iterable[_Flags], pending: int, overridden: int) -> Counts:
    found = list(flags)
    certified = sum(1 for f in found if f.certified)
    partial = sum(1 for f in found if f.some_block and not f.certified)
    without = sum(1 for f in found if not f.certified and not f.some_block and not f.decidable)
    return Counts(
        candidates=len(found),
        certified=certified,
        partial=partial,
        refused=len(found) - certified - partial - without,
        without_decision=without,
        awaiting=sum(1 for f in found if f.awaiting),
        pending=pending,
        overridden=overridden,
    )


def tally(rows: Iterable[Row], competences: Sequence[str]) -> Counts:
    """The counts from the decisions (a proposal stands in for what is not decided yet)."""
    flags: dict[object, _Flags] = defaultdict(_Flags)
    pending = overridden = 0
    for candidate, unit, status, proposed, resolution in rows:
        flag = flags[candidate]
        pending += resolution == Resolution.PENDING
        overridden += resolution == Resolution.OVERRIDDEN
        effective = proposed if resolution in UNDECIDED else status
        flag.decidable |= resolution not in SETTLED
        flag.awaiting |= resolution == Resolution.WITHOUT_DECISION and proposed == INCOMPLETE
        if effective != VALIDATED:
            continue
        if unit == CERTIFICATION:
            # Certified by this act — not by an earlier one, whose certification is acquired.
            flag.certified |= resolution != Resolution.ACQUIRED
        elif unit in competences and resolution in DECIDED_HERE:
            flag.some_block = True
    return _counts_from(flags.values(), pending, overridden)


def _flag(condition: Q) -> Max:
    return Max(Case(When(condition, then=1), default=0))


def counts(deliberation: Deliberation) -> Counts:
    """``tally`` done by the database: one row per candidate and one aggregate, instead of
    every decision (the deliberation page shows these counts on every request)."""
    decisions = Decision.objects.filter(deliberation=deliberation)
    validated = (Q(resolution__in=UNDECIDED) & Q(proposed_status=VALIDATED)) | (
        ~Q(resolution__in=UNDECIDED) & Q(status=VALIDATED)
    )
    per_candidate = decisions.values("candidate_id").annotate(
        certified=_flag(Q(unit=CERTIFICATION) & validated & ~Q(resolution=Resolution.ACQUIRED)),
        some_block=_flag(
            Q(unit__in=competence_blocks(deliberation), resolution__in=DECIDED_HERE) & validated
        ),
        decidable=_flag(~Q(resolution__in=SETTLED)),
        awaiting=_flag(Q(resolution=Resolution.WITHOUT_DECISION, proposed_status=INCOMPLETE)),
    )
    flags = [
        _Flags(bool(c), bool(b), bool(d), bool(a))
        for c, b, d, a in per_candidate.values_list(
            "certified", "some_block", "decidable", "awaiting"
        )
    ]
    states = decisions.aggregate(
        pending=Count("pk", filter=Q(resolution=Resolution.PENDING)),
        overridden=Count("pk", filter=Q(resolution=Resolution.OVERRIDDEN)),
    )
    return _counts_from(flags, states["pending"], states["overridden"])


# -- minutes ----------------------------------------------------------------------------------


def _members_data(deliberation: Deliberation) -> list[dict[str, Any]]:
    members = [
        {
            "name": name,
            "role": role,
            "affiliation": affiliation,
            "occupation": occupation,
            "present": present,
            "account": username,
        }
        for name, role, affiliation, occupation, present, username in deliberation.members.values_list(
            "full_name", "role", "affiliation", "occupation", "present", "user__username"
        )
    ]
    return sorted(
        members,
        key=lambda m: (m["role"] != MemberRole.PRESIDENT, m["name"], m["account"] or ""),
    )


def _recusals_data(deliberation: Deliberation) -> list[dict[str, str]]:
    rows = Recusal.objects.filter(member__deliberation=deliberation).values_list(
        "member__full_name", "candidate__numero", "reason"
    )
    return sorted(
        ({"member": name, "candidate": numero, "reason": reason} for name, numero, reason in rows),
        key=lambda r: (r["candidate"], r["member"]),
    )


def _decisions_data(deliberation: Deliberation) -> list[dict[str, Any]]:
    rows = (
        Decision.objects.filter(deliberation=deliberation)
        .order_by("candidate__numero", "position")
        .values_list(
            "candidate__numero",
            "unit",
            "proposed_status",
            "proposed_score",
            "resolution",
            "status",
            "justification",
            "previous__deliberation__number",
            "previous__status",
            "acquired_from__deliberation__session__code",
            "acquired_from__deliberation__number",
            "acquired_from__deliberation__date",
        )
    )
    decisions = []
    for row in rows:
        numero, unit, proposed, score, resolution, status, justification, number, before = row[:9]
        granted_in, granted_by, granted_on = row[9:]
        entry: dict[str, Any] = {
            "candidate": numero,
            "unit": unit,
            "proposal": {"status": proposed, "score": score},
            "resolution": resolution,
            "decision": status,
            "justification": justification,
        }
        if number is not None:
            entry["previous"] = {"deliberation": number, "decision": before}
        if granted_in is not None:
            entry["acquired"] = {
                "session": granted_in,
                "deliberation": granted_by,
                "date": granted_on.isoformat(),
            }
        decisions.append(entry)
    return decisions


def minutes_data(deliberation: Deliberation) -> dict[str, Any]:
    """The content of the minutes, in a canonical order: what the closing digest seals."""
    decisions = _decisions_data(deliberation)
    tallied = tally(
        (
            (d["candidate"], d["unit"], d["decision"], d["proposal"]["status"], d["resolution"])
            for d in decisions
        ),
        competence_blocks(deliberation),
    )
    return {
        "session": deliberation.session.code,
        "kind": deliberation.kind,
        "number": deliberation.number,
        "date": deliberation.date.isoformat(),
        "place": deliberation.place,
        "reason": deliberation.reason,
        "members": _members_data(deliberation),
        "recusals": _recusals_data(deliberation),
        "decisions": decisions,
        "overrides": [
            {
                "candidate": d["candidate"],
                "unit": d["unit"],
                "from": d["proposal"]["status"],
                "to": d["decision"],
                "justification": d["justification"],
            }
            for d in decisions
            if d["resolution"] == Resolution.OVERRIDDEN
        ],
        "counts": {
            "candidates": tallied.candidates,
            "certified": tallied.certified,
            "partially_validated": tallied.partial,
            "refused": tallied.refused,
            "without_decision": tallied.without_decision,
            "awaiting_marks": tallied.awaiting,
        },
    }


def canonical_json(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def minutes_digest(deliberation: Deliberation) -> str:
    """SHA-256 of the canonical JSON of the minutes: same content, same digest."""
    return hashlib.sha256(canonical_json(minutes_data(deliberation)).encode("utf-8")).hexdigest()
