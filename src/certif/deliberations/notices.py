"""The candidates of a published deliberation told by e-mail that their results are out.

The message says where to read them (their space), never the decision itself: an e-mail is
not the act, and it may be read by someone else. Each send is journalled on its candidate,
and sending again reaches only those not yet told (``certif.core.mailing``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from certif.candidates.models import Candidate
from certif.core import audit
from certif.core.audit import Actor
from certif.core.mailing import Mailing, MailOutcome, send_each
from certif.core.models import AuditEvent
from certif.core.progress import Reporter
from certif.deliberations import actions
from certif.deliberations.models import Decision, Deliberation


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
) -> MailOutcome:
    """Tell each candidate of the published deliberation, once."""
    told = _told_before(deliberation)
    candidates = list(
        Candidate.objects.filter(
            pk__in=Decision.objects.filter(deliberation=deliberation).values("candidate_id")
        ).order_by("numero")
    )

    def journal(candidate: Candidate) -> None:
        audit.record(
            actions.RESULTS_NOTIFIED,
            candidate,
            actor=actor,
            after={"deliberation": deliberation.pk, "to": candidate.email},
        )

    mailing = Mailing(
        name=lambda candidate: candidate.numero,
        address=lambda candidate: candidate.email,
        compose=lambda candidate: _message(deliberation, candidate),
        journal=journal,
    )
    return send_each(
        mailing,
        candidates,
        lambda candidate: str(candidate.pk) in told,
        _("Avis de publication"),
        reporter,
    )
