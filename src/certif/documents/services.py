"""Issuing official documents, revoking and reissuing them, and archiving the minutes.

Every service runs in a transaction and records an audit event. Issuing is idempotent: a
subject (this candidate's parchemin, this deliberation's minutes…) has at most one valid
document, and asking again returns it. A new document for the same subject is an explicit
reissue, which supersedes the earlier one and says so on the new one.

A batch renders with one compiler per template (per worker thread), fed each document's
data in turn, and writes in chunks.
"""

from __future__ import annotations

import hashlib
import multiprocessing
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.formats import date_format
from django.utils.translation import gettext

from certif.candidates.models import Candidate
from certif.casebank.queries import convocation_cases
from certif.core import audit
from certif.core.audit import MIN_REASON, Actor, account_of
from certif.core.errors import Forbidden
from certif.core.policies import require
from certif.core.service_writes import save_fields
from certif.core.validation import bound
from certif.deliberations.models import CERTIFICATION, Deliberation, State
from certif.deliberations.proposals import granting_text
from certif.documents import actions, content, policies
from certif.documents.content import (
    DocumentRefused,
    JuryOutcome,
    MentionsMissing,
    SessionContext,
    Stamp,
)
from certif.documents.forms import SETTINGS_TEXTS, CertifierSettingsForm, SettingsValues
from certif.documents.models import (
    CertifierSettings,
    DocumentArchived,
    IssuedDocument,
    Kind,
    Status,
    new_public_id,
)
from certif.documents.rendering import render_pdf, renderer
from certif.results.models import CandidateResult
from certif.results.services import recompute
from certif.sessions.models import Enrolment, ExamSession, Sitting

__all__ = [
    "BatchOutcome",
    "DocumentArchived",
    "DocumentRefused",
    "MentionsMissing",
    "SettingsValues",
    "Subject",
    "archive_minutes",
    "generate",
    "issue",
    "minutes_document",
    "reissue",
    "revoke",
    "save_certifier_settings",
    "subjects",
    "update_certifier_settings",
]


class SettingsForbidden(Forbidden):
    """Only a gestionnaire changes what the documents print in the certifier's name."""


# Documents written per transaction in a batch: large enough to amortise the commit, small
# enough that the database's write lock is held briefly and an interrupted batch keeps most
# of its work.
CHUNK = 100
# Rendering runs in this many threads or processes (Typst releases the GIL while it compiles),
# while the main thread prepares the next documents' data and writes the rendered ones.
WORKERS = 2
# From this many documents to render, a batch renders in processes rather than threads
# (starting them costs about a second).
PROCESSES_FROM = 200
# Documents prepared ahead of the one being written: enough to keep the threads busy while
# a chunk is written.
LOOKAHEAD = 64

Progress = Callable[[int], None]


# -- subjects ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """What a document is about; its ``key`` identifies it across batches and sessions."""

    kind: Kind
    session: ExamSession
    candidate: Candidate | None = None
    deliberation: Deliberation | None = None
    block_code: str = ""

    @property
    def key(self) -> str:
        if self.kind == Kind.PV:
            assert self.deliberation is not None
            return f"pv:{self.deliberation.pk}"
        candidate = self.candidate.pk if self.candidate is not None else ""
        code = self.session.referential_version.code
        if self.kind == Kind.PARCHEMIN:
            return f"parchemin:{code}:{candidate}"
        if self.kind == Kind.ATTESTATION:
            return f"attestation:{code}:{candidate}:{self.block_code}"
        return f"{self.kind}:{self.session.pk}:{candidate}"


