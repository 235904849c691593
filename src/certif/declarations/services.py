"""Every write of the declaration to the Caisse des Dépôts: the holders to declare, the flux
generated, their deposit, the CDC's processing reports, its correction requests, the settings.

Each verb runs in one transaction and records an audit event; refusals are French
(``DeclarationRefused``); the pages, the API and ``certif cdc`` call the same verbs.
"""

from __future__ import annotations

import tempfile
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from certif.cdc.errors import CdcError, FluxInvalid, FluxRefused
from certif.cdc.flux import Action as FluxAction
from certif.cdc.flux import FluxHeader, Passage, WrittenFlux, write_flux_files
from certif.cdc.report import ProcessingReport, parse_report
from certif.cdc.schemas import CdcSchema
from certif.core import audit
from certif.core.audit import Actor, account_of
from certif.core.errors import Refused
from certif.core.policies import require
from certif.core.text import quoted
from certif.core.validation import as_form_data, validated
from certif.declarations import actions
from certif.declarations.forms import SETTINGS_FIELDS, CdcSettingsForm, CorrectionForm
from certif.declarations.models import (
    DEPOSIT_MONTHS,
    Action,
    CdcSettings,
    CorrectionRequest,
    Declaration,
    Flux,
    FluxEntry,
    Outcome,
    Status,
    months_after,
)
from certif.declarations.passages import (
    Built,
    certification_code,
    certification_of,
    chosen_schema,
    passage_of,
)
from certif.declarations.policies import DECLARE_REFUSED, may_declare
from certif.deliberations.models import CERTIFICATION, Decision, State, UnitStatus
from certif.deliberations.standing import TAKEN
from certif.referential.services import engine_for

TO_DECLARE = (Status.PENDING, Status.REJECTED)
VALIDATED = UnitStatus.VALIDATED.value


class DeclarationRefused(Refused):
    """A request the declaration refuses; the message says why, in French."""


def _require(actor: Actor) -> None:
    require(actor, may_declare, message=DECLARE_REFUSED)


def _now() -> datetime:
    return timezone.now()


# -- who is to be declared ----------------------------------------------------------------------


@dataclass
class Refreshed:
    created: int = 0
    withdrawn: int = 0


def _technical_id(code: str, decision: Decision) -> str:
    """Stable and unique per act: « RNCP12345-C000008-2026-06-1 »."""
    act = decision.deliberation
    return f"{code or 'RNCP'}-{decision.candidate.numero}-{act.session.code}-{act.number}"


def _granted_certifications() -> dict[tuple[int, int], list[Decision]]:
    """Per (candidate, session), the closed acts' decisions on the certification (taken by a
    jury), oldest act first."""
    found: dict[tuple[int, int], list[Decision]] = defaultdict(list)
    decisions = (
        Decision.objects.filter(
            unit=CERTIFICATION, resolution__in=TAKEN, deliberation__status=State.CLOSED
        )
        .select_related("candidate", "deliberation__session__referential_version", "declaration")
        .defer("snapshot")
        .order_by("candidate_id", "deliberation__session_id", "deliberation__number")
    )
    for decision in decisions:
        found[(decision.candidate_id, decision.deliberation.session_id)].append(decision)
    return found


def _withdraw(declaration: Declaration, superseded_by: Decision, now: datetime) -> None:
    """An act superseded by a later act of its session: never sent, it is simply dropped;
    accepted (or waiting for the CDC's answer), it will be deleted there."""
    declaration.withdrawn_at = now
    declaration.message = (
        f"remplacée par la délibération n° {superseded_by.deliberation.number} de la session "
        f"{superseded_by.deliberation.session.code}"
    )
    fields = ["withdrawn_at", "message"]
    if declaration.status in TO_DECLARE:
        declaration.status = Status.DELETED
        fields.append("status")
    declaration.save(update_fields=fields)


