"""Habilitations: the written act by which the certifier lets a partner prepare candidates for
its certification (or some of its blocks), evaluate them, or both, for a stated period.

Decree 2025-500 of 6 June 2025 (code du travail, art. R. 6113-16 and the articles it adds after
it) frames them: the certifier may habilitate third parties to prepare for or to evaluate
(R. 6113-16); the habilitation states what it covers, for how long and with which obligations
(R. 6113-16-2); the certifier may suspend, repeal or terminate it; it sends France compétences
the list of its habilitations and updates it within two months of each change (see
``declaration``).

This module holds:

- the **nature** of a habilitation (préparer, évaluer, préparer et évaluer) and its **scope**
  (a whole certification, or a listed set of its blocks), grouped with the dates in **terms**;
- the **life cycle**, a state machine replayed from the recorded transitions, each with an
  effective date, an author and (all but the activation) a reason; « expirée » is computed
  from the end date, never recorded;
- **amendments** (avenants) that change the terms from a date on;
- the **overlap rule**: a partner may not hold two live habilitations of overlapping natures on
  overlapping scopes for overlapping days;
- **coverage**: which habilitation, if any, lets a partner prepare for or evaluate a block on a
  given day.

Every refusal is a :class:`HabilitationRefused` with a French message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from functools import partialmethod

from certif.domain.vocabulary import Label


class HabilitationRefused(ValueError):
    """A habilitation or a change to it is refused; the message (French) says why."""


def format_date(day: date) -> str:
    """« 06/06/2025 », as the French pages write a date."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


# --- Nature -------------------------------------------------------------------------------


class Need(StrEnum):
    """What a partner needs to be habilitated for, to do what it is about to do."""

    PREPARATION = "preparation"
    EVALUATION = "evaluation"

    @property
    def label(self) -> Label:
        return NEED_LABELS[self]


NEED_LABELS: dict[Need, Label] = {
    Need.PREPARATION: Label("préparation", "preparation"),
    Need.EVALUATION: Label("évaluation", "evaluation"),
}


class Nature(StrEnum):
    """What a habilitation lets the partner do."""

    PREPARE = "preparer"
    EVALUATE = "evaluer"
    PREPARE_AND_EVALUATE = "preparer_evaluer"

    @property
    def label(self) -> Label:
        return NATURE_LABELS[self]

    @property
    def covers_preparation(self) -> bool:
        return self in {Nature.PREPARE, Nature.PREPARE_AND_EVALUATE}

    @property
    def covers_evaluation(self) -> bool:
        return self in {Nature.EVALUATE, Nature.PREPARE_AND_EVALUATE}

    def covers(self, need: Need) -> bool:
        return self.covers_preparation if need is Need.PREPARATION else self.covers_evaluation

    def overlaps(self, other: Nature) -> bool:
        """Two natures overlap when they let the partner do a same thing: « préparer et
        évaluer » overlaps both « préparer » and « évaluer »; those two do not overlap."""
        return any(self.covers(need) and other.covers(need) for need in Need)

    @property
    def france_competences_code(self) -> str:
        """The value of HABILITATION_PARTENAIRE in France compétences' open-data export of the
        RNCP (flux XML v4.1): former, organiser l'évaluation, or both."""
        return FRANCE_COMPETENCES_CODES[self]


NATURE_LABELS: dict[Nature, Label] = {
    Nature.PREPARE: Label("préparer", "prepare"),
    Nature.EVALUATE: Label("évaluer", "evaluate"),
    Nature.PREPARE_AND_EVALUATE: Label("préparer et évaluer", "prepare and evaluate"),
}

FRANCE_COMPETENCES_CODES: dict[Nature, str] = {
    Nature.PREPARE: "HABILITATION_FORMER",
    Nature.EVALUATE: "HABILITATION_ORGANISER",
    Nature.PREPARE_AND_EVALUATE: "HABILITATION_ORGA_FORM",
}


# --- Scope --------------------------------------------------------------------------------


def _natural_key(code: str) -> tuple[tuple[int, str], ...]:
    """« B2 » before « B10 »: digits compared as numbers."""
    return tuple(
        (int(part), "") if part.isdigit() else (-1, part)
        for part in re.split(r"(\d+)", code)
        if part
    )


