"""Every write of deposits and mémoire subjects: one function per verb, atomic, journalled.

A deposit's file is received as a stream into the store's folder (never whole in memory),
inspected (``certif.deposits.pdf``), and only then moved to its content address (in the data
folder, or an S3-compatible bucket: ``certif.core.storage_backends``); the row that
describes it is written in the same transaction as its journal entry. Whatever refuses the
deposit — its size, its content, its deadline, a missing subject — leaves nothing behind.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from certif.candidates.models import Candidate
from certif.core import audit
from certif.core.audit import Actor, account_of
from certif.core.concurrency import check
from certif.core.errors import Invalid, NotFound, Refused
from certif.core.models import AuditEvent
from certif.core.policies import require
from certif.core.service_writes import save_fields
from certif.core.storage_backends import FileStore, file_store
from certif.core.validation import validated
from certif.deposits.errors import DepositRefused
from certif.deposits.pdf import inspect_pdf, pages_before_annexes
from certif.deposits.storage import StoredStream
from certif.sessions.models import ExamSession
from certif.submissions import actions, policies
from certif.submissions.forms import DepositForm, ExtensionForm, ReviewForm, SubjectForm
from certif.submissions.models import Deposit, Extension, Subject, SubjectReview, SubjectStatus
from certif.submissions.queries import (
    Owed,
    approved_subject,
    block_of,
    local_today,
    owed_item,
)

STORE = "depots"


def deposit_store() -> FileStore:
    """Where deposited files and their receipts are kept."""
    return file_store(STORE)


FILE = "file"
logger = logging.getLogger(__name__)


def shown_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


SUBJECT_CHANGED = (
    "Le sujet a été modifié entre-temps (nouvelle version ou autre examen) : relisez-le avant "
    "de rendre votre décision."
)


class DepositRejected(Invalid):
    """A file refused at deposit: the French message names the file; ``reason`` is stable."""

    def __init__(self, refusal: DepositRefused) -> None:
        super().__init__({FILE: [str(refusal)]}, str(refusal))
        self.reason = refusal.reason.value


class DeadlinePassed(Refused):
    """The deliverable's last day has passed and no extension covers today."""


class SubjectRequired(Refused):
    """A mémoire is deposited only on a subject the Direction pédagogique approved."""


# -- subjects -----------------------------------------------------------------------------------


def propose_subject(candidate: Candidate, data: Mapping[str, Any], *, actor: Actor) -> Subject:
    """A new subject, or the revision of one the Direction pédagogique sent back."""
    require(actor, policies.may_propose_subject, candidate, message=policies.PROPOSE_REFUSED)
    values = validated(SubjectForm, data)
    with transaction.atomic():
        Candidate.objects.select_for_update().get(pk=candidate.pk)
        latest = Subject.objects.filter(candidate=candidate).order_by("-proposed_at", "-id").first()
        if latest is not None and latest.status == SubjectStatus.APPROVED:
            raise Refused("Votre sujet de mémoire est déjà validé : il ne se modifie plus ici.")
        if latest is not None and latest.status == SubjectStatus.PROPOSED:
            raise Refused(
                "Votre sujet attend l'examen de la Direction pédagogique : attendez sa réponse "
                "avant d'en proposer un autre."
            )
        now = timezone.now()
        if latest is not None and latest.status == SubjectStatus.CHANGES_REQUESTED:
            subject = latest
            for name, value in values.items():
                setattr(subject, name, value)
            subject.status = SubjectStatus.PROPOSED
            subject.proposed_at = now
            subject.revision += 1
            subject.save()
        else:
            subject = Subject.objects.create(candidate=candidate, proposed_at=now, **values)
        audit.record(
            actions.SUBJECT_PROPOSED, subject, actor=actor, after={**values, "status": "proposed"}
        )
    return subject


