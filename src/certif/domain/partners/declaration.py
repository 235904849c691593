"""The list of habilitations owed to France compétences, and its two-month rule.

Decree 2025-500 of 6 June 2025: the certifier communicates the list of its habilitations to
France compétences and updates it **within two months of each change** (ANFH's summary of the
decree: « le certificateur doit communiquer la liste de ses habilitations auprès de France
compétences et la mettre à jour dans les deux mois suivant chaque modification »).

**Changes.** Each activation (the habilitation enters the list), suspension, reactivation,
repeal, termination, expiry and amendment (scope, nature or dates) is a change. Its date is its
*effective* date: the day the list's content changes. A change entered late (recorded after it
took effect) keeps its effective date, so it may be due soon or overdue as soon as it is
recorded.

**Deadline.** Two months counted as a calendar rule, as French law counts a time limit in
months (code de procédure civile, art. 641): the same day two months later, or the last day of
that month when the day does not exist (31 December → 28 or 29 February).

**Declared.** The pages export the list; a person marks an export « transmise » once sent to
France compétences. A change is declared by the first export transmitted on or after both its
effective date and the day it was recorded: only then does the exported list show it.
Undeclared changes are « à venir » (not in effect yet), « à déclarer », « échéance proche »
(15 days or fewer before the deadline, the deadline day included) or « en retard ».

**Rows.** The list itself is plain data (:class:`DeclarationRow`); writing the file is done
elsewhere. No format published by France compétences for this list could be found; the rows
carry what France compétences' own open-data export of the RNCP shows for each partner (SIRET,
name, habilitation code, state, dates) and what the habilitation states (certification, blocks,
start, end): see ``docs/partners.md``.
"""

from __future__ import annotations

import calendar
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from certif.domain.partners.habilitations import (
    LIVE_STATES,
    Action,
    Habilitation,
    Nature,
    Scope,
    State,
)
from certif.domain.partners.partner import Partner
from certif.domain.records import attributes
from certif.domain.vocabulary import Label

DECLARATION_MONTHS = 2
DUE_SOON_DAYS = 15


class DeclarationError(ValueError):
    """The list cannot be made; the message (French) says why."""


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the last day of that month when the day does not
    exist in it: 31/12/2025 + 2 → 28/02/2026; 31/12/2027 + 2 → 29/02/2028."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last_day))


def declaration_deadline(changed_on: date) -> date:
    """The last day France compétences' list may be updated for a change of ``changed_on``."""
    return add_months(changed_on, DECLARATION_MONTHS)


class ChangeKind(StrEnum):
    ACTIVATION = "activation"
    SUSPENSION = "suspension"
    REACTIVATION = "reactivation"
    REPEAL = "repeal"
    TERMINATION = "termination"
    EXPIRY = "expiry"
    AMENDMENT = "amendment"

    @property
    def label(self) -> Label:
        return CHANGE_LABELS[self]


CHANGE_LABELS: dict[ChangeKind, Label] = {
    ChangeKind.ACTIVATION: Label("délivrance (activation)", "grant (activation)"),
    ChangeKind.SUSPENSION: Label("suspension", "suspension"),
    ChangeKind.REACTIVATION: Label("réactivation", "reactivation"),
    ChangeKind.REPEAL: Label("abrogation", "repeal"),
    ChangeKind.TERMINATION: Label("résiliation", "termination"),
    ChangeKind.EXPIRY: Label("expiration", "expiry"),
    ChangeKind.AMENDMENT: Label("avenant (périmètre, nature ou dates)", "amendment"),
}

_KIND_OF_ACTION: dict[Action, ChangeKind] = {
    Action.ACTIVATE: ChangeKind.ACTIVATION,
    Action.SUSPEND: ChangeKind.SUSPENSION,
    Action.REACTIVATE: ChangeKind.REACTIVATION,
    Action.REPEAL: ChangeKind.REPEAL,
    Action.TERMINATE: ChangeKind.TERMINATION,
}


@dataclass(frozen=True, slots=True)
class Change:
    """One change of a habilitation that the list must reflect."""

    habilitation: str
    kind: ChangeKind
    effective_on: date
    recorded_on: date

    @property
    def deadline(self) -> date:
        return declaration_deadline(self.effective_on)

    @property
    def declarable_from(self) -> date:
        """The first day an export can show it: in effect, and known to Certif."""
        return max(self.effective_on, self.recorded_on)


def changes_of(habilitation: Habilitation, today: date) -> list[Change]:
    """Every change of ``habilitation`` the list must reflect, by effective date: its
    recorded transitions and amendments (a draft has none), and its expiry once its end date
    has passed by ``today`` while it was still live."""
    found = [
        Change(
            habilitation.reference,
            _KIND_OF_ACTION[transition.action],
            transition.effective_on,
            transition.recorded_on or transition.effective_on,
        )
        for transition in habilitation.transitions
    ]
    found += [
        Change(
            habilitation.reference,
            ChangeKind.AMENDMENT,
            amendment.effective_on,
            amendment.recorded_on or amendment.effective_on,
        )
        for amendment in habilitation.amendments
    ]
    ends_on = habilitation.latest_terms.ends_on
    if habilitation.recorded_state in LIVE_STATES and ends_on < today:
        expired_on = ends_on + timedelta(days=1)
        found.append(Change(habilitation.reference, ChangeKind.EXPIRY, expired_on, expired_on))
    return sorted(found, key=lambda change: change.effective_on)