@dataclass
class Producer:
    """Builds the data of a session's documents, reading once what they share."""

    context: SessionContext
    _outcomes: dict[int, JuryOutcome] | None = None
    _enrolments: dict[int, list[Enrolment]] | None = None
    _sittings: dict[tuple[str, str, str], Sitting] | None = None

    @classmethod
    def for_session(cls, session: ExamSession) -> Producer:
        return cls(SessionContext.load(session))

    @property
    def session(self) -> ExamSession:
        return self.context.session

    def outcomes(self) -> dict[int, JuryOutcome]:
        if self._outcomes is None:
            self._outcomes = content.jury_outcomes(self.session)
        return self._outcomes

    def enrolments(self) -> dict[int, list[Enrolment]]:
        if self._enrolments is None:
            grouped: dict[int, list[Enrolment]] = {}
            rows = (
                Enrolment.objects.filter(session=self.session)
                .select_related("block")
                .order_by("candidate_id", "block__position", "part")
            )
            for enrolment in rows:
                grouped.setdefault(enrolment.candidate_id, []).append(enrolment)
            self._enrolments = grouped
        return self._enrolments

    def sittings(self) -> dict[tuple[str, str, str], Sitting]:
        if self._sittings is None:
            self._sittings = {
                (sitting.block.code, sitting.part, sitting.modality): sitting
                for sitting in Sitting.objects.filter(session=self.session).select_related("block")
            }
        return self._sittings

    def data(self, subject: Subject, stamp: Stamp) -> dict[str, Any]:
        candidate = subject.candidate
        if subject.kind == Kind.PV:
            assert subject.deliberation is not None
            return content.pv_data(subject.deliberation, stamp)
        assert candidate is not None
        if subject.kind == Kind.CONVOCATION:
            data = content.convocation_data(
                self.context,
                candidate,
                self.enrolments().get(candidate.pk, []),
                self.sittings(),
                stamp,
            )
            # The bank of cases' block: each drawn case by its reference, never its content.
            data["cases"] = convocation_cases(self.session, candidate.pk)
            return data
        if subject.kind == Kind.RELEVE:
            return self._releve(candidate, stamp)
        outcome = self.outcomes().get(candidate.pk)
        if outcome is None:
            raise DocumentRefused(
                f"Aucune délibération close de la session {self.session.code} ne concerne le "
                f"candidat {candidate.numero}."
            )
        if subject.kind == Kind.PARCHEMIN:
            if not outcome.certified:
                raise DocumentRefused(
                    f"Le jury n'a pas délivré la certification au candidat {candidate.numero}."
                )
            return content.parchemin_data(self.context, candidate, outcome, stamp)
        if not outcome.validated(subject.block_code):
            acquired = outcome.decisions.get(subject.block_code)
            if acquired is not None and acquired.acquired_from is not None:
                raise DocumentRefused(
                    f"Le bloc {subject.block_code} du candidat {candidate.numero} est acquis : "
                    f"{granting_text(acquired.acquired_from)} ; son attestation relève de cette "
                    "session-là."
                )
            raise DocumentRefused(
                f"Le jury de la session {self.session.code} n'a pas validé le bloc "
                f"{subject.block_code} du candidat {candidate.numero}."
            )
        return content.attestation_data(self.context, candidate, outcome, subject.block_code, stamp)

    def _releve(self, candidate: Candidate, stamp: Stamp) -> dict[str, Any]:
        stored = CandidateResult.objects.filter(candidate=candidate).first()
        if stored is None:
            recompute([candidate.pk])
            stored = CandidateResult.objects.get(candidate=candidate)
        outcome = self.outcomes().get(candidate.pk)
        return content.releve_data(
            self.context,
            candidate,
            stored.decision,
            stored.referential_version,
            outcome,
            stamp,
        )

    def deliberation_of(self, subject: Subject) -> Deliberation | None:
        """The deliberation whose decisions the document carries (the minutes': their own)."""
        if subject.deliberation is not None:
            return subject.deliberation
        if subject.kind not in (Kind.PARCHEMIN, Kind.ATTESTATION, Kind.RELEVE):
            return None
        assert subject.candidate is not None
        outcome = self.outcomes().get(subject.candidate.pk)
        return outcome.deliberation if outcome is not None else None

    def describe(self, subject: Subject) -> tuple[str, str]:
        """The title and holder's name that the registry and the verification page show."""
        session = self.session
        title = self.context.referential.title
        holder = subject.candidate.display_name if subject.candidate is not None else ""
        if subject.kind == Kind.PARCHEMIN:
            return f"Certificat de la certification professionnelle « {title} »", holder
        if subject.kind == Kind.ATTESTATION:
            spec = self.context.referential.block(subject.block_code)
            return f"Attestation de validation du bloc {spec.code} « {spec.title} »", holder
        if subject.kind == Kind.RELEVE:
            return f"Relevé de notes — session {session.code}", holder
        if subject.kind == Kind.CONVOCATION:
            return f"Convocation aux épreuves — session {session.code}", holder
        assert subject.deliberation is not None
        return (
            f"Procès-verbal de la délibération n° {subject.deliberation.number} — "
            f"session {session.code}",
            "",
        )