def review_subject(subject_id: int, data: Mapping[str, Any], *, actor: Actor) -> Subject:
    require(actor, policies.may_review_subjects, message=policies.REVIEW_REFUSED)
    values = validated(ReviewForm, data)
    with transaction.atomic():
        subject = Subject.objects.select_for_update().filter(pk=subject_id).first()
        if subject is None:
            raise NotFound("Ce sujet de mémoire n'existe pas.")
        check(str(values["revision"]), str(subject.revision), SUBJECT_CHANGED)
        if subject.status != SubjectStatus.PROPOSED:
            raise Refused("Ce sujet a déjà été examiné : il attend une nouvelle proposition.")
        now = timezone.now()
        SubjectReview.objects.create(
            subject=subject,
            verdict=values["verdict"],
            comment=values["comment"],
            reviewer=account_of(actor),
            reviewed_at=now,
        )
        subject.status = values["verdict"]
        subject.comment = values["comment"]
        subject.reviewed_at = now
        subject.reviewed_by = account_of(actor)
        subject.revision += 1
        subject.save()
        audit.record(
            actions.SUBJECT_REVIEWED,
            subject,
            actor=actor,
            after={"verdict": values["verdict"], "comment": values["comment"]},
        )
    return subject


# -- deposits -----------------------------------------------------------------------------------


def _owed(candidate: Candidate, session: ExamSession, code: str) -> Owed:
    item = owed_item(candidate, session, code)
    if item is None:
        raise NotFound(
            f"Le livrable {code[:40]} n'est pas attendu de ce candidat dans la session "
            f"{session.code}."
        )
    return item


def _refuse_if_closed(item: Owed) -> None:
    if item.is_open:
        return
    assert item.last_day is not None
    raise DeadlinePassed(
        f"La date limite de dépôt de « {item.label[:80]} » était le {shown_date(item.last_day)} : "
        "le dépôt est fermé. Seul un gestionnaire peut accorder une prolongation, avec un motif."
    )


def deposit_limit(candidate: Candidate, session: ExamSession, code: str) -> int:
    """The size limit of the deliverable, in bytes (for a page to check Content-Length)."""
    return _owed(candidate, session, code).placed.deliverable.max_size_bytes


def deposit_file(
    candidate: Candidate,
    session: ExamSession,
    code: str,
    chunks: Iterable[bytes],
    *,
    shown_name: str,
    data: Mapping[str, Any] | None = None,
    actor: Actor,
    receipt: Render | None = None,
) -> Deposit:
    """Deposit a new version of a deliverable: streamed, checked, stored, receipted.

    ``receipt`` draws the deposit's receipt (``certif.documents.receipts.receipt_pdf``, which
    this app cannot import): given, the receipt is made and kept with the deposit, in the same
    transaction; otherwise it is made and kept when first asked (``open_receipt``)."""
    require(actor, policies.may_deposit, candidate, message=policies.DEPOSIT_REFUSED)
    item = _owed(candidate, session, code)
    _refuse_if_closed(item)
    annexes = validated(DepositForm, data or {}).get("annexes_start_page")
    subject = approved_subject(candidate) if item.is_thesis else None
    if item.is_thesis and subject is None:
        raise SubjectRequired(
            "Votre mémoire ne peut être déposé qu'une fois son sujet validé par la Direction "
            "pédagogique."
        )
    deliverable = item.placed.deliverable
    try:
        with deposit_store().receive(
            chunks, max_bytes=deliverable.max_size_bytes, shown_name=shown_name
        ) as incoming:
            pages = inspect_pdf(incoming.path, shown_name)
            counted = pages_before_annexes(pages, annexes) if deliverable.checks_min_pages else None
            with transaction.atomic():
                Candidate.objects.select_for_update().get(pk=candidate.pk)
                _refuse_if_closed(_owed(candidate, session, code))
                stored = incoming.commit()
                deposit = _create(item, candidate, shown_name, stored.sha256, stored.size, actor,
                                  pages=pages, annexes=annexes, counted=counted, subject=subject)  # fmt: skip
                audit.record(actions.DEPOSITED, deposit, actor=actor, after=_journalled(deposit))
                if receipt is not None:
                    _try_keeping_receipt(deposit, receipt)
    except DepositRefused as refusal:
        raise DepositRejected(refusal) from refusal
    return deposit


