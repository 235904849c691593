"""Partners and habilitations: every write, atomic and journalled, whatever the door (page,
command, import, API, admin). The rules are the domain's (``certif.domain.partners``): each
change is applied to the domain's habilitation first, which refuses it in French, then recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext

from certif.core import audit
from certif.core.audit import Actor, account_of
from certif.core.concurrency import check
from certif.core.errors import Invalid, Refused
from certif.core.models import AuditEvent
from certif.core.policies import require
from certif.core.service_writes import save_fields
from certif.core.validation import as_form_data, validated
from certif.deposits.errors import DepositError
from certif.deposits.pdf import inspect_pdf
from certif.deposits.storage import StoredStream, receive, stream_stored
from certif.domain.partners.habilitations import Action, HabilitationRefused
from certif.partners import actions
from certif.partners.forms import (
    PARTNER_FIELDS,
    AmendmentForm,
    AuditActionForm,
    AuditForm,
    DiscardForm,
    HabilitationChangeForm,
    HabilitationForm,
    PartnerEditForm,
    PartnerForm,
    TransmissionForm,
)
from certif.partners.models import (
    AuditAction,
    DeclarationExport,
    Habilitation,
    HabilitationChange,
    Partner,
    PartnerAudit,
    PartnerMember,
)
from certif.partners.policies import (
    MANAGE_REFUSED,
    READ_REFUSED,
    may_discard_habilitation,
    may_export_results,
    may_manage_partners,
)

# A signed act is a few pages; a scan of many pages stays well under this.
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
REFERENCE_PREFIX = "HAB-"


class PartnerError(Refused):
    """A write refused; the message says why, in French."""


def documents_folder() -> Path:
    return Path(settings.DATA_DIR) / "habilitations"


def author_name(actor: Actor) -> str:
    account = account_of(actor)
    return account.get_username() if account is not None else "système"


def _jsonable(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


# -- partners ----------------------------------------------------------------------------------


def known_blocks(certification: str) -> list[str] | None:
    """The block codes of the référentiel named ``certification``, or None when none is loaded
    (then blocks are not checked against it)."""
    from certif.referential.services import current_version

    version = current_version(certification)
    if version is None:
        return None
    return [block.code for block in version.referential.blocks]


def create_partner(data: Mapping[str, Any], actor: Actor = None) -> Partner:
    require(actor, may_manage_partners, message=MANAGE_REFUSED)
    with transaction.atomic():
        values = validated(PartnerForm, data)
        if Partner.objects.filter(siret=values["siret"]).exists():
            raise Invalid.on("siret", "un organisme a déjà ce SIRET", values["siret"])
        fields = {name: values[name] for name in ["siret", *PARTNER_FIELDS]}
        partner = Partner.objects.create(**fields)
        audit.record(actions.PARTNER_CREATED, partner, actor=actor, after=_jsonable(fields))
    return partner


def update_partner(partner: Partner, data: Mapping[str, Any], actor: Actor = None) -> Partner:
    """Change what ``data`` gives of a partner's identity (the SIRET stays); a page states the
    revision it read, and a stale one is refused rather than overwriting another's edit."""
    require(actor, may_manage_partners, message=MANAGE_REFUSED)
    if "siret" in data and data["siret"] != partner.siret:
        raise Invalid.on(
            "siret", "le SIRET ne change pas : créez un autre organisme", data["siret"]
        )
    with transaction.atomic():
        current = Partner.objects.select_for_update().get(pk=partner.pk)
        stated = data.get("revision") or None
        check(stated, current.revision, "l'organisme a été modifié entre-temps : rechargez la page")
        whole = {
            **as_form_data({name: getattr(current, name) for name in PARTNER_FIELDS}),
            **{k: v for k, v in data.items() if k in PARTNER_FIELDS},
        }
        values = validated(PartnerEditForm, whole)
        changed = {n: values[n] for n in PARTNER_FIELDS if getattr(current, n) != values[n]}
        if not changed:
            return current
        before = _jsonable({n: getattr(current, n) for n in changed})
        for name, value in changed.items():
            setattr(current, name, value)
        current.revision += 1
        current.save(update_fields=[*changed, "revision", "updated_at"])
        audit.record(
            actions.PARTNER_UPDATED, current, actor=actor, before=before, after=_jsonable(changed)
        )
    return current


# -- habilitations -----------------------------------------------------------------------------