def _session(session: ExamSession) -> ExamSession:
    return ExamSession.objects.select_related("referential_version").get(pk=session.pk)


def _candidates(ids: Sequence[int]) -> dict[int, Candidate]:
    return Candidate.objects.in_bulk(list(ids))


def subjects(
    session: ExamSession, kind: Kind | str, producer: Producer | None = None
) -> list[Subject]:
    """Everything of ``kind`` the session calls for: parchemins for the candidates the jury
    certified, attestations for each competency block it validated, a relevé for every
    candidate of the session, the minutes of each closed deliberation, a convocation for each
    enrolled candidate."""
    kind = Kind(kind)
    session = _session(session)
    producer = producer or Producer.for_session(session)
    if kind == Kind.PV:
        closed = Deliberation.objects.filter(session=session, status=State.CLOSED)
        return [
            Subject(kind, session, deliberation=deliberation)
            for deliberation in closed.select_related("session").order_by("number")
        ]
    if kind == Kind.CONVOCATION:
        ids = sorted(producer.enrolments())
        people = _candidates(ids)
        return [Subject(kind, session, people[pk]) for pk in ids]
    if kind == Kind.RELEVE:
        # Imported here: the deliberations' services import this module when they close.
        from certif.deliberations.services import session_candidate_ids

        ids = session_candidate_ids(session)
        people = _candidates(ids)
        return [Subject(kind, session, people[pk]) for pk in ids]
    outcomes = producer.outcomes()
    people = _candidates(sorted(outcomes))
    found: list[Subject] = []
    competency_blocks = {
        spec.code for spec in producer.context.referential.blocks if spec.kind == "block"
    }
    for pk in sorted(outcomes):
        outcome = outcomes[pk]
        if kind == Kind.PARCHEMIN and outcome.certified:
            found.append(Subject(kind, session, people[pk]))
        elif kind == Kind.ATTESTATION:
            found += [
                Subject(kind, session, people[pk], block_code=code)
                for code in outcome.validated_blocks()
                if code in competency_blocks and code != CERTIFICATION
            ]
    return found


# -- issuing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    subject: Subject
    stamp: Stamp
    data: dict[str, Any]
    title: str
    holder: str
    deliberation: Deliberation | None


def _prepare(
    subject: Subject, producer: Producer, replaces: IssuedDocument | None = None
) -> Prepared:
    stamp = Stamp(new_public_id(), timezone.now(), replaces.public_id if replaces else "")
    title, holder = producer.describe(subject)
    data = producer.data(subject, stamp)
    return Prepared(subject, stamp, data, title, holder, producer.deliberation_of(subject))


def _render(prepared: Prepared) -> bytes:
    return renderer(prepared.subject.kind).pdf(prepared.data, prepared.stamp.issued_at)


def _submit(pool: Executor, prepared: Prepared) -> Future[bytes]:
    return pool.submit(
        render_pdf, prepared.subject.kind.value, prepared.data, prepared.stamp.issued_at
    )


def _rendering_pool(pending: int, workers: int) -> Executor:
    """Threads for a few documents; for a large batch, processes, which draw QR codes and
    render without waiting for this one's interpreter lock while it reads and writes (twice
    the documents per second on two cores). Spawned, not forked: they need no Django, nor this
    process's database connections."""
    if pending < PROCESSES_FROM:
        return ThreadPoolExecutor(max_workers=workers)
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