def _create(
    item: Owed,
    candidate: Candidate,
    shown_name: str,
    sha256: str,
    size: int,
    actor: Actor,
    *,
    pages: int,
    annexes: int | None,
    counted: int | None,
    subject: Subject | None,
) -> Deposit:
    last = Deposit.objects.filter(
        candidate=candidate, session=item.session, deliverable=item.code
    ).aggregate(last=Max("version"))["last"]
    today = local_today()
    try:
        with transaction.atomic():
            return Deposit.objects.create(
                candidate=candidate,
                session=item.session,
                deliverable=item.code,
                version=(last or 0) + 1,
                original_name=shown_name[:255],
                sha256=sha256,
                size=size,
                page_count=pages,
                annexes_start_page=annexes if item.placed.deliverable.checks_min_pages else None,
                counted_pages=counted,
                subject=subject,
                due_date=item.due_date,
                under_extension=item.due_date is not None and today > item.due_date,
                deposited_at=timezone.now(),
                deposited_by=account_of(actor),
            )
    except IntegrityError as error:
        raise Refused("Un autre dépôt de ce fichier est en cours : réessayez.") from error


def _journalled(deposit: Deposit) -> dict[str, Any]:
    return {
        "deliverable": deposit.deliverable,
        "version": deposit.version,
        "sha256": deposit.sha256,
        "size": deposit.size,
        "pages": deposit.page_count,
        "counted_pages": deposit.counted_pages,
        "file": deposit.original_name,
    }


def grant_extension(
    candidate: Candidate,
    session: ExamSession,
    code: str,
    data: Mapping[str, Any],
    *,
    actor: Actor,
) -> Extension:
    require(actor, policies.may_manage_deposits, message=policies.EXTENSION_REFUSED)
    values = validated(ExtensionForm, data)
    item = _owed(candidate, session, code)
    if item.due_date is not None and values["until"] <= item.due_date:
        raise Invalid(
            {
                "until": [
                    f"La prolongation doit dépasser la date limite ({shown_date(item.due_date)})."
                ]
            }
        )
    with transaction.atomic():
        extension, _created = Extension.objects.update_or_create(
            candidate=candidate,
            session=session,
            deliverable=code,
            defaults={
                "until": values["until"],
                "reason": values["reason"],
                "granted_by": account_of(actor),
                "granted_at": timezone.now(),
            },
        )
        audit.record(
            actions.EXTENSION_GRANTED,
            extension,
            actor=actor,
            after={"until": values["until"].isoformat(), "deliverable": code},
            reason=values["reason"],
        )
    return extension


def open_deposit(deposit_id: int, *, actor: Actor) -> tuple[Deposit, StoredStream]:
    """The deposit and its file as a stream, each opening journalled."""
    deposit = (
        Deposit.objects.select_related("candidate", "session__referential_version")
        .filter(pk=deposit_id)
        .first()
    )
    if deposit is None:
        raise NotFound("Ce dépôt n'existe pas.")
    require(actor, policies.may_open_deposit, deposit, block_of(deposit),
            message=policies.OPEN_REFUSED)  # fmt: skip
    stream = deposit_store().stream(deposit.sha256)
    with transaction.atomic():
        audit.record(
            actions.DEPOSIT_OPENED, deposit, actor=actor, after={"version": deposit.version}
        )
    return deposit, stream


Render = Callable[[Deposit], bytes]


def _keep_receipt(deposit: Deposit, render: Render) -> None:
    """Draw the receipt once and keep it (content-addressed, like the files)."""
    stored = deposit_store().put_bytes(render(deposit), shown_name="accusé de dépôt")
    deposit.receipt_sha256 = stored.sha256
    deposit.save(update_fields=["receipt_sha256"])