@dataclass(frozen=True, slots=True)
class Scope:
    """What a habilitation is about: a whole certification (no blocks listed), or some of its
    blocks. A certification is named by its référentiel code (« CCAB »), a block by its code
    in that référentiel (« B2 »)."""

    certification: str
    blocks: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not self.certification or self.certification != self.certification.strip():
            raise HabilitationRefused(
                f"code de certification impossible « {self.certification[:80]} »"
            )
        for block in self.blocks:
            if not block or len(block.split()) != 1 or block != block.strip():
                raise HabilitationRefused(
                    f"code de bloc impossible « {block[:80]} » : un code sans espace attendu"
                )

    @classmethod
    def whole(cls, certification: str) -> Scope:
        return cls(certification)

    @classmethod
    def of_blocks(cls, certification: str, blocks: Iterable[str]) -> Scope:
        listed = frozenset(blocks)
        if not listed:
            raise HabilitationRefused(
                f"aucun bloc indiqué pour la certification {certification} : indiquez au "
                "moins un bloc, ou habilitez pour toute la certification"
            )
        return cls(certification, listed)

    @property
    def is_whole(self) -> bool:
        return not self.blocks

    @property
    def sorted_blocks(self) -> tuple[str, ...]:
        return tuple(sorted(self.blocks, key=_natural_key))

    def includes(self, certification: str, block: str | None) -> bool:
        """Whether this scope lets the partner work on ``block`` of ``certification``; with
        ``block`` None, on the whole certification, which only a whole scope does (Certif
        does not infer that a list of blocks happens to be all of them)."""
        if certification != self.certification:
            return False
        if self.is_whole:
            return True
        return block is not None and block in self.blocks

    def overlaps(self, other: Scope) -> bool:
        """Same certification, and either is whole or they share a block."""
        if self.certification != other.certification:
            return False
        return self.is_whole or other.is_whole or bool(self.blocks & other.blocks)

    def check_blocks_exist(self, known_blocks: Iterable[str]) -> None:
        """Refuse block codes the certification's référentiel does not have."""
        unknown = self.blocks - frozenset(known_blocks)
        if unknown:
            listed = ", ".join(sorted(unknown, key=_natural_key))
            raise HabilitationRefused(
                f"bloc(s) inconnu(s) dans la certification {self.certification} : {listed}"
            )

    @property
    def label(self) -> Label:
        """« toute la certification CCAB », « blocs B1, B2 de CCAB »."""
        if self.is_whole:
            return Label(
                f"toute la certification {self.certification}",
                f"the whole {self.certification} certification",
            )
        listed = ", ".join(self.sorted_blocks)
        if len(self.blocks) == 1:
            return Label(
                f"bloc {listed} de {self.certification}", f"block {listed} of {self.certification}"
            )
        return Label(
            f"blocs {listed} de {self.certification}", f"blocks {listed} of {self.certification}"
        )