def all_changes(habilitations: Iterable[Habilitation], today: date) -> list[Change]:
    changes = [change for h in habilitations for change in changes_of(h, today)]
    return sorted(changes, key=lambda change: (change.effective_on, change.habilitation))


class DeclarationStatus(StrEnum):
    UPCOMING = "upcoming"
    DECLARED = "declared"
    PENDING = "pending"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"

    @property
    def label(self) -> Label:
        return STATUS_LABELS[self]


STATUS_LABELS: dict[DeclarationStatus, Label] = {
    DeclarationStatus.UPCOMING: Label("à venir", "upcoming"),
    DeclarationStatus.DECLARED: Label("déclarée", "declared"),
    DeclarationStatus.PENDING: Label("à déclarer", "to declare"),
    DeclarationStatus.DUE_SOON: Label("échéance proche", "due soon"),
    DeclarationStatus.OVERDUE: Label("en retard", "overdue"),
}


@dataclass(frozen=True, slots=True)
class ChangeDeclaration:
    """Where one change stands with France compétences on a given day."""

    change: Change
    status: DeclarationStatus
    declared_on: date | None = None
    days_left: int | None = None
    """Days until the deadline (0 on the deadline itself, negative once overdue); None once
    declared."""

    @property
    def deadline(self) -> date:
        return self.change.deadline

    @property
    def declared_late(self) -> bool:
        return self.declared_on is not None and self.declared_on > self.deadline

    @property
    def needs_action(self) -> bool:
        return self.status in {
            DeclarationStatus.PENDING,
            DeclarationStatus.DUE_SOON,
            DeclarationStatus.OVERDUE,
        }


def assess(change: Change, transmitted_on: Iterable[date], today: date) -> ChangeDeclaration:
    """The status of ``change`` on ``today``, given the dates of the exports marked
    « transmise » (those after ``today`` are ignored)."""
    declared_on = min(
        (day for day in transmitted_on if change.declarable_from <= day <= today), default=None
    )
    if declared_on is not None:
        return ChangeDeclaration(change, DeclarationStatus.DECLARED, declared_on)
    days_left = (change.deadline - today).days
    if change.effective_on > today:
        return ChangeDeclaration(change, DeclarationStatus.UPCOMING, None, days_left)
    if days_left < 0:
        status = DeclarationStatus.OVERDUE
    elif days_left <= DUE_SOON_DAYS:
        status = DeclarationStatus.DUE_SOON
    else:
        status = DeclarationStatus.PENDING
    return ChangeDeclaration(change, status, None, days_left)


def assess_all(
    changes: Iterable[Change], transmitted_on: Iterable[date], today: date
) -> list[ChangeDeclaration]:
    transmissions = sorted(set(transmitted_on))
    return [assess(change, transmissions, today) for change in changes]


def outstanding(declarations: Iterable[ChangeDeclaration]) -> list[ChangeDeclaration]:
    """The changes still to declare, the most urgent first."""
    waiting = [d for d in declarations if d.needs_action]
    return sorted(waiting, key=lambda d: (d.deadline, d.change.habilitation))


def _sort_key(name: str) -> str:
    """« École » between « Eau » and « Étoile », as a French reader expects, not after « Z »."""
    decomposed = unicodedata.normalize("NFD", name.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


# --- The list -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeclarationRow:
    """One habilitation as the list shows it on a given day."""

    siret: str
    legal_name: str
    reference: str
    certification: str
    nature: Nature
    scope: Scope
    starts_on: date
    ends_on: date
    state: State

    @property
    def blocks(self) -> tuple[str, ...]:
        """The blocks, in order; empty for the whole certification."""
        return self.scope.sorted_blocks

    @property
    def france_competences_code(self) -> str:
        return self.nature.france_competences_code


def declaration_rows(
    habilitations: Iterable[Habilitation], partners: Mapping[str, Partner], on: date
) -> list[DeclarationRow]:
    """The list on ``on``: every habilitation that has entered it (drafts and activations not
    yet in effect have not), with its terms and state that day. Ended habilitations stay, with
    their state, so that France compétences sees them end. Sorted by partner name, SIRET,
    certification, start date and reference."""
    rows = []
    for habilitation in habilitations:
        state = habilitation.state_on(on)
        if state is State.DRAFT:
            continue
        partner = partners.get(habilitation.partner)
        if partner is None:
            raise DeclarationError(
                f"habilitation {habilitation.reference} : organisme {habilitation.partner} inconnu"
            )
        terms = habilitation.terms_on(on)
        rows.append(
            DeclarationRow(
                siret=partner.siret.value,
                legal_name=partner.legal_name,
                **attributes(habilitation, "reference", "certification"),
                **attributes(terms, "nature", "scope", "starts_on", "ends_on"),
                state=state,
            )
        )
    return sorted(
        rows,
        key=lambda row: (
            _sort_key(row.legal_name),
            row.siret,
            row.certification,
            row.starts_on,
            row.reference,
        ),
    )