def _next_reference() -> str:
    """The number after the highest ever given, a discarded draft's included (its act may have
    been printed, and the journal names it by its reference, ``str(habilitation)``)."""
    discarded = AuditEvent.objects.filter(action=actions.HABILITATION_DISCARDED.code)
    used = [
        *Habilitation.objects.filter(reference__startswith=REFERENCE_PREFIX).values_list(
            "reference", flat=True
        ),
        *discarded.values_list("object_label", flat=True),
    ]
    numbers = [
        int(number)
        for ref in used
        if ref.startswith(REFERENCE_PREFIX) and (number := ref[len(REFERENCE_PREFIX) :]).isdigit()
    ]
    return f"{REFERENCE_PREFIX}{max(numbers, default=0) + 1:04d}"


def create_habilitation(
    partner: Partner, data: Mapping[str, Any], actor: Actor = None
) -> Habilitation:
    """A habilitation written as a draft (it holds nothing until activated)."""
    require(actor, may_manage_partners, message=MANAGE_REFUSED)
    with transaction.atomic():
        Partner.objects.select_for_update().get(pk=partner.pk)
        values = validated(HabilitationForm, data, known_blocks=known_blocks)
        terms = values["terms"]
        habilitation = Habilitation.objects.create(
            reference=_next_reference(),
            partner=partner,
            certification=terms.scope.certification,
            nature=terms.nature.value,
            blocks=" ".join(terms.scope.sorted_blocks),
            starts_on=terms.starts_on,
            ends_on=terms.ends_on,
            obligations=values["obligations"],
            created_by=account_of(actor),
        )
        audit.record(
            actions.HABILITATION_CREATED,
            habilitation,
            actor=actor,
            after=_jsonable(
                {
                    "partner": partner.siret,
                    "certification": habilitation.certification,
                    "nature": habilitation.nature,
                    "blocks": habilitation.blocks,
                    "starts_on": habilitation.starts_on,
                    "ends_on": habilitation.ends_on,
                }
            ),
        )
    return habilitation


def discard_blockers(habilitation: Habilitation) -> list[str]:
    """Why a habilitation cannot be discarded, in French (empty: it may be). Only a draft may:
    never activated nor amended (any change is a fact France compétences may have to know; a
    draft has none, so no export ever listed it) and without a signed act deposited."""
    blockers = []
    if habilitation.changes.exists():
        blockers.append(
            gettext("elle a déjà été activée : elle se suspend, s'abroge ou se résilie")
        )
    if habilitation.document_sha256:
        blockers.append(gettext("son acte signé a été déposé"))
    return blockers


def discard_habilitation(
    habilitation: Habilitation, data: Mapping[str, Any], actor: Actor = None
) -> None:
    """Remove a draft written by mistake, with the reason; the journal keeps its terms and who
    discarded it, and its reference is never given again. Anything but a draft is refused."""
    require(actor, may_discard_habilitation, habilitation, message=MANAGE_REFUSED)
    reason = validated(DiscardForm, data)["motif"]
    with transaction.atomic():
        current = _locked_habilitation(habilitation)
        blockers = discard_blockers(current)
        if blockers:
            raise PartnerError(
                gettext("L'habilitation %(ref)s n'est pas un brouillon : %(reasons)s.")
                % {"ref": current.reference, "reasons": " ; ".join(blockers)}
            )
        audit.record(
            actions.HABILITATION_DISCARDED,
            current,
            actor=actor,
            before=_jsonable(
                {
                    "partner": current.partner.siret,
                    "certification": current.certification,
                    "nature": current.nature,
                    "blocks": current.blocks,
                    "starts_on": current.starts_on,
                    "ends_on": current.ends_on,
                    "obligations": current.obligations,
                }
            ),
            reason=reason,
        )
        current.delete()


def _others(habilitation: Habilitation) -> list[Any]:
    siblings = (
        Habilitation.objects.filter(partner_id=habilitation.partner_id)
        .exclude(pk=habilitation.pk)
        .select_related("partner")
        .prefetch_related("changes")
    )
    return [other.to_domain() for other in siblings]


def _locked_habilitation(habilitation: Habilitation) -> Habilitation:
    """The habilitation re-read under its partner's lock: the partner's row serialises the
    changes of its habilitations, so that two activations at once cannot both pass the
    overlap check."""
    Partner.objects.select_for_update().get(pk=habilitation.partner_id)
    return (
        Habilitation.objects.select_related("partner")
        .prefetch_related("changes")
        .get(pk=habilitation.pk)
    )