def _store(
    prepared: Prepared, pdf: bytes, actor: Actor, replaces: IssuedDocument | None = None
) -> IssuedDocument:
    subject = prepared.subject
    document = IssuedDocument.objects.create(
        public_id=prepared.stamp.public_id,
        kind=subject.kind,
        subject=subject.key,
        candidate=subject.candidate,
        session=subject.session,
        deliberation=prepared.deliberation,
        block_code=subject.block_code,
        title=prepared.title[:500],
        holder_name=prepared.holder[:255],
        issued_at=prepared.stamp.issued_at,
        issued_by=account_of(actor),
        sha256=hashlib.sha256(pdf).hexdigest(),
        pdf=pdf,
        data=prepared.data,
        replaces=replaces,
    )
    audit.record(
        actions.ISSUED,
        document,
        actor=actor,
        after={
            "kind": document.kind,
            "number": document.public_id,
            "sha256": document.sha256,
            "session": subject.session.code,
            "candidate": subject.candidate.numero if subject.candidate is not None else None,
            "block": subject.block_code or None,
            "replaces": replaces.public_id if replaces is not None else None,
        },
        label=_label(document),
    )
    return document


def _label(document: IssuedDocument) -> str:
    who = f" — {document.holder_name}" if document.holder_name else ""
    return f"{document.get_kind_display()} {document.public_id}{who}"


def _refuse_if_revoked(key: str) -> None:
    revoked = (
        IssuedDocument.objects.filter(subject=key, status=Status.REVOKED, superseded_by=None)
        .order_by("-issued_at")
        .first()
    )
    if revoked is not None:
        raise DocumentRefused(
            f"Le document n° {revoked.number} a été révoqué : un nouveau document ne peut être "
            "délivré que par sa réédition, motivée."
        )


def _valid(key: str) -> IssuedDocument | None:
    return IssuedDocument.objects.filter(subject=key, status=Status.VALID).first()


def issue(subject: Subject, actor: Actor, producer: Producer | None = None) -> IssuedDocument:
    """The subject's valid document: the one already issued, or a new one."""
    if subject.kind == Kind.PV:
        assert subject.deliberation is not None
        return archive_minutes(subject.deliberation, actor)
    with transaction.atomic():
        existing = _valid(subject.key)
        if existing is not None:
            return existing
        _refuse_if_revoked(subject.key)
        producer = producer or Producer.for_session(subject.session)
        prepared = _prepare(subject, producer)
        pdf = _render(prepared)
        try:
            with transaction.atomic():
                return _store(prepared, pdf, actor)
        except IntegrityError:
            # Issued meanwhile by someone else: theirs is the one.
            found = _valid(subject.key)
            if found is None:
                raise
            return found


@dataclass
class BatchOutcome:
    issued: list[IssuedDocument] = field(default_factory=list)
    existing: list[IssuedDocument] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    @property
    def documents(self) -> list[IssuedDocument]:
        return [*self.existing, *self.issued]


def existing_documents(keys: Sequence[str]) -> tuple[dict[str, IssuedDocument], set[str]]:
    """The valid document of each subject that has one, and the subjects whose last document
    was revoked without a reissue."""
    valid: dict[str, IssuedDocument] = {}
    revoked: set[str] = set()
    for start in range(0, len(keys), 900):
        chunk = keys[start : start + 900]
        rows = IssuedDocument.objects.filter(subject__in=chunk).defer("pdf", "data")
        for document in rows.filter(status=Status.VALID):
            valid[document.subject] = document
        revoked |= set(
            rows.filter(status=Status.REVOKED, superseded_by=None).values_list("subject", flat=True)
        )
    return valid, revoked - set(valid)


