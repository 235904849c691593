"""Convocations sent to their candidates by e-mail, the PDF attached; each send journalled,
never twice (``certif.core.mailing``)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from certif.core import audit
from certif.core.audit import Actor
from certif.core.mailing import Mailing, MailOutcome, send_each
from certif.core.models import AuditEvent
from certif.core.policies import require
from certif.core.progress import Reporter
from certif.documents import actions
from certif.documents.archive import file_name
from certif.documents.models import IssuedDocument, Kind, Status
from certif.documents.policies import SEND_REFUSED, may_send_documents
from certif.sessions.models import ExamSession


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
    documents = convocations_of(session)
    sent_before = _sent_before(documents)

    def journal(document: IssuedDocument) -> None:
        assert document.candidate is not None
        audit.record(
            actions.SENT,
            document,
            actor=actor,
            after={"kind": document.kind, "to": document.candidate.email},
        )

    mailing = Mailing(
        name=lambda document: document.candidate.numero if document.candidate else "",
        address=lambda document: document.candidate.email if document.candidate else "",
        compose=_message,
        journal=journal,
    )
    return send_each(
        mailing,
        documents,
        lambda document: str(document.pk) in sent_before,
        _("Envoi des convocations"),
        reporter,
    )