def change_habilitation(
    habilitation: Habilitation,
    data: Mapping[str, Any],
    actor: Actor = None,
    *,
    today: date | None = None,
) -> HabilitationChange:
    """Activate, suspend, reactivate, repeal or terminate a habilitation from a date, with its
    reason: refused as the domain refuses it (a change the life cycle has not, an overlap with
    another live habilitation of the partner…)."""
    require(actor, may_manage_partners, message=MANAGE_REFUSED)
    values = validated(HabilitationChangeForm, data)
    action = Action(values["action"])
    with transaction.atomic():
        current = _locked_habilitation(habilitation)
        recorded_on = today or date.today()
        try:
            current.to_domain().apply(
                action,
                values["effective_on"],
                author_name(actor),
                values["reason"],
                others=_others(current),
                recorded_on=recorded_on,
            )
        except HabilitationRefused as refused:
            raise PartnerError(str(refused)) from None
        change = HabilitationChange.objects.create(
            habilitation=current,
            action=action.value,
            effective_on=values["effective_on"],
            recorded_on=recorded_on,
            reason=values["reason"],
            author=account_of(actor),
            author_name=author_name(actor),
        )
        audit.record(
            actions.HABILITATION_CHANGED,
            current,
            actor=actor,
            after=_jsonable({"action": action.value, "effective_on": values["effective_on"]}),
            reason=values["reason"],
        )
    return change


def amend_habilitation(
    habilitation: Habilitation, data: Mapping[str, Any], actor: Actor = None
) -> Habilitation:
    """New terms (nature, blocks, dates) from an effective date on: an avenant, checked by the
    domain (no change of certification, no end before its effective date, no overlap) and
    recorded as a change to declare. A draft is rewritten in place."""
    require(actor, may_manage_partners, message=MANAGE_REFUSED)
    values = validated(AmendmentForm, data, known_blocks=known_blocks)
    terms = values["terms"]
    with transaction.atomic():
        current = _locked_habilitation(habilitation)
        domain = current.to_domain()
        try:
            amended = domain.amend(
                terms, values["effective_on"], author_name(actor), values["reason"],
                others=_others(current), recorded_on=date.today(),
            )  # fmt: skip
        except HabilitationRefused as refused:
            raise PartnerError(str(refused)) from None
        blocks = " ".join(terms.scope.sorted_blocks)
        if not amended.amendments:
            # Still a draft: its terms are rewritten.
            save_fields(
                current,
                nature=terms.nature.value,
                blocks=blocks,
                starts_on=terms.starts_on,
                ends_on=terms.ends_on,
            )
        else:
            HabilitationChange.objects.create(
                habilitation=current, effective_on=values["effective_on"],
                recorded_on=date.today(), reason=values["reason"], author=account_of(actor),
                author_name=author_name(actor), nature=terms.nature.value, blocks=blocks,
                starts_on=terms.starts_on, ends_on=terms.ends_on,
            )  # fmt: skip
        audit.record(
            actions.HABILITATION_AMENDED,
            current,
            actor=actor,
            after=_jsonable({"nature": terms.nature.value, "blocks": blocks,
                             "starts_on": terms.starts_on, "ends_on": terms.ends_on,
                             "effective_on": values["effective_on"]}),
            reason=values["reason"],
        )  # fmt: skip
    return current


def attach_document(
    habilitation: Habilitation, chunks: Iterable[bytes], name: str, actor: Actor = None
) -> Habilitation:
    """Keep the signed act (a PDF, checked as deposits are: no script, no attachment, not
    encrypted) under its SHA-256, which the habilitation records."""
    require(actor, may_manage_partners, message=MANAGE_REFUSED)
    try:
        with receive(
            chunks, documents_folder(), max_bytes=DOCUMENT_MAX_BYTES, shown_name=name
        ) as incoming:
            inspect_pdf(incoming.path, name)
            stored = incoming.commit()
    except DepositError as refused:
        raise Invalid.on("document", str(refused)) from None
    with transaction.atomic():
        current = Habilitation.objects.select_for_update().get(pk=habilitation.pk)
        save_fields(
            current,
            document_name=name[:200],
            document_sha256=stored.sha256,
            document_size=stored.size,
        )
        audit.record(
            actions.HABILITATION_DOCUMENT,
            current,
            actor=actor,
            after={"name": current.document_name, "sha256": stored.sha256, "size": stored.size},
        )
    return current