def generate(
    session: ExamSession,
    kind: Kind | str,
    actor: Actor,
    progress: Progress | None = None,
    workers: int = WORKERS,
    *,
    acknowledged: bool = False,
) -> BatchOutcome:
    """Every document of ``kind`` the session calls for; those already issued are returned as
    they are. A document that cannot be issued (a missing mention) is reported, not fatal; a
    mention missing for the whole session refuses the batch at once; what a person should know
    first (``generation_warnings``) refuses it until ``acknowledged``."""
    session = _session(session)
    check_generation(session, kind, acknowledged=acknowledged)
    producer = Producer.for_session(session)
    wanted = subjects(session, kind, producer)
    valid, revoked = existing_documents([subject.key for subject in wanted])
    outcome = BatchOutcome()
    pending: list[Subject] = []
    for subject in wanted:
        if subject.key in valid:
            outcome.existing.append(valid[subject.key])
        elif subject.key in revoked:
            outcome.refused.append(
                f"{_who(subject)} : document révoqué ; seule une réédition motivée peut le remplacer."
            )
        else:
            pending.append(subject)
    skipped = len(outcome.existing) + len(outcome.refused)
    if progress is not None and skipped:
        progress(skipped)
    if kind == Kind.PV:
        # The minutes are archived at closing; a closed deliberation without them predates
        # this registry and gets them now, once.
        for subject in pending:
            assert subject.deliberation is not None
            outcome.issued.append(archive_minutes(subject.deliberation, actor))
            if progress is not None:
                progress(1)
        return outcome
    with _rendering_pool(len(pending), max(1, workers)) as pool:
        _pipeline(pending, producer, actor, pool, outcome, progress)
    return outcome


# What only a jury's decision calls for.
DECIDED = (Kind.PARCHEMIN, Kind.ATTESTATION, Kind.PV)


def _refuse_before_a_decision(session: ExamSession, kind: Kind) -> None:
    if kind in DECIDED and not session.deliberations.filter(status=State.CLOSED).exists():
        raise DocumentRefused(
            f"Aucune délibération close pour la session {session.code} : les documents de "
            f"nature « {kind.label} » suivent la décision du jury."
        )


def _who(subject: Subject) -> str:
    who = subject.candidate.numero if subject.candidate is not None else subject.session.code
    return f"{who} {subject.block_code}".strip()


def _pipeline(
    pending: Sequence[Subject],
    producer: Producer,
    actor: Actor,
    pool: Executor,
    outcome: BatchOutcome,
    progress: Progress | None,
) -> None:
    """Prepare each document, hand its rendering to the pool, and write the rendered ones in
    order, a chunk per transaction: the threads render while this one reads and writes."""
    window: deque[tuple[Prepared, Future[bytes]]] = deque()
    rendered: list[tuple[Prepared, bytes]] = []
    for subject in pending:
        try:
            prepared = _prepare(subject, producer)
        except MentionsMissing:
            raise
        except DocumentRefused as refused:
            outcome.refused.append(f"{_who(subject)} : {refused}")
            if progress is not None:
                progress(1)
            continue
        window.append((prepared, _submit(pool, prepared)))
        while len(window) > LOOKAHEAD:
            done, future = window.popleft()
            rendered.append((done, future.result()))
        if len(rendered) >= CHUNK:
            _write(rendered, actor, outcome, progress)
            rendered = []
    rendered += [(done, future.result()) for done, future in window]
    _write(rendered, actor, outcome, progress)


def _lightened(document: IssuedDocument) -> IssuedDocument:
    """The document without its PDF and data in memory (read again from the archive if asked):
    a batch of 10,000 keeps its documents, not 600 MB of PDFs."""
    for name in ("pdf", "data"):
        document.__dict__.pop(name, None)
    return document


def _write(
    rendered: Sequence[tuple[Prepared, bytes]],
    actor: Actor,
    outcome: BatchOutcome,
    progress: Progress | None,
) -> None:
    with transaction.atomic():
        for prepared, pdf in rendered:
            try:
                with transaction.atomic():
                    outcome.issued.append(_lightened(_store(prepared, pdf, actor)))
            except IntegrityError:
                # Issued meanwhile by someone else: theirs is the one.
                found = _valid(prepared.subject.key)
                if found is None:
                    raise
                outcome.existing.append(found)
    if progress is not None and rendered:
        progress(len(rendered))


# -- the minutes -------------------------------------------------------------------------------


def archive_minutes(deliberation: Deliberation, actor: Actor) -> IssuedDocument:
    """The PV of a closed deliberation, rendered once and archived; asked again, the same file.

    Called by ``close_deliberation`` in its transaction, right after the closing."""
    with transaction.atomic():
        deliberation = Deliberation.objects.select_related(
            "session", "session__referential_version"
        ).get(pk=deliberation.pk)
        if not deliberation.is_closed:
            raise DocumentRefused(
                "Le procès-verbal n'est établi qu'à la clôture de la délibération."
            )
        existing = minutes_document(deliberation)
        if existing is not None:
            return existing
        subject = Subject(Kind.PV, deliberation.session, deliberation=deliberation)
        producer = Producer.for_session(deliberation.session)
        prepared = _prepare(subject, producer)
        return _store(prepared, _render(prepared), actor)


