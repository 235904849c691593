"""The candidates of a published deliberation told by e-mail that their results are out.

The message says where to read them (their space), never the decision itself: an e-mail is
not the act, and it may be read by someone else. Each send is journalled on its candidate,
so that sending again reaches only those not yet told.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from certif.candidates.models import Candidate
from certif.core import audit
from certif.core.audit import Actor
from certif.core.models import AuditEvent
from certif.core.progress import Reporter, Silent
from certif.deliberations import actions
from certif.deliberations.models import Decision, Deliberation


@dataclass
class NoticeOutcome:
    sent: list[str] = field(default_factory=list)
    already_sent: list[str] = field(default_factory=list)
    without_address: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def _told_before(deliberation: Deliberation) -> set[str]:
    events = AuditEvent.objects.filter(
        action=actions.RESULTS_NOTIFIED.code,
        object_type="candidates.candidate",
        after__deliberation=deliberation.pk,
    )
    return set(events.values_list("object_id", flat=True))


def _message(deliberation: Deliberation, candidate: Candidate) -> EmailMessage:
    where = (
        settings.PUBLIC_URL.rstrip("/") + reverse("myspace:home")
        if settings.PUBLIC_URL
        else _("votre espace personnel de Certif")
    )
    body = _(
        "Bonjour,\n\nLe jury de la session %(code)s a délibéré le %(day)s et ses résultats "
        "sont publiés. Vous les lirez, avec vos documents, dans votre espace : %(where)s\n"
    ) % {
        "code": deliberation.session.code,
        "day": date_format(deliberation.date, "DATE_FORMAT"),
        "where": where,
    }
    return EmailMessage(
        subject=_("Résultats publiés — session %(code)s") % {"code": deliberation.session.code},
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[candidate.email],
    )


def notify_publication(
    deliberation: Deliberation, actor: Actor, reporter: Reporter | None = None
) -> NoticeOutcome:
    """Tell each candidate of the published deliberation, once."""
    reporter = reporter or Silent()
    told = _told_before(deliberation)
    candidates = list(
        Candidate.objects.filter(
            pk__in=Decision.objects.filter(deliberation=deliberation).values("candidate_id")
        ).order_by("numero")
    )
    outcome = NoticeOutcome()
    reporter.phase(_("Avis de publication"), len(candidates))
    for candidate in candidates:
        if str(candidate.pk) in told:
            outcome.already_sent.append(candidate.numero)
        elif not candidate.email:
            outcome.without_address.append(candidate.numero)
        else:
            _tell(deliberation, candidate, actor, outcome)
        reporter.advance()
    return outcome


def _tell(
    deliberation: Deliberation, candidate: Candidate, actor: Actor, outcome: NoticeOutcome
) -> None:
    try:
        _message(deliberation, candidate).send()
    except OSError as error:  # one refused address stops nothing
        outcome.failed.append(f"{candidate.numero} ({error})"[:120])
        return
    with transaction.atomic():
        audit.record(
            actions.RESULTS_NOTIFIED,
            candidate,
            actor=actor,
            after={"deliberation": deliberation.pk, "to": candidate.email},
        )
    outcome.sent.append(candidate.numero)