def _declare(decision: Decision) -> Declaration:
    referential = engine_for(decision.deliberation.session.referential_version).referential
    code = certification_code(referential)
    granted_on = decision.deliberation.date
    return Declaration.objects.create(
        candidate=decision.candidate,
        decision=decision,
        certification_code=code,
        technical_id=_technical_id(code, decision),
        granted_on=granted_on,
        due_on=months_after(granted_on, DEPOSIT_MONTHS),
    )


def refresh_declarations(actor: Actor = None) -> Refreshed:
    """Bring the holders to declare up to date with the closed juries: each certification a
    closed act granted (confirmed or overridden, never one acquired earlier) is to declare;
    one a later act of its session (an amendment) superseded is withdrawn. Idempotent."""
    outcome = Refreshed()
    now = _now()
    with transaction.atomic():
        for decisions in _granted_certifications().values():
            latest = decisions[-1]
            for earlier in decisions[:-1]:
                declared = getattr(earlier, "declaration", None)
                if declared is not None and declared.withdrawn_at is None:
                    _withdraw(declared, latest, now)
                    outcome.withdrawn += 1
            if latest.status == VALIDATED and getattr(latest, "declaration", None) is None:
                _declare(latest)
                outcome.created += 1
        if outcome.created or outcome.withdrawn:
            audit.record(
                actions.DECLARATIONS_REFRESHED,
                CdcSettings.load(),
                actor=actor,
                after=asdict(outcome),
            )
    return outcome


# -- generating the flux ------------------------------------------------------------------------


@dataclass(frozen=True)
class Excluded:
    declaration: Declaration
    reasons: list[str]


@dataclass
class Generated:
    flux: list[Flux] = field(default_factory=list)
    excluded: list[Excluded] = field(default_factory=list)

    @property
    def passages(self) -> int:
        return sum(flux.passages for flux in self.flux)


def _selected(session: str | None) -> tuple[list[Declaration], list[Declaration]]:
    """(to create, to delete) at the CDC."""
    base = Declaration.objects.select_related(
        "candidate", "decision__deliberation__session"
    ).order_by("certification_code", "technical_id")
    if session:
        base = base.filter(decision__deliberation__session__code=session)
    creations = list(base.filter(status__in=TO_DECLARE, withdrawn_at__isnull=True))
    suppressions = list(
        base.filter(withdrawn_at__isnull=False)
        .filter(
            Q(status=Status.ACCEPTED)
            | Q(status=Status.REJECTED, entries__action=Action.SUPPRESSION)
        )
        .distinct()
    )
    return creations, suppressions


def _header(settings: CdcSettings, code: str, action: Action) -> FluxHeader:
    return FluxHeader(
        timestamp=timezone.localtime(),
        emitter_id=settings.emitter_id,
        certifier_id=settings.certifier_id,
        contract_id=settings.contract_id,
        certification=certification_of(code),
        action=FluxAction(action.value),
    )


def _grouped(built: Iterable[Built]) -> dict[str, list[Built]]:
    groups: dict[str, list[Built]] = defaultdict(list)
    for item in built:
        groups[item.declaration.certification_code].append(item)
    return groups


def _write(
    folder: Path,
    settings: CdcSettings,
    schema: CdcSchema,
    action: Action,
    built: Sequence[Built],
) -> list[tuple[WrittenFlux, list[Declaration]]]:
    """Write the flux of these passages, one certification per file, split at the settings'
    number of passages; each validated against the schema before it is kept."""
    written: list[tuple[WrittenFlux, list[Declaration]]] = []
    for code, items in _grouped(built).items():
        by_id = {item.declaration.technical_id: item.declaration for item in items}
        passages: list[Passage] = [item.passage for item in items if item.passage is not None]
        files = write_flux_files(
            folder,
            _header(settings, code, action),
            passages,
            max_passages=settings.max_passages,
            schema=schema,
            file_name=_namer(code, action),
        )
        written += [(flux, [by_id[tid] for tid in flux.technical_ids]) for flux in files]
    return written


