"""Reading the declaration: who is ready, where each passage stands, what is due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet

from certif.cdc.errors import CdcError
from certif.declarations.models import CorrectionRequest, Declaration, Flux, Status
from certif.declarations.passages import chosen_schema, missing_identity

# A due date this close is shown as coming.
SOON = timedelta(days=30)
OPEN = (Status.PENDING, Status.GENERATED, Status.DEPOSITED, Status.REJECTED)


def declarations(session: str | None = None) -> QuerySet[Declaration]:
    found = Declaration.objects.select_related(
        "candidate", "decision__deliberation__session"
    ).order_by("due_on", "technical_id")
    if session:
        found = found.filter(decision__deliberation__session__code=session)
    return found


@dataclass(frozen=True)
class Readiness:
    declaration: Declaration
    missing: list[str]

    @property
    def ready(self) -> bool:
        return not self.missing


def readiness(session: str | None = None, schema: str | None = None) -> list[Readiness]:
    """For each holder still to declare, what the CDC needs and the identity lacks."""
    chosen = chosen_schema(schema)
    pending = declarations(session).filter(
        status__in=(Status.PENDING, Status.REJECTED), withdrawn_at__isnull=True
    )
    rows = []
    for declaration in pending:
        missing = missing_identity(declaration.candidate, chosen)
        if not declaration.certification_code:
            missing.append("code RNCP du référentiel")
        rows.append(Readiness(declaration, missing))
    return rows


def schema_problem(schema: str | None = None) -> str:
    """Why the chosen schema cannot be used (empty: it can)."""
    try:
        chosen_schema(schema)
    except CdcError as error:
        return str(error)
    return ""


def _latest_flux(declaration: Declaration) -> Flux | None:
    entry = declaration.entries.select_related("flux").order_by("-flux__generated_at").first()
    return entry.flux if entry is not None else None


def status_rows(session: str | None = None) -> list[dict[str, Any]]:
    """One row per passage, as ``certif cdc status`` and the API give it."""
    rows = []
    for declaration in declarations(session).prefetch_related("entries__flux"):
        entries = sorted(
            declaration.entries.all(), key=lambda entry: entry.flux.generated_at, reverse=True
        )
        rows.append(
            {
                "candidate": declaration.candidate.numero,
                "certification": declaration.certification_code,
                "technical_id": declaration.technical_id,
                "flux": str(entries[0].flux_id) if entries else None,
                "status": declaration.status,
                "message": declaration.message,
                "due": declaration.due_on.isoformat(),
            }
        )
    return rows


@dataclass(frozen=True)
class Deadlines:
    overdue: list[Declaration]
    due_soon: list[Declaration]
    rejected: list[Declaration]
    corrections: list[CorrectionRequest]

    @property
    def count(self) -> int:
        return len(self.overdue) + len(self.due_soon) + len(self.rejected) + len(self.corrections)


def deadlines(today: date) -> Deadlines:
    """What needs attention: declarations past their due date or due within 30 days and not
    yet accepted, rejections waiting for a new flux, correction requests not answered."""
    waiting = list(
        declarations()
        .filter(status__in=OPEN, withdrawn_at__isnull=True)
        .exclude(status=Status.REJECTED)
        .filter(due_on__lte=today + SOON)
    )
    return Deadlines(
        overdue=[d for d in waiting if d.due_on < today],
        due_soon=[d for d in waiting if d.due_on >= today],
        rejected=list(declarations().filter(status=Status.REJECTED, withdrawn_at__isnull=True)),
        corrections=list(
            CorrectionRequest.objects.filter(answered_on__isnull=True)
            .select_related("declaration__candidate")
            .order_by("due_on")
        ),
    )
