"""Sending one message to each of many people, once each, by the worker.

Sending is slow and may fail halfway (a mail server refusing one address): every message is its
own act, journalled once sent, so that sending again reaches only those not reached yet. The
apps say whom to write to, what, and how a send is journalled; this says how it goes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils.translation import gettext as _

from certif.core.progress import Reporter, Silent

Recipient = TypeVar("Recipient")
# Names a summary lists before « … ».
NAMED = 10


@dataclass
class MailOutcome:
    sent: list[str] = field(default_factory=list)
    already_sent: list[str] = field(default_factory=list)
    # Without an e-mail address: to reach another way (by post).
    without_address: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def summary(self, first: str) -> list[str]:
        """``first`` (what was sent), then what was not, in words for the job's page."""
        lines = [first]
        if self.already_sent:
            lines.append(
                _("%(count)d déjà envoyé(s) auparavant.") % {"count": len(self.already_sent)}
            )
        if self.without_address:
            lines.append(
                _("Sans adresse de courriel (à joindre autrement) : %(names)s.")
                % {"names": _named(self.without_address)}
            )
        if self.failed:
            lines.append(
                _("Refusés par le serveur de courriel : %(names)s.")
                % {"names": _named(self.failed)}
            )
        return lines


def _named(names: Sequence[str]) -> str:
    return ", ".join(names[:NAMED]) + (" …" if len(names) > NAMED else "")


@dataclass(frozen=True)
class Mailing(Generic[Recipient]):
    """What to send to whom: each recipient's name (in summaries and the journal's keys), its
    address, its message, and how a send is journalled."""

    name: Callable[[Recipient], str]
    address: Callable[[Recipient], str]
    compose: Callable[[Recipient], EmailMessage]
    journal: Callable[[Recipient], None]


def send_each(
    mailing: Mailing[Recipient],
    recipients: Sequence[Recipient],
    reached: Callable[[Recipient], bool],
    description: str,
    reporter: Reporter | None = None,
) -> MailOutcome:
    """One message to each recipient not ``reached`` before, journalled once sent."""
    reporter = reporter or Silent()
    outcome = MailOutcome()
    reporter.phase(description, len(recipients))
    for recipient in recipients:
        name = mailing.name(recipient)
        if reached(recipient):
            outcome.already_sent.append(name)
        elif not mailing.address(recipient):
            outcome.without_address.append(name)
        else:
            try:
                mailing.compose(recipient).send()
            except OSError as error:  # SMTP errors are OSErrors: one refusal stops nothing
                outcome.failed.append(f"{name} ({error})"[:120])
            else:
                with transaction.atomic():
                    mailing.journal(recipient)
                outcome.sent.append(name)
        reporter.advance()
    return outcome
