"""What the documents pages show: per session, what can be produced and what has been."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certif.core.models import AuditEvent
from certif.deliberations.models import Deliberation, State
from certif.documents.content import MentionsMissing
from certif.documents.models import IssuedDocument, Kind, Status
from certif.documents.services import DECIDED, Producer, existing_documents, subjects
from certif.sessions.models import ExamSession

ACTIONS = {
    "document.issued": gettext_lazy("délivré"),
    "document.revoked": gettext_lazy("révoqué"),
    "document.superseded": gettext_lazy("remplacé par une réédition"),
    "document.reissued": gettext_lazy("réédité"),
}
STATUS_CLASSES = {
    Status.VALID.value: "validated",
    Status.REVOKED.value: "not_validated",
    Status.SUPERSEDED.value: "not_assessed",
}


@dataclass(frozen=True)
class KindRow:
    kind: str
    label: str
    wanted: int
    issued: int
    problem: str

    @property
    def to_produce(self) -> int:
        return max(self.wanted - self.issued, 0)


def _problem(kind: Kind, producer: Producer, closed: bool) -> str:
    if kind in DECIDED and not closed:
        return _("Aucune délibération close pour cette session.")
    try:
        if kind in (Kind.PARCHEMIN, Kind.ATTESTATION):
            producer.context.certificate_mentions()
        elif kind in (Kind.RELEVE, Kind.PV):
            producer.context.issuer.require()
    except MentionsMissing as missing:
        return str(missing)
    return ""


def minutes_problem(deliberation: Deliberation) -> str:
    """Why a closed deliberation has no minutes yet: what the issuer's identity lacks."""
    try:
        Producer.for_session(deliberation.session).context.issuer.require()
    except MentionsMissing as missing:
        return str(missing)
    return ""


def overview(session: ExamSession) -> list[KindRow]:
    producer = Producer.for_session(session)
    closed = Deliberation.objects.filter(session=session, status=State.CLOSED).exists()
    rows = []
    for kind in Kind:
        wanted = subjects(session, kind, producer)
        valid, _revoked = existing_documents([subject.key for subject in wanted])
        rows.append(
            KindRow(
                kind=kind.value,
                label=str(kind.label),
                wanted=len(wanted),
                issued=len(valid),
                problem=_problem(kind, producer, closed),
            )
        )
    return rows


def session_documents(session: ExamSession, kind: str = "") -> QuerySet[IssuedDocument]:
    documents = (
        IssuedDocument.objects.filter(session=session)
        .defer("pdf", "data")
        .select_related("candidate")
        .order_by("kind", "candidate__numero", "block_code", "-issued_at")
    )
    return documents.filter(kind=kind) if kind in Kind.values else documents


@dataclass(frozen=True)
class HistoryLine:
    at: object
    action: str
    actor: str
    reason: str


def history(document: IssuedDocument) -> list[HistoryLine]:
    events = AuditEvent.objects.filter(
        object_type=IssuedDocument._meta.label_lower, object_id=str(document.pk)
    ).order_by("at", "id")
    return [
        HistoryLine(
            event.at, str(ACTIONS.get(event.action, event.action)), event.actor_label, event.reason
        )
        for event in events
    ]


def valid_convocations(session: ExamSession) -> int:
    """The session's convocations already handed out and still valid: after a change of
    timetable they keep what they printed until reissued."""
    return IssuedDocument.objects.filter(
        session=session, kind=Kind.CONVOCATION, status=Status.VALID
    ).count()