def _try_keeping_receipt(deposit: Deposit, render: Render) -> None:
    """Keep the receipt with the deposit; a receipt that cannot be drawn now (Typst, the store)
    does not cost the candidate her deposit: it is drawn at its first download instead."""
    try:
        with transaction.atomic():
            _keep_receipt(deposit, render)
    except Exception:
        deposit.receipt_sha256 = ""
        logger.exception("Accusé du dépôt %s non conservé au dépôt : il le sera au premier "
                         "téléchargement", deposit.pk)  # fmt: skip


def open_receipt(deposit_id: int, *, actor: Actor, render: Render) -> tuple[Deposit, StoredStream]:
    """The deposit's receipt as it was issued: the same bytes at every download. A deposit made
    without its receipt (or whose receipt went with an anonymisation) has it drawn by ``render``
    now, and kept from then on."""
    deposit = (
        Deposit.objects.select_related("candidate", "session__referential_version", "subject")
        .filter(pk=deposit_id)
        .first()
    )
    if deposit is None:
        raise NotFound("Ce dépôt n'existe pas.")
    require(actor, policies.may_read_receipt, deposit, message=policies.RECEIPT_REFUSED)
    store = deposit_store()
    if not deposit.receipt_sha256 or not store.exists(deposit.receipt_sha256):
        with transaction.atomic():
            locked = Deposit.objects.select_for_update().get(pk=deposit.pk)
            if locked.receipt_sha256 != deposit.receipt_sha256:
                deposit.receipt_sha256 = locked.receipt_sha256  # kept meanwhile by another
            else:
                _keep_receipt(deposit, render)
    return deposit, store.stream(deposit.receipt_sha256)


def erase_candidate_files(candidate_id: int) -> int:
    """Within an anonymisation: the files a candidate deposited go (a mémoire names its author
    on every page); their records stay — hash, size, pages, dates — as the trace of what was
    graded. A file another candidate's deposit still holds (same content, not itself erased)
    stays for them — the purge's rule too. The files are removed once the caller's transaction
    commits, so a refused anonymisation keeps them. The number of deposits whose file goes."""
    own = Deposit.objects.filter(candidate_id=candidate_id)
    hashes = set(own.values_list("sha256", flat=True))
    shared = set(
        Deposit.objects.filter(sha256__in=hashes)
        .exclude(candidate_id=candidate_id)
        .exclude(original_name="")
        .values_list("sha256", flat=True)
    )
    # Receipts name the candidate: they go too (drawn again, anonymised, if asked later).
    receipts = set(own.exclude(receipt_sha256="").values_list("receipt_sha256", flat=True))
    doomed = sorted((hashes - shared) | receipts)
    erased = own.update(original_name="", receipt_sha256="")
    transaction.on_commit(lambda: _delete(doomed))
    return erased


# What the candidate typed in a subject and what the reviewers answered her: it may name her,
# her employer, her clients. The subjects stay (their status and dates count what was reviewed).
SUBJECT_TEXTS = ("title", "problem", "outline", "comment")


def erase_candidate_subjects(candidate_id: int, replacement: str) -> int:
    """Within an anonymisation: the texts of a candidate's mémoire subjects and of their reviews
    go, in the rows and in the journal's payloads of those subjects; the title becomes
    ``replacement``. The number of subjects erased."""
    subjects = Subject.objects.filter(candidate_id=candidate_id)
    ids = [str(pk) for pk in subjects.values_list("pk", flat=True)]
    SubjectReview.objects.filter(subject__candidate_id=candidate_id).update(comment="")
    erased = subjects.update(title=replacement, problem="", outline="", comment="")
    events = AuditEvent.objects.filter(object_type=Subject._meta.label_lower, object_id__in=ids)
    for event in events:
        save_fields(
            event,
            before=_without_texts(event.before, replacement),
            after=_without_texts(event.after, replacement),
        )
    return erased


def _without_texts(payload: Any, replacement: str) -> Any:
    if not isinstance(payload, dict):
        return payload
    return {key: replacement if key in SUBJECT_TEXTS else value for key, value in payload.items()}


def _delete(hashes: Iterable[str]) -> None:
    store = deposit_store()
    for sha256 in hashes:
        store.delete(sha256)
