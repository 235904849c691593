"""Reads of partners and habilitations that the pages, the API and the commands share: the
habilitations as the domain sees them, what covers an enrolment, the list owed to France
compétences and where each change stands with it, the dashboard's alerts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils.functional import Promise

from certif.core.vocabulary import lazy_label
from certif.domain.partners.declaration import (
    ChangeDeclaration,
    DeclarationRow,
    all_changes,
    assess_all,
    declaration_rows,
    outstanding,
)
from certif.domain.partners.habilitations import (
    LIVE_STATES,
    Action,
    Need,
    State,
    allowed_actions,
    covers,
)
from certif.domain.partners.habilitations import (
    Habilitation as DomainHabilitation,
)
from certif.domain.partners.partner import Partner as DomainPartner
from certif.domain.partners.siret import Siret
from certif.partners.models import (
    QUALIOPI_WARNING_DAYS,
    DeclarationExport,
    Habilitation,
    Partner,
)


def habilitations(partner: Partner | None = None) -> QuerySet[Habilitation]:
    found = Habilitation.objects.select_related("partner").prefetch_related("changes")
    return found.filter(partner=partner) if partner is not None else found


@dataclass(frozen=True)
class HabilitationView:
    """A habilitation as the pages show it: its record, its state today, what can be done."""

    record: Habilitation
    domain: DomainHabilitation
    state: State

    @property
    def actions(self) -> list[str]:
        if self.state is State.EXPIRED:
            return []
        return [action.value for action in allowed_actions(self.domain.recorded_state)]

    @property
    def scope_label(self) -> Promise:
        return lazy_label(self.domain.latest_terms.scope.label)

    @property
    def state_label(self) -> Promise:
        return lazy_label(self.state.label)

    @property
    def action_choices(self) -> list[tuple[str, Promise]]:
        return [(action, lazy_label(Action(action).label)) for action in self.actions]

    @property
    def may_discard(self) -> bool:
        """A draft never activated and without its signed act (the service's rule, shown)."""
        recorded = not self.domain.transitions and not self.domain.amendments
        return recorded and not self.record.document_sha256

    @property
    def is_live(self) -> bool:
        return self.state in LIVE_STATES


def habilitation_views(partner: Partner, today: date | None = None) -> list[HabilitationView]:
    day = today or date.today()
    views = []
    for record in habilitations(partner):
        domain = record.to_domain()
        views.append(HabilitationView(record, domain, domain.state_on(day)))
    return views


def partner_list(search: str = "") -> QuerySet[Partner]:
    partners = Partner.objects.annotate(
        habilitation_count=Count("habilitations", distinct=True),
        candidate_count=Count("candidates", distinct=True),
    )
    if search.strip():
        term = search.strip()
        partners = partners.filter(Q(legal_name__icontains=term) | Q(siret__contains=term))
    return partners.order_by("legal_name", "siret")


# -- coverage ----------------------------------------------------------------------------------


def covering(
    partner: Partner, certification: str, block: str | None, day: date, need: Need
) -> DomainHabilitation | None:
    """The habilitation that lets ``partner`` prepare for or evaluate ``block`` on ``day``."""
    found = [record.to_domain() for record in habilitations(partner)]
    return covers(found, partner.siret, certification, block, day, need)


# -- the list for France compétences ----------------------------------------------------------


def _domain_partner(partner: Partner) -> DomainPartner:
    # Stored partners were checked on entry; the domain's object is rebuilt without re-parsing
    # optional registrations that only the pages show.
    return DomainPartner(Siret(partner.siret), partner.legal_name)


def list_rows(on: date) -> list[DeclarationRow]:
    """The list on ``on``, as France compétences is sent it."""
    records = list(habilitations())
    partners = {record.partner.siret: _domain_partner(record.partner) for record in records}
    return declaration_rows([record.to_domain() for record in records], partners, on)


def transmitted_days() -> list[date]:
    exports = DeclarationExport.objects.filter(transmitted_on__isnull=False)
    return [day for day in exports.values_list("transmitted_on", flat=True) if day is not None]


@dataclass(frozen=True)
class ChangeRow:
    declaration: ChangeDeclaration
    habilitation: Habilitation

    @property
    def kind_label(self) -> Promise:
        return lazy_label(self.declaration.change.kind.label)

    @property
    def status_label(self) -> Promise:
        return lazy_label(self.declaration.status.label)

    @property
    def status(self) -> str:
        return self.declaration.status.value


def declaration_status(today: date | None = None) -> list[ChangeRow]:
    """Every change of every habilitation, with its status (declared, to declare, due soon,
    overdue) on ``today``, the most recent first."""
    day = today or date.today()
    records = {record.reference: record for record in habilitations()}
    changes = all_changes([record.to_domain() for record in records.values()], day)
    assessed = assess_all(changes, transmitted_days(), day)
    rows = [ChangeRow(item, records[item.change.habilitation]) for item in assessed]
    return sorted(rows, key=lambda row: row.declaration.change.effective_on, reverse=True)


def since_last_export(today: date | None = None) -> list[ChangeRow]:
    """The changes no transmitted export has declared yet, the most urgent first."""
    rows = declaration_status(today)
    waiting = {id(d): d for d in outstanding(row.declaration for row in rows)}
    upcoming = [row for row in rows if row.declaration.status.value == "upcoming"]
    ordered = [row for row in rows if id(row.declaration) in waiting]
    ordered.sort(key=lambda row: row.declaration.deadline)
    return ordered + upcoming


def last_transmitted() -> DeclarationExport | None:
    return (
        DeclarationExport.objects.filter(transmitted_on__isnull=False)
        .order_by("-transmitted_on", "-id")
        .first()
    )


# -- alerts ----------------------------------------------------------------------------------


def qualiopi_alerts(today: date | None = None) -> QuerySet[Partner]:
    """Partners whose Qualiopi certificate has expired or expires within the warning period."""
    day = today or date.today()
    limit = day + timedelta(days=QUALIOPI_WARNING_DAYS)
    return Partner.objects.filter(qualiopi_expires_on__lte=limit).order_by("qualiopi_expires_on")


def partners_by_siret(sirets: Iterable[str]) -> dict[str, Partner]:
    return Partner.objects.in_bulk(list(sirets), field_name="siret")


def habilitation_summary(record: Habilitation, today: date) -> dict[str, object]:
    """A habilitation as the API and ``certif partners list --format json`` give it."""
    domain = record.to_domain()
    terms = domain.terms_on(today) if domain.state_on(today) is not State.DRAFT else domain.terms
    return {
        "reference": record.reference,
        "certification": record.certification,
        "nature": terms.nature.value,
        "blocks": list(terms.scope.sorted_blocks),
        "starts_on": terms.starts_on.isoformat(),
        "ends_on": terms.ends_on.isoformat(),
        "state": domain.state_on(today).value,
    }


def partner_summary(partner: Partner, today: date | None = None) -> dict[str, object]:
    day = today or date.today()
    return {
        "siret": partner.siret,
        "legal_name": partner.legal_name,
        "nda": partner.nda,
        "qualiopi_number": partner.qualiopi_number,
        "qualiopi_expires_on": partner.qualiopi_expires_on.isoformat()
        if partner.qualiopi_expires_on
        else None,
        "email": partner.email,
        "habilitations": [habilitation_summary(h, day) for h in habilitations(partner)],
    }


def partner_summaries(today: date | None = None) -> list[dict[str, object]]:
    return [partner_summary(partner, today) for partner in Partner.objects.order_by("legal_name")]


def uncovered_blocks(
    partner: Partner, certification: str, blocks: Iterable[str], day: date, need: Need
) -> list[str]:
    """The blocks among ``blocks`` that no habilitation of ``partner`` in force on ``day``
    lets it prepare for (or evaluate)."""
    found = [record.to_domain() for record in habilitations(partner)]
    return [
        block
        for block in blocks
        if covers(found, partner.siret, certification, block, day, need) is None
    ]


def evaluates_on(partner: Partner, certification: str, day: date) -> bool:
    """Whether a habilitation of ``partner`` in force on ``day`` lets it evaluate some part of
    ``certification`` (the whole, or some blocks): what delegating a session needs."""
    for record in habilitations(partner):
        domain = record.to_domain()
        if (
            domain.in_force_on(day)
            and domain.certification == certification
            and domain.terms_on(day).nature.covers_evaluation
        ):
            return True
    return False
