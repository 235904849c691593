"""The grading panels of the dashboard: sheets to grade, double markings to reconcile."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from certif.core.roles import Role, has_role
from certif.grading.queries import (
    assignments_of,
    describe_pending,
    pending_first_sheets,
    sheet_state,
    to_grade,
)
from certif.referential.models import Block
from certif.web.dashboard import Item, Panel
from certif.web.grading.views import reconcile_url, sheet_url, state_label

FIRST_ITEMS = 5


def panels(request: HttpRequest) -> list[Panel]:
    found = []
    if has_role(request.user, Role.EVALUATOR):
        found.append(_to_grade(request))
    if has_role(request.user, Role.STAFF):
        found.append(_pending_reconciliations())
    return found


def _unit_label(numero: str, name: str, block: Block, part: str) -> str:
    return f"{numero} {name} — {block.unit_label(part)}"


def _to_grade(request: HttpRequest) -> Panel:
    waiting = to_grade(assignments_of(request.user))
    items = [
        Item(
            label=_unit_label(a.candidate.numero, a.candidate.display_name, a.block, a.part),
            url=sheet_url(a.pk),
            detail=f"{a.session.code} · {state_label(sheet_state(a))}",
        )
        for a in waiting[:FIRST_ITEMS]
    ]
    return Panel(
        title=_("Grilles à corriger"),
        items=items,
        empty=_("Aucune grille ne vous attend."),
        actions=[Item(label=_("Toutes mes grilles"), url=reverse("grading:mine"))],
        count=waiting.count(),
    )


def _pending_reconciliations() -> Panel:
    pending = pending_first_sheets()
    items = [
        Item(
            label=_unit_label(
                item.first.candidate.numero,
                item.first.candidate.display_name,
                item.first.block,
                item.first.part,
            ),
            url=reconcile_url(item.unit),
            detail=_("%(session)s · %(flagged)s critère(s) signalé(s)")
            % {"session": item.first.session.code, "flagged": item.flagged},
        )
        for item in describe_pending(list(pending[:FIRST_ITEMS]))
    ]
    return Panel(
        title=_("Rapprochements en attente"),
        items=items,
        empty=_("Aucune double correction n'attend de rapprochement."),
        actions=[Item(label=_("Tous les rapprochements"), url=reverse("grading:reconciliations"))],
        count=pending.count(),
    )
