"""Candidates' personal data: the purge by retention period, a candidate's export (right of
access) and anonymisation (right to erasure), each checked, atomic and journalled.

What anonymisation keeps: the candidate's row under a new numero, with the year of birth, sex
and access path (statistics), their enrolments, scores, results and the jury's decisions, and
for each issued document its number, kind, title, dates, state and SHA-256 — so that anyone
holding the document still verifies it at /verifier/<number>/, and a copy the person kept still
matches. What it removes: names, birth date and place, NIR, contact details, accommodations,
the sign-in account's identity, the documents' printed contents and PDFs, and the identity in
the journal's entries about them. The jury's minutes (one PDF for a whole session) are the
certifier's legal record and stay as they are (docs/rgpd.md).
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Replace
from django.utils import timezone

from certif.accounts.models import ConflictOfInterest
from certif.candidates.models import IDENTITY_FIELDS, Candidate, masked_nir
from certif.config import Retention
from certif.core import audit
from certif.core.audit import Actor
from certif.core.errors import NotFound, Refused
from certif.core.models import AuditEvent
from certif.core.policies import require
from certif.core.progress import Reporter, Silent
from certif.core.service_writes import save_fields
from certif.core.validation import validated
from certif.declarations.models import Flux
from certif.deliberations.models import Decision, State
from certif.documents.archive import file_name
from certif.documents.models import IssuedDocument
from certif.grading.models import ScoreSheet
from certif.insertion.queries import personal_answers as insertion_answers
from certif.insertion.services import erase_free_text as erase_survey_free_text
from certif.privacy import actions, deposit_files, retention
from certif.privacy.forms import AnonymiseForm
from certif.privacy.models import Anonymisation, Purge
from certif.privacy.policies import MANAGE_REFUSED, may_manage_personal_data
from certif.results.models import CandidateResult
from certif.sessions.models import Enrolment
from certif.submissions.queries import personal_submissions
from certif.submissions.services import erase_candidate_files, erase_candidate_subjects

__all__ = [
    "AnonymisationRefused",
    "PurgeOutcome",
    "anonymise",
    "export_personal_data",
    "find",
    "purge",
]

ERASED = "[anonymisé]"
ANONYMOUS_NAME = "ANONYME"
ANONYMOUS_FIRST_NAME = "Anonyme"
# What anonymisation keeps of an identity for the statistics (sex, access path, registration
# date) or replaces (the names, the birth date reduced to its year, the extra time); every
# other identity field is erased, one added to IDENTITY_FIELDS later included.
_KEPT_OR_REDUCED = frozenset(
    {
        "sex",
        "access_path",
        "registration_date",
        "birth_name",
        "first_name",
        "birth_date",
        "extra_time_percent",
    }
)
README = """Données personnelles détenues par le certificateur
===================================================

donnees.json : tout ce que Certif conserve sur vous — identité, inscriptions, grilles
d'évaluation et notes, résultats, décisions du jury, documents délivrés, déclarations à la
Caisse des Dépôts, entrées du journal vous concernant.
documents/ : les documents officiels qui vous ont été délivrés, tels qu'ils ont été archivés.