def minutes_document(deliberation: Deliberation) -> IssuedDocument | None:
    key = Subject(Kind.PV, deliberation.session, deliberation=deliberation).key
    return IssuedDocument.objects.filter(subject=key).first()


# -- life cycle --------------------------------------------------------------------------------


# -- the certifier's settings ------------------------------------------------------------------


def _settings_state(certifier: CertifierSettings) -> dict[str, str]:
    state = {name: str(getattr(certifier, name)) for name in SETTINGS_TEXTS}
    state["signature"] = certifier.signature_format or ""
    # Which image, not only its format: replacing one signature by another is journalled.
    signature = bytes(certifier.signature) if certifier.signature else b""
    state["signature_sha256"] = hashlib.sha256(signature).hexdigest() if signature else ""
    return state


def save_certifier_settings(
    data: Mapping[str, Any], files: MultiValueDict[str, UploadedFile] | None, actor: Actor
) -> CertifierSettings:
    """The settings as a page posts them (texts, and a signature image to upload or remove),
    through their form: a signature is a PNG, a JPEG or an SVG within the size limit, read by
    its content; ``Invalid`` otherwise, nothing written."""
    _require_settings_editor(actor)
    form = bound(CertifierSettingsForm(data, files, instance=CertifierSettings.load()))
    return update_certifier_settings(form.values(), actor)


def _require_settings_editor(actor: Actor) -> None:
    require(
        actor,
        policies.may_edit_certifier_settings,
        message=policies.SETTINGS_REFUSED,
        error=SettingsForbidden,
    )


def update_certifier_settings(values: SettingsValues, actor: Actor) -> CertifierSettings:
    """The certifier's identity as its next documents will print it, from values a form
    validated (``save_certifier_settings``, the admin's form) or the demo's; documents already
    issued keep what they printed."""
    _require_settings_editor(actor)
    with transaction.atomic():
        certifier = CertifierSettings.objects.select_for_update().filter(pk=1).first()
        certifier = certifier if certifier is not None else CertifierSettings()
        before = _settings_state(certifier)
        for name in SETTINGS_TEXTS:
            setattr(certifier, name, values.texts.get(name, "").strip())
        if values.signature:
            certifier.signature = values.signature
            certifier.signature_format = values.signature_format
        elif values.remove_signature:
            certifier.signature = None
            certifier.signature_format = ""
        certifier.save()
        after = _settings_state(certifier)
        if before != after or values.signature:
            audit.record(
                actions.CERTIFIER_SETTINGS, certifier, actor=actor, before=before, after=after
            )
    return certifier


def _check_reason(reason: str, what: str) -> str:
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        raise DocumentRefused(
            f"Une {what} doit être motivée : indiquez pourquoi (au moins {MIN_REASON} caractères)."
        )
    return reason


def _locked(document: IssuedDocument) -> IssuedDocument:
    return (
        IssuedDocument.objects.select_for_update(of=("self",))
        .select_related("session", "session__referential_version", "candidate", "deliberation")
        .get(pk=document.pk)
    )


def _refuse_minutes(document: IssuedDocument, what: str) -> None:
    if document.kind == Kind.PV:
        raise DocumentRefused(
            f"Le procès-verbal d'une délibération close ne change jamais : pas de {what}. "
            "Toute modification passe par un acte modificatif du jury, qui a son propre "
            "procès-verbal."
        )


