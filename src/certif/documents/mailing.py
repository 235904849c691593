"""Convocations sent to their candidates by e-mail, the PDF attached; each send journalled.

Sending is slow and may fail halfway (a mail server refusing one address): every message is
its own act, journalled once sent, so that sending again sends only what was not yet sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from certif.core import audit
from certif.core.audit import Actor
from certif.core.models import AuditEvent
from certif.core.policies import require
from certif.core.progress import Reporter, Silent
from certif.documents import actions
from certif.documents.archive import file_name
from certif.documents.models import IssuedDocument, Kind, Status
from certif.documents.policies import SEND_REFUSED, may_send_documents
from certif.sessions.models import ExamSession


@dataclass
class MailOutcome:
    sent: list[str] = field(default_factory=list)
    already_sent: list[str] = field(default_factory=list)
    # Candidates without an e-mail address (numeros): their convocation goes by post.
    without_address: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def convocations_of(session: ExamSession) -> list[IssuedDocument]:
    return list(
        IssuedDocument.objects.filter(session=session, kind=Kind.CONVOCATION, status=Status.VALID)
        .select_related("candidate", "session")
        .order_by("candidate__numero")
    )


def _sent_before(documents: list[IssuedDocument]) -> set[str]:
    ids = [str(document.pk) for document in documents]
    return set(
        AuditEvent.objects.filter(
            action=actions.SENT.code, object_type="documents.issueddocument", object_id__in=ids
        ).values_list("object_id", flat=True)
    )


def _message(document: IssuedDocument) -> EmailMessage:
    session = document.session
    assert document.candidate is not None
    days = (
        _("du %(start)s au %(end)s")
        % {
            "start": date_format(session.start_date, "DATE_FORMAT"),
            "end": date_format(session.end_date, "DATE_FORMAT"),
        }
        if session.start_date and session.end_date
        else ""
    )
    body = _(
        "Bonjour,\n\nVous trouverez ci-joint votre convocation aux épreuves de la session "
        "%(code)s %(days)s : elle indique le jour, l'heure et le lieu de chacune. Présentez-la "
        "avec une pièce d'identité.\n\nSon numéro, %(number)s, permet d'en vérifier "
        "l'authenticité.\n"
    ) % {"code": session.code, "days": days, "number": document.number}
    message = EmailMessage(
        subject=_("Votre convocation — session %(code)s") % {"code": session.code},
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[document.candidate.email],
    )
    message.attach(file_name(document), document.pdf_bytes(), "application/pdf")
    return message


def send_convocations(
    session: ExamSession, actor: Actor, reporter: Reporter | None = None
) -> MailOutcome:
    """Each valid convocation of the session not sent yet, to its candidate's address."""
    require(actor, may_send_documents, message=SEND_REFUSED)
    reporter = reporter or Silent()
    documents = convocations_of(session)
    sent_before = _sent_before(documents)
    outcome = MailOutcome()
    reporter.phase(_("Envoi des convocations"), len(documents))
    for document in documents:
        assert document.candidate is not None
        numero = document.candidate.numero
        if str(document.pk) in sent_before:
            outcome.already_sent.append(numero)
        elif not document.candidate.email:
            outcome.without_address.append(numero)
        else:
            _send_one(document, actor, outcome)
        reporter.advance()
    return outcome


def _send_one(document: IssuedDocument, actor: Actor, outcome: MailOutcome) -> None:
    assert document.candidate is not None
    try:
        _message(document).send()
    except OSError as error:  # SMTP errors are OSErrors: one refused address stops nothing
        outcome.failed.append(f"{document.candidate.numero} ({error})"[:120])
        return
    with transaction.atomic():
        audit.record(
            actions.SENT,
            document,
            actor=actor,
            after={"kind": document.kind, "to": document.candidate.email},
        )
    outcome.sent.append(document.candidate.numero)