def _namer(code: str, action: Action) -> Callable[[int, uuid.UUID], str]:
    """« cdc-RNCP12345-creation-20261207T101500-001.xml »: by certification, kind, time, part."""
    stamp = f"{timezone.localtime():%Y%m%dT%H%M%S}"
    kind = "suppression" if action == Action.SUPPRESSION else "creation"

    def name(index: int, flux_id: uuid.UUID) -> str:
        return f"cdc-{code}-{kind}-{stamp}-{index:03d}.xml"

    return name


def _record(
    written: WrittenFlux, declarations: list[Declaration], action: Action, actor: Actor
) -> Flux:
    flux = Flux.objects.create(
        id=written.flux_id,
        action=action,
        certification_code=declarations[0].certification_code,
        schema_name=written.schema_name,
        file_name=written.path.name,
        content=written.path.read_bytes(),
        sha256=written.sha256,
        size=written.size,
        passages=written.passages,
        generated_by=account_of(actor),
        generated_at=_now(),
    )
    FluxEntry.objects.bulk_create(
        [FluxEntry(flux=flux, declaration=d, action=action) for d in declarations],
        batch_size=2000,
    )
    Declaration.objects.filter(pk__in=[d.pk for d in declarations]).update(
        status=Status.GENERATED, message=""
    )
    audit.record(
        actions.FLUX_GENERATED,
        flux,
        actor=actor,
        after={
            "action": action.value,
            "certification": flux.certification_code,
            "passages": flux.passages,
            "sha256": flux.sha256,
            "schema": flux.schema_name,
        },
    )
    return flux


def _refused_by_schema(error: CdcError) -> DeclarationRefused:
    if isinstance(error, FluxInvalid):
        shown = " ; ".join(str(issue) for issue in error.issues[:5])
        return DeclarationRefused(
            f"Le flux ne respecte pas le schéma CDC {error.schema_name} : {shown}. Rien n'a été "
            "enregistré."
        )
    if isinstance(error, FluxRefused):
        return DeclarationRefused(f"Flux refusé ({error}). Rien n'a été enregistré.")
    return DeclarationRefused(f"{error}. Rien n'a été enregistré.")


def generate_flux(
    actor: Actor = None, *, session: str | None = None, schema: str | None = None
) -> Generated:
    """The flux of the holders to declare (and the deletions owed), validated, recorded.

    Holders whose identity lacks what the CDC needs, or whose passage cannot be written, are
    left out and listed with their reasons; they stay « à déclarer ». Refused, with nothing
    recorded, when the certifier's CDC identifiers are missing, when nothing can be declared,
    or when a file does not validate against its schema.
    """
    _require(actor)
    refresh_declarations(actor)
    settings = CdcSettings.load()
    missing = settings.missing()
    if missing:
        raise DeclarationRefused(
            "Paramètres de la déclaration incomplets : " + ", ".join(missing) + "."
        )
    try:
        chosen = chosen_schema(schema)
    except CdcError as error:
        raise _refused_by_schema(error) from error
    creations, suppressions = _selected(session)
    if suppressions and not chosen.has_action:
        raise DeclarationRefused(
            f"{len(suppressions)} suppression(s) à déclarer, que le schéma {chosen.name} ne "
            "permet pas d'exprimer (il n'a pas d'élément « action ») : choisissez le schéma 1.1.5."
        )
    outcome = Generated()
    built = {
        Action.CREATION: [passage_of(d, chosen) for d in creations],
        Action.SUPPRESSION: [passage_of(d, chosen) for d in suppressions],
    }
    for items in built.values():
        outcome.excluded += [Excluded(i.declaration, i.problems) for i in items if i.problems]
    ready = {action: [i for i in items if i.passage is not None] for action, items in built.items()}
    if not any(ready.values()):
        raise NothingToDeclare(outcome.excluded)
    with tempfile.TemporaryDirectory(prefix="certif-cdc-") as folder:
        try:
            written = {
                action: _write(Path(folder), settings, chosen, action, items)
                for action, items in ready.items()
                if items
            }
        except CdcError as error:
            raise _refused_by_schema(error) from error
        with transaction.atomic():
            for action, files in written.items():
                outcome.flux += [_record(flux, decl, action, actor) for flux, decl in files]
    return outcome