# --- Terms --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Terms:
    """What a habilitation grants: its nature, its scope, and its period, both dates included.

    The decree makes a habilitation last for a stated duration, so the end date is required:
    there is no open-ended habilitation. A single day (start = end) is allowed."""

    nature: Nature
    scope: Scope
    starts_on: date
    ends_on: date

    def __post_init__(self) -> None:
        if self.ends_on < self.starts_on:
            raise HabilitationRefused(
                f"habilitation « {self.nature.label.fr} » : sa date de fin "
                f"({format_date(self.ends_on)}) précède sa date de début "
                f"({format_date(self.starts_on)})"
            )

    def includes(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def grants(self, certification: str, block: str | None, need: Need) -> bool:
        return self.nature.covers(need) and self.scope.includes(certification, block)

    def overlaps(self, other: Terms) -> bool:
        """Natures overlap, scopes overlap, and the periods share at least one day."""
        return (
            self.nature.overlaps(other.nature)
            and self.scope.overlaps(other.scope)
            and self.starts_on <= other.ends_on
            and other.starts_on <= self.ends_on
        )


# --- Life cycle ---------------------------------------------------------------------------


class State(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REPEALED = "repealed"
    TERMINATED = "terminated"
    EXPIRED = "expired"

    @property
    def label(self) -> Label:
        return STATE_LABELS[self]


STATE_LABELS: dict[State, Label] = {
    State.DRAFT: Label("brouillon", "draft"),
    State.ACTIVE: Label("active", "active"),
    State.SUSPENDED: Label("suspendue", "suspended"),
    State.REPEALED: Label("abrogée", "repealed"),
    State.TERMINATED: Label("résiliée", "terminated"),
    State.EXPIRED: Label("expirée", "expired"),
}


class Action(StrEnum):
    """A change someone makes to a habilitation. Expiry is not one: it follows from the end
    date."""

    ACTIVATE = "activate"
    SUSPEND = "suspend"
    REACTIVATE = "reactivate"
    REPEAL = "repeal"
    TERMINATE = "terminate"

    @property
    def label(self) -> Label:
        """The verb: « suspendre », « suspend »."""
        return ACTION_LABELS[self]

    @property
    def needs_reason(self) -> bool:
        return self in REASON_REQUIRED


ACTION_LABELS: dict[Action, Label] = {
    Action.ACTIVATE: Label("activer", "activate"),
    Action.SUSPEND: Label("suspendre", "suspend"),
    Action.REACTIVATE: Label("réactiver", "reactivate"),
    Action.REPEAL: Label("abroger", "repeal"),
    Action.TERMINATE: Label("résilier", "terminate"),
}

# Every change there is. Anything else is refused.
TRANSITIONS: dict[tuple[State, Action], State] = {
    (State.DRAFT, Action.ACTIVATE): State.ACTIVE,
    (State.ACTIVE, Action.SUSPEND): State.SUSPENDED,
    (State.SUSPENDED, Action.REACTIVATE): State.ACTIVE,
    (State.ACTIVE, Action.REPEAL): State.REPEALED,
    (State.SUSPENDED, Action.REPEAL): State.REPEALED,
    (State.ACTIVE, Action.TERMINATE): State.TERMINATED,
    (State.SUSPENDED, Action.TERMINATE): State.TERMINATED,
}

# Activating is carrying out the signed act; every other change is a decision that the partner
# and France compétences may ask the certifier to justify, so it states its reason.
REASON_REQUIRED = frozenset({Action.SUSPEND, Action.REACTIVATE, Action.REPEAL, Action.TERMINATE})

# States in which a habilitation still exists for the partner: it occupies its scope (the
# overlap rule) and its end date can make it expire. A suspended habilitation counts: it may
# be reactivated.
LIVE_STATES = frozenset({State.ACTIVE, State.SUSPENDED})
FINAL_STATES = frozenset({State.REPEALED, State.TERMINATED, State.EXPIRED})


def allowed_actions(state: State) -> list[Action]:
    return [action for (source, action) in TRANSITIONS if source is state]


@dataclass(frozen=True, slots=True)
class Transition:
    """A recorded change of state. ``effective_on`` is the day it takes effect;
    ``recorded_on``, the day it was entered in Certif (the effective day when not given)."""

    action: Action
    effective_on: date
    author: str
    reason: str = ""
    recorded_on: date | None = None


@dataclass(frozen=True, slots=True)
class Amendment:
    """An avenant: the habilitation's terms are ``terms`` from ``effective_on`` on."""

    terms: Terms
    effective_on: date
    author: str
    reason: str
    recorded_on: date | None = None


@dataclass(frozen=True, slots=True)
class Segment:
    """Days (both included) during which a habilitation is live under the given terms."""

    first: date
    last: date
    terms: Terms


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two live habilitations of the same partner overlapping from ``first`` to ``last``."""

    other: str
    first: date
    last: date
    terms: Terms
    other_terms: Terms

    @property
    def message(self) -> str:
        return (
            f"chevauchement avec l'habilitation {self.other} du même organisme du "
            f"{format_date(self.first)} au {format_date(self.last)} : natures "
            f"« {self.terms.nature.label.fr} » et « {self.other_terms.nature.label.fr} », "
            f"périmètres « {self.terms.scope.label.fr} » et "
            f"« {self.other_terms.scope.label.fr} »"
        )


class OverlapRefused(HabilitationRefused):
    """The change would give the partner two overlapping live habilitations."""

    def __init__(self, reference: str, conflicts: list[Conflict]) -> None:
        self.conflicts = conflicts
        details = " ; ".join(conflict.message for conflict in conflicts)
        super().__init__(f"habilitation {reference} refusée : {details}")


@dataclass(frozen=True, slots=True)
class Habilitation:
    """One habilitation: its reference (the act's number), its partner (the partner's key, its
    SIRET), its initial terms, and its recorded transitions and amendments, oldest first.

    It is immutable: each change returns a new habilitation with one more record. Its state on
    any day is replayed from those records, so the same object answers for today and for the
    day an evaluation took place."""

    reference: str
    partner: str
    terms: Terms
    transitions: tuple[Transition, ...] = ()
    amendments: tuple[Amendment, ...] = ()

    def __post_init__(self) -> None:
        if not self.reference.strip():
            raise HabilitationRefused("référence de l'habilitation manquante")
        if not self.partner.strip():
            raise HabilitationRefused(f"habilitation {self.reference} : organisme manquant")

    @classmethod
    def draft(
        cls,
        reference: str,
        partner: str,
        nature: Nature,
        scope: Scope,
        starts_on: date,
        ends_on: date,
    ) -> Habilitation:
        return cls(reference, partner, Terms(nature, scope, starts_on, ends_on))

    @property
    def certification(self) -> str:
        return self.terms.scope.certification

    @property
    def latest_terms(self) -> Terms:
        """The terms as last amended, whatever their effective date."""
        return self.amendments[-1].terms if self.amendments else self.terms

    def terms_on(self, day: date) -> Terms:
        """The terms in force on ``day``: the last amendment effective by then, or the
        initial terms."""
        current = self.terms
        for amendment in self.amendments:
            if amendment.effective_on <= day:
                current = amendment.terms
        return current

    @property
    def recorded_state(self) -> State:
        """The state the recorded transitions lead to, whatever their effective dates and
        without expiry: what the next change starts from."""
        state = State.DRAFT
        for transition in self.transitions:
            state = TRANSITIONS[(state, transition.action)]
        return state

    def state_on(self, day: date) -> State:
        """The state on ``day``: the transitions effective by then, replayed; a live
        habilitation past its end date is expired. Before its activation takes effect, a
        habilitation is still a draft."""
        state = State.DRAFT
        for transition in self.transitions:
            if transition.effective_on <= day:
                state = TRANSITIONS[(state, transition.action)]
        if state in LIVE_STATES and day > self.terms_on(day).ends_on:
            return State.EXPIRED
        return state

    def in_force_on(self, day: date) -> bool:
        """Active on ``day`` and ``day`` inside its period: what coverage requires."""
        return self.state_on(day) is State.ACTIVE and self.terms_on(day).includes(day)

    def covers(self, certification: str, block: str | None, day: date, need: Need) -> bool:
        return self.in_force_on(day) and self.terms_on(day).grants(certification, block, need)

    # --- changes --------------------------------------------------------------------------

    def apply(
        self,
        action: Action,
        effective_on: date,
        author: str,
        reason: str = "",
        *,
        others: Iterable[Habilitation] = (),
        recorded_on: date | None = None,
    ) -> Habilitation:
        """This habilitation with ``action`` recorded, or :class:`HabilitationRefused`.

        ``others`` are the certifier's other habilitations: a change that makes this one live
        is checked against them for overlaps."""
        current = self.state_on(effective_on)
        if current is not State.EXPIRED:
            current = self.recorded_state
        target = TRANSITIONS.get((current, action))
        if target is None:
            raise HabilitationRefused(self._impossible(current, action, effective_on))
        _check_author_and_reason(
            self.reference, action.label.fr, action.needs_reason, author, reason
        )
        if self.transitions and effective_on < self.transitions[-1].effective_on:
            raise HabilitationRefused(
                f"habilitation {self.reference} : impossible de {_it(action.label.fr)} avec effet "
                f"au {format_date(effective_on)}, avant son dernier changement d'état (effet au "
                f"{format_date(self.transitions[-1].effective_on)})"
            )
        if action is Action.ACTIVATE and effective_on > self.latest_terms.ends_on:
            raise HabilitationRefused(
                f"habilitation {self.reference} : impossible de l'activer au "
                f"{format_date(effective_on)}, après sa date de fin "
                f"({format_date(self.latest_terms.ends_on)})"
            )
        changed = replace(
            self,
            transitions=(
                *self.transitions,
                Transition(action, effective_on, author, reason, recorded_on),
            ),
        )
        if target in LIVE_STATES:
            _refuse_conflicts(changed, others)
        return changed

    # The transitions by their names: ``activate(effective_on, author, reason="", *, others=(),
    # recorded_on=None)``, the same for the others (each but activate needs a reason).
    activate = partialmethod(apply, Action.ACTIVATE)
    suspend = partialmethod(apply, Action.SUSPEND)
    reactivate = partialmethod(apply, Action.REACTIVATE)
    repeal = partialmethod(apply, Action.REPEAL)
    terminate = partialmethod(apply, Action.TERMINATE)

    def amend(
        self,
        terms: Terms,
        effective_on: date,
        author: str,
        reason: str,
        *,
        others: Iterable[Habilitation] = (),
        recorded_on: date | None = None,
    ) -> Habilitation:
        """New terms (nature, blocks, dates) from ``effective_on`` on: an avenant.

        A draft is simply rewritten (it was never in force nor declared); a live habilitation
        records the amendment, which France compétences must be told about. The certification
        cannot change: habilitating for another one is another habilitation."""
        if terms.scope.certification != self.certification:
            raise HabilitationRefused(
                f"habilitation {self.reference} : elle porte sur la certification "
                f"{self.certification} ; pour {terms.scope.certification}, créez une autre "
                "habilitation"
            )
        state = self.recorded_state
        if state is State.DRAFT:
            return replace(self, terms=terms)
        if state not in LIVE_STATES or self.state_on(effective_on) is State.EXPIRED:
            shown = state if state not in LIVE_STATES else State.EXPIRED
            raise HabilitationRefused(
                f"habilitation {self.reference} à l'état « {shown.label.fr} » au "
                f"{format_date(effective_on)} : impossible de la modifier"
            )
        _check_author_and_reason(self.reference, "modifier", True, author, reason)
        if self.amendments and effective_on < self.amendments[-1].effective_on:
            raise HabilitationRefused(
                f"habilitation {self.reference} : un avenant avec effet au "
                f"{format_date(effective_on)} ne peut précéder le dernier (effet au "
                f"{format_date(self.amendments[-1].effective_on)})"
            )
        if terms.ends_on < effective_on:
            raise HabilitationRefused(
                f"habilitation {self.reference} : la nouvelle date de fin "
                f"({format_date(terms.ends_on)}) précède la date d'effet de l'avenant "
                f"({format_date(effective_on)}) ; pour y mettre fin, résiliez-la"
            )
        if terms == self.terms_on(effective_on):
            raise HabilitationRefused(
                f"habilitation {self.reference} : l'avenant ne change rien à ses termes"
            )
        changed = replace(
            self,
            amendments=(
                *self.amendments,
                Amendment(terms, effective_on, author, reason, recorded_on),
            ),
        )
        _refuse_conflicts(changed, others)
        return changed

    # --- overlap --------------------------------------------------------------------------

    def live_segments(self) -> list[Segment]:
        """The days on which this habilitation is live (active or suspended, within its
        period), cut where an amendment changes its terms. Empty for a draft."""
        activation = next(
            (t.effective_on for t in self.transitions if t.action is Action.ACTIVATE), None
        )
        if activation is None:
            return []
        ending = next(
            (
                t.effective_on
                for t in self.transitions
                if t.action in {Action.REPEAL, Action.TERMINATE}
            ),
            None,
        )
        # Repealed or terminated with effect on day D: it no longer applies from D on.
        last_live = date.max if ending is None else _day_before(ending)
        return _segments(self._terms_timeline(), activation, last_live)

    def _terms_timeline(self) -> list[tuple[date, Terms]]:
        return [(date.min, self.terms)] + [(a.effective_on, a.terms) for a in self.amendments]

    def _impossible(self, state: State, action: Action, effective_on: date) -> str:
        allowed = allowed_actions(state)
        if state is State.EXPIRED:
            follow = (
                f"elle a pris fin le {format_date(self.terms_on(effective_on).ends_on)} ; "
                "pour continuer, délivrez une nouvelle habilitation"
            )
        elif allowed:
            follow = "changements possibles : " + ", ".join(a.label.fr for a in allowed)
        else:
            follow = "aucun changement n'est possible depuis cet état"
        return (
            f"habilitation {self.reference} à l'état « {state.label.fr} » : impossible de "
            f"{_it(action.label.fr)} ; {follow}"
        )


def _it(verb: str) -> str:
    """The verb with its object pronoun, elided before a vowel: « l'abroger », « la suspendre »."""
    return f"l'{verb}" if verb[0] in "aeéiou" else f"la {verb}"


def _day_before(day: date) -> date:
    return day if day == date.min else day - timedelta(days=1)


def _segments(
    timeline: list[tuple[date, Terms]], first_live: date, last_live: date
) -> list[Segment]:
    segments = []
    for index, (from_day, terms) in enumerate(timeline):
        to_day = _day_before(timeline[index + 1][0]) if index + 1 < len(timeline) else date.max
        first = max(from_day, terms.starts_on, first_live)
        last = min(to_day, terms.ends_on, last_live)
        if first <= last:
            segments.append(Segment(first, last, terms))
    return segments


def _check_author_and_reason(
    reference: str, verb: str, needs_reason: bool, author: str, reason: str
) -> None:
    if not author.strip():
        raise HabilitationRefused(
            f"habilitation {reference} : impossible de {_it(verb)} sans auteur"
        )
    if needs_reason and not reason.strip():
        raise HabilitationRefused(
            f"habilitation {reference} : un motif est obligatoire pour {_it(verb)}"
        )


def conflicts(candidate: Habilitation, others: Iterable[Habilitation]) -> list[Conflict]:
    """The overlaps between ``candidate`` and the partner's other live habilitations.

    A draft is checked as if it were activated on its start date, so that the pages can warn
    while it is being written; activating it checks again for real."""
    own = candidate.live_segments()
    if not candidate.transitions:
        own = _segments(candidate._terms_timeline(), candidate.terms.starts_on, date.max)
    found = []
    for other in others:
        if other.reference == candidate.reference or other.partner != candidate.partner:
            continue
        for mine in own:
            for theirs in other.live_segments():
                first = max(mine.first, theirs.first)
                last = min(mine.last, theirs.last)
                if (
                    first <= last
                    and mine.terms.nature.overlaps(theirs.terms.nature)
                    and mine.terms.scope.overlaps(theirs.terms.scope)
                ):
                    found.append(Conflict(other.reference, first, last, mine.terms, theirs.terms))
    return found


def _refuse_conflicts(candidate: Habilitation, others: Iterable[Habilitation]) -> None:
    found = conflicts(candidate, others)
    if found:
        raise OverlapRefused(candidate.reference, found)


# --- Coverage -----------------------------------------------------------------------------


def covers(
    habilitations: Iterable[Habilitation],
    partner: str,
    certification: str,
    block: str | None,
    on_date: date,
    need: Need,
) -> Habilitation | None:
    """The habilitation that lets ``partner`` do ``need`` (prepare or evaluate) for ``block``
    of ``certification`` on ``on_date``, or None.

    Only a habilitation in force that day counts: active (not a draft, not suspended, repealed,
    terminated or expired), the day inside its period, under the terms in force that day.
    ``block`` None asks about the whole certification, which only a whole-certification
    habilitation covers. The overlap rule leaves at most one answer; should stored data break
    it, the first in the order given is returned."""
    for habilitation in habilitations:
        if habilitation.partner == partner and habilitation.covers(
            certification, block, on_date, need
        ):
            return habilitation
    return None