def open_document(habilitation: Habilitation) -> StoredStream:
    return stream_stored(documents_folder(), habilitation.document_sha256)


# -- the list for France compétences ----------------------------------------------------------


def record_export(
    listed_on: date, rows: int, file_format: str, sha256: str, actor: Actor = None
) -> DeclarationExport:
    require(actor, may_manage_partners, message=MANAGE_REFUSED)
    with transaction.atomic():
        export = DeclarationExport.objects.create(
            listed_on=listed_on,
            rows=rows,
            file_format=file_format,
            sha256=sha256,
            created_by=account_of(actor),
        )
        audit.record(
            actions.DECLARATION_EXPORTED,
            export,
            actor=actor,
            after={"listed_on": listed_on.isoformat(), "rows": rows, "format": file_format},
        )
    return export


def mark_transmitted(
    export: DeclarationExport, data: Mapping[str, Any], actor: Actor = None
) -> DeclarationExport:
    """Mark an export sent to France compétences on a day: it declares the changes it could
    show, which closes their two-month deadlines."""
    require(actor, may_manage_partners, message=MANAGE_REFUSED)
    values = validated(TransmissionForm, data)
    with transaction.atomic():
        current = DeclarationExport.objects.select_for_update().get(pk=export.pk)
        if current.transmitted_on is not None:
            raise PartnerError("cet export est déjà marqué « transmise »")
        if values["transmitted_on"] < current.listed_on:
            raise Invalid.on(
                "transmitted_on",
                "un export ne peut être transmis avant le jour de la liste qu'il contient",
            )
        transmitted_on: date = values["transmitted_on"]
        save_fields(current, transmitted_on=transmitted_on, transmitted_by=account_of(actor))
        audit.record(
            actions.DECLARATION_TRANSMITTED,
            current,
            actor=actor,
            after={"transmitted_on": transmitted_on.isoformat()},
        )
    return current


def record_results_export(
    partner: Partner, rows: int, file_format: str, sha256: str, actor: Actor = None
) -> None:
    """Journal a download of the partner's published results from the portal (what was taken
    away, by whom), refused to anyone but that partner's staff."""
    require(actor, may_export_results, partner, message=READ_REFUSED)
    with transaction.atomic():
        audit.record(
            actions.RESULTS_EXPORTED,
            partner,
            actor=actor,
            after={"rows": rows, "format": file_format, "sha256": sha256},
        )


# -- partner accounts ------------------------------------------------------------------------


def bind_member(user: Any, partner: Partner, actor: Actor = None) -> PartnerMember:
    """Bind an account to the partner it works for (its candidates, its delegated sessions)."""
    require(actor, may_manage_partners, message=MANAGE_REFUSED)
    with transaction.atomic():
        member, _created = PartnerMember.objects.update_or_create(
            user=user, defaults={"partner": partner}
        )
        audit.record(
            actions.MEMBER_BOUND, partner, actor=actor, after={"user": user.get_username()}
        )
    return member


# -- controls ------------------------------------------------------------------------------


def record_audit(partner: Partner, data: Mapping[str, Any], actor: Actor = None) -> PartnerAudit:
    require(actor, may_manage_partners, message=MANAGE_REFUSED)
    values = validated(AuditForm, data)
    with transaction.atomic():
        control = PartnerAudit.objects.create(partner=partner, **values)
        audit.record(
            actions.AUDIT_RECORDED,
            partner,
            actor=actor,
            after=_jsonable({"status": control.status, "planned_on": control.planned_on,
                             "auditor": control.auditor}),
        )  # fmt: skip
    return control


def add_audit_action(
    control: PartnerAudit, data: Mapping[str, Any], actor: Actor = None
) -> AuditAction:
    require(actor, may_manage_partners, message=MANAGE_REFUSED)
    values = validated(AuditActionForm, data)
    with transaction.atomic():
        required = AuditAction.objects.create(audit=control, **values)
        audit.record(
            actions.AUDIT_ACTION_RECORDED,
            control.partner,
            actor=actor,
            after=_jsonable({"description": required.description, "due_on": required.due_on}),
        )
    return required