class NothingToDeclare(DeclarationRefused):
    """No passage can be written; ``excluded`` says why for each holder left out."""

    def __init__(self, excluded: list[Excluded]) -> None:
        self.excluded = excluded
        detail = (
            f" ; {len(excluded)} titulaire(s) écarté(s), faute d'une identité complète ou d'une "
            "valeur déclarable"
            if excluded
            else ""
        )
        super().__init__("Aucun titulaire à déclarer" + detail + ".")


# -- deposit and report ------------------------------------------------------------------------


def mark_deposited(flux: Flux, actor: Actor = None) -> Flux:
    """The gestionnaire deposited the file on the CDC's portal."""
    _require(actor)
    with transaction.atomic():
        flux = Flux.objects.select_for_update().get(pk=flux.pk)
        if flux.deposited_at is not None:
            raise DeclarationRefused(f"Le flux {flux.file_name} est déjà marqué déposé.")
        flux.deposited_at = _now()
        flux.deposited_by = account_of(actor)
        flux.save(update_fields=["deposited_at", "deposited_by"])
        Declaration.objects.filter(entries__flux=flux, status=Status.GENERATED).update(
            status=Status.DEPOSITED
        )
        audit.record(
            actions.FLUX_DEPOSITED,
            flux,
            actor=actor,
            after={"action": flux.action, "passages": flux.passages},
        )
    return flux


@dataclass(frozen=True)
class ReportOutcome:
    flux: Flux
    accepted: int
    rejected: int


def _flux_of(report: ProcessingReport) -> Flux:
    try:
        flux_id = uuid.UUID(report.flux_id)
    except ValueError:
        flux_id = None
    flux = Flux.objects.select_for_update().filter(pk=flux_id).first() if flux_id else None
    if flux is None:
        raise DeclarationRefused(
            f"Le rapport porte sur le flux « {quoted(report.flux_id)} », que Certif n'a pas "
            "généré : rien n'a été enregistré."
        )
    return flux


def _check_known(flux: Flux, report: ProcessingReport) -> dict[str, FluxEntry]:
    entries = {
        entry.declaration.technical_id: entry
        for entry in FluxEntry.objects.filter(flux=flux).select_related("declaration")
    }
    named = [*report.accepted, *(passage.technical_id for passage in report.rejected)]
    unknown = [tid for tid in named if tid not in entries]
    if unknown:
        shown = ", ".join(f"« {quoted(tid)} »" for tid in unknown[:10])
        more = f" et {len(unknown) - 10} autre(s)" if len(unknown) > 10 else ""
        raise DeclarationRefused(
            f"Le rapport nomme des passages absents du flux {flux.file_name} : {shown}{more}. "
            "Rien n'a été enregistré."
        )
    return entries


def _answered(entry: FluxEntry, outcome: Outcome, message: str) -> None:
    entry.outcome = outcome
    entry.message = message
    entry.save(update_fields=["outcome", "message"])
    declaration = entry.declaration
    if outcome == Outcome.ACCEPTED:
        declaration.status = (
            Status.DELETED if entry.action == Action.SUPPRESSION else Status.ACCEPTED
        )
        declaration.message = ""
    else:
        declaration.status = Status.REJECTED
        declaration.message = message
    declaration.save(update_fields=["status", "message"])