def revoke(document: IssuedDocument, actor: Actor, reason: str) -> IssuedDocument:
    """The document stops being valid; the verification page says so from now on."""
    reason = _check_reason(reason, "révocation")
    with transaction.atomic():
        document = _locked(document)
        _refuse_minutes(document, "révocation")
        if document.status != Status.VALID:
            raise DocumentRefused(
                f"Le document n° {document.number} n'est plus valide "
                f"({document.get_status_display()}) : il ne peut pas être révoqué."
            )
        save_fields(
            document,
            status=Status.REVOKED,
            revoked_at=timezone.now(),
            revoked_by=account_of(actor),
            revocation_reason=reason,
        )
        audit.record(
            actions.REVOKED,
            document,
            actor=actor,
            before={"status": Status.VALID.value},
            after={"status": Status.REVOKED.value},
            reason=reason,
            label=_label(document),
        )
    return document


def reissue(document: IssuedDocument, actor: Actor, reason: str) -> IssuedDocument:
    """A new document for the same subject, rendered from today's data (a corrected name…);
    it says which document it replaces, and the earlier one points to it."""
    reason = _check_reason(reason, "réédition")
    with transaction.atomic():
        document = _locked(document)
        _refuse_minutes(document, "réédition")
        if document.superseded_by_id is not None:
            raise DocumentRefused(
                f"Le document n° {document.number} a déjà été remplacé : rééditez le plus récent."
            )
        was = document.status
        subject = Subject(
            Kind(document.kind),
            document.session,
            document.candidate,
            document.deliberation if document.kind == Kind.PV else None,
            document.block_code,
        )
        if subject.key != document.subject:
            # The référentiel's code changed under the session: keep the registry's subject.
            raise DocumentRefused(
                "Ce document ne correspond plus à son objet : réédition impossible."
            )
        producer = Producer.for_session(document.session)
        prepared = _prepare(subject, producer, replaces=document)
        pdf = _render(prepared)
        if was == Status.VALID:
            # The old document leaves the subject's single valid place before the new one
            # takes it, in the same transaction.
            save_fields(document, status=Status.SUPERSEDED)
        new = _store(prepared, pdf, actor, replaces=document)
        save_fields(document, superseded_by=new)
        audit.record(
            actions.SUPERSEDED,
            document,
            actor=actor,
            before={"status": was},
            after={"status": document.status, "superseded_by": new.public_id},
            reason=reason,
            label=_label(document),
        )
        audit.record(
            actions.REISSUED,
            new,
            actor=actor,
            after={"replaces": document.public_id, "sha256": new.sha256},
            reason=reason,
            label=_label(new),
        )
    return new


class NeedsAcknowledgement(DocumentRefused):
    """Documents that may be produced once the person acknowledged what they were told."""

    def __init__(self, warnings: list[str]) -> None:
        super().__init__(" ".join(warnings))
        self.warnings = warnings


def check_generation(session: ExamSession, kind: Kind | str, *, acknowledged: bool) -> None:
    """Refuse ``kind`` for the session as ``generate`` would, before any work: documents that
    follow a jury's decision without one (``DocumentRefused``), or warnings not yet
    acknowledged (``NeedsAcknowledgement``). The pages ask it before queuing the work."""
    _refuse_before_a_decision(session, Kind(kind))
    warnings = generation_warnings(session, kind)
    if warnings and not acknowledged:
        raise NeedsAcknowledgement(warnings)


def generation_warnings(session: ExamSession, kind: Kind | str) -> list[str]:
    """What a person should know before producing ``kind`` for the session, in French (the
    page asks to confirm, the API and the command to acknowledge): not a refusal, as a
    certifier may have good reasons (a convocation reissued for the record)."""
    kind = Kind(kind)
    warnings: list[str] = []
    today = timezone.localdate()
    if kind == Kind.CONVOCATION and session.end_date is not None and session.end_date < today:
        warnings.append(
            gettext(
                "La session %(code)s est terminée (dernier jour : %(day)s) : ses candidats ne "
                "pourront plus se rendre à ces convocations."
            )
            % {"code": session.code, "day": date_format(session.end_date, "DATE_FORMAT")}
        )
    if kind == Kind.RELEVE and not session.deliberations.filter(status=State.CLOSED).exists():
        warnings.append(
            gettext(
                "Aucune délibération de la session %(code)s n'est close : les relevés donneront "
                "les résultats calculés, que le jury n'a pas encore arrêtés."
            )
            % {"code": session.code}
        )
    return warnings