Le NIR (numéro de sécurité sociale) figure masqué, sauf si vous l'avez demandé en clair.
Pour faire rectifier ou effacer ces données, adressez-vous au certificateur (voir la politique
de confidentialité).
"""


class AnonymisationRefused(Refused):
    """An anonymisation the current state forbids; the message says why."""


def find(numero: str) -> Candidate:
    candidate = Candidate.objects.filter(numero=numero).first()
    if candidate is None:
        raise NotFound(f"Aucun candidat ne porte le numéro « {numero} ».")
    return candidate


# -- the purge -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PurgeOutcome:
    counts: dict[str, int]
    retention: Retention
    dry_run: bool


def purge(
    *,
    dry_run: bool = False,
    actor: Actor = None,
    now: datetime | None = None,
    reporter: Reporter | None = None,
) -> PurgeOutcome:
    """Delete or anonymise what the retention periods designate (``certif.privacy.retention``);
    with ``dry_run``, only say how many of each kind. One transaction: all of it, or nothing
    (deposited files are removed from the disk once it commits)."""
    require(actor, may_manage_personal_data, message=MANAGE_REFUSED)
    periods: Retention = settings.RETENTION
    moment = now or timezone.now()
    report = reporter or Silent()
    if dry_run:
        return PurgeOutcome(retention.counts(periods, moment), periods, True)
    with transaction.atomic():
        counts = retention.counts(periods, moment)
        # The journal first: the entries this purge writes are not old enough to go.
        retention.journal(periods, moment).delete()
        report.phase("Candidats anonymisés", counts["identity"])
        inactive = list(retention.inactive(periods, moment).values_list("pk", flat=True))
        for candidate in Candidate.objects.filter(pk__in=inactive).select_for_update():
            _anonymise(candidate, actor, "Durée de conservation écoulée (purge).")
            report.advance()
        retention.nirs(periods, moment).update(nir="")
        Flux.objects.filter(pk__in=retention.fluxes(periods, moment).values("pk")).update(
            content=b""
        )
        ScoreSheet.objects.filter(
            pk__in=list(retention.sheets(periods, moment).values_list("pk", flat=True))
        ).delete()
        # After the anonymisations, which erase their candidates' files themselves.
        deposit_files.erase_files(retention.deposits(periods, moment))
        IssuedDocument.objects.filter(
            pk__in=list(retention.documents(periods, moment).values_list("pk", flat=True))
        ).erase_personal_content()
        run = Purge.objects.create(counts=counts, retention=asdict(periods))
        audit.record(actions.PURGED, run, actor=actor, after={"counts": counts})
    return PurgeOutcome(counts, periods, False)


# -- the right of access ---------------------------------------------------------------------


def _text(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def personal_data(candidate: Candidate, *, with_nir: bool) -> dict[str, Any]:
    """Everything held on ``candidate``, as a JSON document."""
    identity = {
        str(getattr(Candidate._meta.get_field(name), "verbose_name", name)): _text(
            (candidate.nir if with_nir else masked_nir(candidate.nir))
            if name == "nir"
            else getattr(candidate, name)
        )
        for name in IDENTITY_FIELDS
    }
    user = candidate.user
    account = (
        {
            "identifiant": user.get_username(),
            "courriel": getattr(user, "email", ""),
            "actif": user.is_active,
            "dernière connexion": _text(user.last_login),
        }
        if user is not None
        else None
    )
    enrolments = [
        {
            "session": enrolment.session.code,
            "bloc": enrolment.block.code,
            "partie": enrolment.part,
            "inscrit le": _text(enrolment.created_at),
        }
        for enrolment in Enrolment.objects.filter(candidate=candidate)
        .select_related("session", "block")
        .order_by("created_at", "pk")
    ]
    sheets = [
        {
            "session": sheet.session.code,
            "bloc": sheet.block.code,
            "partie": sheet.part,
            "correction": sheet.get_marking_display(),
            "état": sheet.get_status_display(),
            "soumise le": _text(sheet.submitted_at),
            "notes": [
                {
                    "critère": score.criterion.code,
                    "valeur": score.display_value,
                    "commentaire": score.comment,
                }
                for score in sheet.scores.select_related("criterion").order_by("criterion__code")
            ],
        }
        for sheet in ScoreSheet.objects.filter(candidate=candidate)
        .select_related("session", "block")
        .order_by("session__code", "block__code", "part", "pk")
    ]
    result = CandidateResult.objects.filter(candidate=candidate).first()
    decisions = [
        {
            "session": decision.deliberation.session.code,
            "délibération": decision.deliberation.number,
            "date": _text(decision.deliberation.date),
            "délibération close": decision.deliberation.status == State.CLOSED,
            "unité": decision.unit,
            "proposition": decision.get_proposed_status_display(),
            "note proposée": decision.proposed_score,
            "décision": decision.get_status_display() if decision.status else "",
            "justification": decision.justification,
            "décidée le": _text(decision.decided_at),
        }
        for decision in Decision.objects.filter(candidate=candidate)
        .select_related("deliberation__session")
        .order_by("deliberation__date", "position", "pk")
    ]
    documents = [
        {
            "numéro": document.number,
            "nature": document.get_kind_display(),
            "intitulé": document.title,
            "délivré le": _text(document.issued_at),
            "état": document.get_status_display(),
            "empreinte SHA-256": document.sha256,
            "fichier": f"documents/{file_name(document)}" if document.pdf else None,
        }
        for document in _documents(candidate)
    ]
    declarations = [
        {
            "identifiant technique": declaration.technical_id,
            "certification": declaration.certification_code,
            "date du jury": _text(declaration.granted_on),
            "état": declaration.get_status_display(),
        }
        for declaration in candidate.declarations.order_by("granted_on", "pk")
    ]
    journal = [
        {
            "date": _text(event.at),
            "action": _action_label(event.action),
            "auteur": event.actor_label,
        }
        for event in AuditEvent.objects.filter(
            object_type=Candidate._meta.label_lower, object_id=str(candidate.pk)
        ).order_by("at", "pk")
    ]
    return {
        "exporté le": _text(timezone.now()),
        "numéro": candidate.numero,
        "identité": identity,
        "compte": account,
        "liens d'intérêt déclarés": [
            {"nature": link.get_kind_display(), "déclaré le": _text(link.created_at)}
            for link in ConflictOfInterest.objects.filter(candidate=candidate)
        ],
        "inscriptions": enrolments,
        "grilles d'évaluation": sheets,
        "résultat calculé": result.summary if result is not None else None,
        "décisions du jury": decisions,
        "documents délivrés": documents,
        "déclarations à la Caisse des Dépôts": declarations,
        "enquêtes d'insertion": insertion_answers(candidate.pk),
        **personal_submissions(candidate.pk),
        "journal": journal,
    }


def _action_label(code: str) -> str:
    known = audit.known(code)
    return str(known.label) if known is not None else code


def _documents(candidate: Candidate) -> list[IssuedDocument]:
    return list(
        IssuedDocument.objects.filter(candidate=candidate)
        .select_related("session", "candidate", "deliberation")
        .order_by("issued_at", "pk")
    )


def export_personal_data(
    candidate: Candidate, out: Path, *, with_nir: bool = False, actor: Actor = None
) -> int:
    """Write ``out``, a zip of everything held on ``candidate`` (``donnees.json``) and their
    documents' PDFs; the NIR masked unless ``with_nir``. Journalled (never the NIR itself).
    Returns the number of PDFs."""
    require(actor, may_manage_personal_data, candidate, message=MANAGE_REFUSED)
    data = personal_data(candidate, with_nir=with_nir)
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    descriptor, partial = tempfile.mkstemp(prefix=".export-", dir=out.parent)
    try:
        with os.fdopen(descriptor, "wb") as stream, zipfile.ZipFile(stream, "w") as archive:
            archive.writestr("LISEZMOI.txt", README)
            archive.writestr(
                "donnees.json",
                json.dumps(data, ensure_ascii=False, indent=2),
                compress_type=zipfile.ZIP_DEFLATED,
            )
            for document in _documents(candidate):
                if document.pdf:
                    archive.writestr(f"documents/{file_name(document)}", bytes(document.pdf))
                    count += 1
        os.replace(partial, out)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    with transaction.atomic():
        audit.record(
            actions.EXPORTED,
            candidate,
            actor=actor,
            after={"with_nir": with_nir, "documents": count},
        )
    return count


# -- the right to erasure --------------------------------------------------------------------


def anonymise(candidate: Candidate, data: Mapping[str, Any], actor: Actor = None) -> Candidate:
    """Remove ``candidate``'s identity for good (``data``: the numero typed again, the reason);
    refused while the CDC still has to settle a declaration of theirs or a jury deliberates on
    them."""
    require(actor, may_manage_personal_data, candidate, message=MANAGE_REFUSED)
    values = validated(AnonymiseForm, data, numero=candidate.numero)
    with transaction.atomic():
        current = Candidate.objects.select_for_update().get(pk=candidate.pk)
        _refuse_anonymising(current)
        return _anonymise(current, actor, values["reason"])


def _refuse_anonymising(candidate: Candidate) -> None:
    if Anonymisation.objects.filter(candidate=candidate).exists():
        raise AnonymisationRefused("Ce candidat est déjà anonymisé.")
    if candidate.declarations.filter(status__in=retention.UNSETTLED).exists():
        raise AnonymisationRefused(
            "Une déclaration de ce candidat à la Caisse des Dépôts n'est pas encore acceptée : "
            "son identité reste nécessaire jusqu'à la réponse de la CDC."
        )
    if Decision.objects.filter(candidate=candidate, deliberation__status=State.OPEN).exists():
        raise AnonymisationRefused(
            "Un jury délibère sur ce candidat : anonymisez-le une fois la délibération close."
        )


def _new_numero(candidate: Candidate) -> str:
    numero = f"ANO{candidate.pk:07d}"
    while Candidate.objects.filter(numero=numero).exclude(pk=candidate.pk).exists():
        numero += "X"
    return numero


def _scrubbed(payload: Any) -> Any:
    if not isinstance(payload, dict):
        return payload
    return {
        key: (ERASED if key in IDENTITY_FIELDS or key == "numero" else value)
        for key, value in payload.items()
    }


def _anonymise(candidate: Candidate, actor: Actor, reason: str) -> Candidate:
    """Within the caller's transaction, with ``candidate`` locked."""
    # How the journal's labels name them: « C001 DUPONT Marie », « DUPONT Marie », and a
    # sheet's « C001 — 2026-06 — B1 ».
    old_labels = sorted(
        {str(candidate), candidate.display_name, f"{candidate.numero} — "}, key=len, reverse=True
    )
    candidate.numero = _new_numero(candidate)
    candidate.birth_name = ANONYMOUS_NAME
    candidate.first_name = ANONYMOUS_FIRST_NAME
    for name in IDENTITY_FIELDS:
        if name not in _KEPT_OR_REDUCED:
            setattr(candidate, name, "")
    # The year of birth stays for the statistics by age; the day and month go.
    candidate.birth_date = date(candidate.birth_date.year, 1, 1)
    candidate.extra_time_percent = 0
    account = candidate.user_id
    candidate.user = None
    candidate.save()
    if account is not None:
        get_user_model().objects.filter(pk=account).update(
            username=f"anonyme-{candidate.pk}",
            first_name="",
            last_name="",
            email="",
            is_active=False,
            password=make_password(None),
        )
    ConflictOfInterest.objects.filter(candidate=candidate).update(note="")
    IssuedDocument.objects.filter(candidate=candidate).erase_personal_content()
    # The coded survey answers stay for the insertion rates; what the holder typed goes.
    erase_survey_free_text(candidate.pk)
    # A deposited mémoire names its author on every page: the files go, their records stay.
    erase_candidate_files(candidate.pk)
    # Her subjects' texts may name her, her employer or her clients: they go, their rows stay.
    erase_candidate_subjects(candidate.pk, ERASED)
    label = str(candidate)
    own = AuditEvent.objects.filter(
        object_type=Candidate._meta.label_lower, object_id=str(candidate.pk)
    )
    for event in own:
        save_fields(
            event, before=_scrubbed(event.before), after=_scrubbed(event.after), object_label=label
        )
    replacements = {
        old: (f"{candidate.numero} — " if old.endswith(" — ") else label) for old in old_labels
    }
    for old, new in replacements.items():
        AuditEvent.objects.filter(object_label__contains=old).update(
            object_label=Replace("object_label", Value(old), Value(new))
        )
    record = Anonymisation.objects.create(candidate=candidate, reason=reason)
    audit.record(actions.ANONYMISED, record, actor=actor, label=label, reason=reason)
    return candidate