def import_report(source: bytes | str | Path, actor: Actor = None) -> ReportOutcome:
    """The CDC's processing report of a flux: each passage it names accepted or rejected
    with its message; a rejected one will go in the next flux. Refused, with nothing written,
    when the report names a flux or a passage Certif did not send."""
    _require(actor)
    try:
        report = parse_report(source)
    except CdcError as error:
        raise DeclarationRefused(f"{error}. Rien n'a été enregistré.") from error
    with transaction.atomic():
        flux = _flux_of(report)
        entries = _check_known(flux, report)
        for technical_id in report.accepted:
            _answered(entries[technical_id], Outcome.ACCEPTED, "")
        for passage in report.rejected:
            _answered(entries[passage.technical_id], Outcome.REJECTED, passage.message)
        if flux.deposited_at is None:
            flux.deposited_at = _now()
            flux.deposited_by = account_of(actor)
        flux.report_id = report.processing_id
        flux.report_imported_at = _now()
        flux.save(update_fields=["deposited_at", "deposited_by", "report_id", "report_imported_at"])
        audit.record(
            actions.REPORT_IMPORTED,
            flux,
            actor=actor,
            after={
                "processing": report.processing_id,
                "accepted": len(report.accepted),
                "rejected": len(report.rejected),
            },
        )
    return ReportOutcome(flux, len(report.accepted), len(report.rejected))


# -- corrections and settings -----------------------------------------------------------------


def record_correction(data: Mapping[str, Any], actor: Actor = None) -> CorrectionRequest:
    """A correction the CDC asked for on a declared passage; due three months after it was
    received."""
    _require(actor)
    values = validated(CorrectionForm, data)
    declaration = Declaration.objects.filter(technical_id=values["technical_id"].strip()).first()
    if declaration is None:
        raise DeclarationRefused(
            f"Aucune déclaration n'a l'identifiant technique « {quoted(values['technical_id'])} »."
        )
    with transaction.atomic():
        request = CorrectionRequest.objects.create(
            declaration=declaration,
            received_on=values["received_on"],
            due_on=months_after(values["received_on"], DEPOSIT_MONTHS),
            subject=values["subject"].strip(),
            recorded_by=account_of(actor),
        )
        audit.record(
            actions.CORRECTION_RECORDED,
            request,
            actor=actor,
            after={"passage": declaration.technical_id, "due_on": request.due_on.isoformat()},
        )
    return request


def answer_correction(
    request: CorrectionRequest, actor: Actor = None, on: date | None = None
) -> CorrectionRequest:
    _require(actor)
    with transaction.atomic():
        request = CorrectionRequest.objects.select_for_update().get(pk=request.pk)
        if request.answered_on is not None:
            raise DeclarationRefused("Cette demande de correction est déjà traitée.")
        request.answered_on = on or timezone.localdate()
        request.save(update_fields=["answered_on"])
        audit.record(
            actions.CORRECTION_ANSWERED,
            request,
            actor=actor,
            after={"answered_on": request.answered_on.isoformat()},
        )
    return request


def update_settings(data: Mapping[str, Any], actor: Actor = None) -> CdcSettings:
    """The certifier's CDC identifiers and the flux options, checked (``CdcSettingsForm``)."""
    _require(actor)
    with transaction.atomic():
        current = CdcSettings.objects.select_for_update().get(pk=CdcSettings.load().pk)
        whole = {**as_form_data({name: getattr(current, name) for name in SETTINGS_FIELDS}), **data}
        values = validated(CdcSettingsForm, whole, instance=CdcSettings.objects.get(pk=current.pk))
        changed = {
            name: values[name] for name in SETTINGS_FIELDS if getattr(current, name) != values[name]
        }
        if not changed:
            return current
        before = {name: getattr(current, name) for name in changed}
        for name, value in changed.items():
            setattr(current, name, value)
        current.save()
        audit.record(actions.SETTINGS_CHANGED, current, actor=actor, before=before, after=changed)
    return current
