"""The writes of the insertion survey: opening the surveys due, sending them and their
reminders (once each), and recording an answer, from the holder's link or an imported file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from certif.core import audit
from certif.core.audit import Actor
from certif.core.errors import Gone, NotFound, Refused
from certif.core.mailing import Mailing, MailOutcome, send_each
from certif.core.models import AuditEvent
from certif.core.policies import require
from certif.core.progress import Reporter
from certif.core.validation import validated
from certif.insertion import actions
from certif.insertion.forms import AnswerForm
from certif.insertion.models import Answer, AnswerSource, Point, Survey
from certif.insertion.policies import MANAGE_REFUSED, may_manage_insertion
from certif.insertion.queries import Due, Holder, holders, surveys_due, target_jobs
from certif.insertion.timing import closes_on, due_on, reminder_days, reminders
from certif.insertion.tokens import survey_of, token_for

INVALID_LINK = (
    "Ce lien d'enquête n'est pas valide : vérifiez qu'il a été copié en entier depuis le "
    "courriel reçu."
)


class LinkExpired(Gone):
    """The survey closed: the link no longer takes an answer."""


class AlreadyAnswered(Refused):
    """The survey has its answer: a link answers once."""


# -- opening and sending --------------------------------------------------------------------


def open_survey(due: Due, actor: Actor) -> Survey | None:
    """The survey of ``due``, opened and journalled; None if another sender opened it."""
    try:
        with transaction.atomic():
            survey = Survey.objects.create(
                candidate_id=due.holder.candidate_id,
                point=due.point,
                cohort=due.holder.certified_on.year,
                certified_on=due.holder.certified_on,
                due_on=due.due_on,
                closes_on=closes_on(due.due_on),
            )
            audit.record(actions.SURVEY_OPENED, survey, actor=actor, after={"point": due.point})
    except IntegrityError:
        return None
    return survey


@dataclass(frozen=True)
class Sending:
    """One e-mail to send: the first (round 0) or the n-th reminder."""

    survey: Survey
    round: int


def _next_round(survey: Survey, now: datetime) -> int | None:
    if survey.first_sent_at is None:
        return 0
    if survey.reminders_sent >= reminders() or survey.last_sent_at is None:
        return None
    if survey.last_sent_at + timedelta(days=reminder_days()) > now:
        return None
    return survey.reminders_sent + 1


def sendings(today: date, now: datetime) -> list[Sending]:
    """The e-mails due among the opened surveys: unanswered, still open."""
    found = []
    surveys = (
        Survey.objects.filter(answer__isnull=True, closes_on__gte=today, due_on__lte=today)
        .select_related("candidate")
        .order_by("cohort", "point", "candidate__numero")
    )
    for survey in surveys:
        round_ = _next_round(survey, now)
        if round_ is not None:
            found.append(Sending(survey, round_))
    return found


def _sent_before(found: Sequence[Sending]) -> set[tuple[str, int]]:
    ids = [str(sending.survey.pk) for sending in found]
    events = AuditEvent.objects.filter(
        action=actions.SURVEY_SENT.code, object_type="insertion.survey", object_id__in=ids
    )
    return {
        (object_id, int((after or {}).get("round", -1)))
        for object_id, after in events.values_list("object_id", "after")
    }


def survey_link(survey: Survey) -> str:
    base = settings.PUBLIC_URL.rstrip("/")
    if not base:
        raise Refused(
            "L'adresse publique de Certif (CERTIF_PUBLIC_URL) n'est pas réglée : les liens "
            "des courriels d'enquête ne mèneraient nulle part."
        )
    return base + reverse("insertion_survey:answer", args=[token_for(survey.pk)])


def _message(sending: Sending) -> EmailMessage:
    survey = sending.survey
    with override("fr"):
        when = _("six mois") if survey.point == Point.SIX_MONTHS else _("deux ans")
        opening = (
            _("Rappel : nous n'avons pas encore reçu votre réponse.\n\n") if sending.round else ""
        )
        body = opening + _(
            "Bonjour,\n\nVous avez obtenu la certification il y a %(when)s. Pour suivre "
            "l'insertion de ses titulaires, comme France compétences le demande, nous vous "
            "remercions de répondre à quelques questions sur votre situation (deux minutes, "
            "sans compte à créer) :\n\n%(link)s\n\nCe lien personnel est valable jusqu'au "
            "%(closes)s ; vous pouvez répondre une fois. Vos réponses servent aux statistiques "
            "de la certification.\n"
        ) % {
            "when": when,
            "link": survey_link(survey),
            "closes": date_format(survey.closes_on, "DATE_FORMAT"),
        }
        subject = _("Votre situation %(when)s après la certification") % {"when": when}
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[survey.candidate.email],
    )


def _journal_sending(sending: Sending, actor: Actor, now: datetime) -> None:
    survey = Survey.objects.select_for_update().get(pk=sending.survey.pk)
    if sending.round == 0:
        survey.first_sent_at = now
    else:
        survey.reminders_sent = sending.round
    survey.last_sent_at = now
    survey.save(update_fields=["first_sent_at", "last_sent_at", "reminders_sent"])
    audit.record(
        actions.SURVEY_SENT,
        survey,
        actor=actor,
        after={"point": survey.point, "round": sending.round, "to": survey.candidate.email},
    )


@dataclass
class SendOutcome:
    opened: int = 0
    first: int = 0
    reminders: int = 0
    mail: MailOutcome = field(default_factory=MailOutcome)
    dry_run: bool = False

    def summary(self) -> list[str]:
        verb = _("à envoyer") if self.dry_run else _("envoyés")
        first = _(
            "%(opened)d enquête(s) ouverte(s) ; %(first)d premier(s) courriel(s) et "
            "%(reminders)d relance(s) %(verb)s."
        ) % {
            "opened": self.opened,
            "first": self.first,
            "reminders": self.reminders,
            "verb": verb,
        }
        return self.mail.summary(first)


def send_due(
    actor: Actor = None,
    reporter: Reporter | None = None,
    *,
    dry_run: bool = False,
    today: date | None = None,
) -> SendOutcome:
    """Open the surveys now due, then send each unanswered open survey its first e-mail or,
    after the delay, its next reminder: each e-mail journalled once sent, never twice.
    ``dry_run`` counts what would be opened and sent, and writes nothing."""
    require(actor, may_manage_insertion, message=MANAGE_REFUSED)
    now = timezone.now()
    today = today or timezone.localdate()
    due = [found for found in surveys_due(today) if today <= closes_on(found.due_on)]
    if dry_run:
        pending = sendings(today, now)
        return SendOutcome(
            opened=len(due),
            first=len(due) + sum(1 for sending in pending if sending.round == 0),
            reminders=sum(1 for sending in pending if sending.round > 0),
            dry_run=True,
        )
    opened = [survey for survey in (open_survey(found, actor) for found in due) if survey]
    todo = sendings(today, now)
    sent_before = _sent_before(todo)
    journalled: list[Sending] = []

    def journal(sending: Sending) -> None:
        _journal_sending(sending, actor, now)
        journalled.append(sending)

    mailing: Mailing[Sending] = Mailing(
        name=lambda sending: sending.survey.candidate.numero,
        address=lambda sending: sending.survey.candidate.email,
        compose=_message,
        journal=journal,
    )
    mail = send_each(
        mailing,
        todo,
        lambda sending: (str(sending.survey.pk), sending.round) in sent_before,
        _("Envoi de l'enquête d'insertion"),
        reporter,
    )
    return SendOutcome(
        opened=len(opened),
        first=sum(1 for sending in journalled if sending.round == 0),
        reminders=sum(1 for sending in journalled if sending.round > 0),
        mail=mail,
    )


# -- answering ------------------------------------------------------------------------------


def answerable(token: str, today: date | None = None) -> Survey:
    """The survey of a personal link that still takes its answer; refused in French when the
    link is forged (``NotFound``), the survey answered (``AlreadyAnswered``) or closed
    (``LinkExpired``)."""
    survey_id = survey_of(token)
    survey = (
        Survey.objects.select_related("candidate").filter(pk=survey_id).first()
        if survey_id is not None
        else None
    )
    if survey is None:
        raise NotFound(INVALID_LINK)
    _check_answerable(survey, today or timezone.localdate())
    return survey


def _check_answerable(survey: Survey, today: date) -> None:
    answer = Answer.objects.filter(survey=survey).first()
    if answer is not None:
        raise AlreadyAnswered(
            "Vous avez déjà répondu à cette enquête, le "
            f"{date_format(timezone.localtime(answer.answered_at), 'DATE_FORMAT')} : "
            "merci. Une réponse ne se modifie pas par ce lien ; pour la corriger, écrivez au "
            "certificateur."
        )
    if today > survey.closes_on:
        raise LinkExpired(
            f"Cette enquête est close depuis le {date_format(survey.closes_on, 'DATE_FORMAT')} :"
            " ce lien n'accepte plus de réponse."
        )


def _values(data: Mapping[str, Any]) -> dict[str, Any]:
    return validated(AnswerForm, data, target_jobs=target_jobs())


def _record(survey: Survey, values: Mapping[str, Any], source: str, actor: Actor) -> Answer:
    """Within the caller's transaction, with ``survey`` locked and not answered."""
    # The form's fields are the answer's own: each is stored under its name.
    answer = Answer.objects.create(
        survey=survey, source=source, **{name: values[name] for name in AnswerForm.base_fields}
    )
    audit.record(
        actions.ANSWERED, survey, actor=actor, after={"point": survey.point, "source": source}
    )
    return answer


def answer_survey(token: str, data: Mapping[str, Any], *, today: date | None = None) -> Answer:
    """The holder's answer through their personal link (the signed token is the permission):
    once, while the survey is open."""
    found = answerable(token, today)
    values = _values(data)
    with transaction.atomic():
        survey = Survey.objects.select_for_update().select_related("candidate").get(pk=found.pk)
        _check_answerable(survey, today or timezone.localdate())
        return _record(survey, values, AnswerSource.FORM, None)


@dataclass(frozen=True)
class ImportedAnswer:
    """One row of an imported file, its values already through ``AnswerForm``."""

    line: int
    holder: Holder
    point: Point
    values: Mapping[str, Any]


def validate_answer(data: Mapping[str, Any]) -> dict[str, Any]:
    """An answer's values through the one validation (for importers checking row by row)."""
    return _values(data)


def import_answers(rows: Sequence[ImportedAnswer], actor: Actor = None) -> int:
    """Record answers collected outside the form (telephone, paper), all or none: a survey is
    opened for a holder who had none, and one already answered refuses the whole file."""
    require(actor, may_manage_insertion, message=MANAGE_REFUSED)
    with transaction.atomic():
        for row in rows:
            survey = _locked_survey(row, actor)
            if Answer.objects.filter(survey=survey).exists():
                raise AlreadyAnswered(
                    f"ligne {row.line} : l'enquête {survey.get_point_display()} de "
                    f"{survey.candidate.numero} a déjà sa réponse"
                )
            _record(survey, row.values, AnswerSource.IMPORT, actor)
    return len(rows)


def _locked_survey(row: ImportedAnswer, actor: Actor) -> Survey:
    survey = (
        Survey.objects.select_for_update()
        .select_related("candidate")
        .filter(candidate_id=row.holder.candidate_id, point=row.point)
        .first()
    )
    if survey is not None:
        return survey
    due = due_on(row.holder.certified_on, row.point)
    survey = Survey.objects.create(
        candidate_id=row.holder.candidate_id,
        point=row.point,
        cohort=row.holder.certified_on.year,
        certified_on=row.holder.certified_on,
        due_on=due,
        closes_on=closes_on(due),
    )
    audit.record(actions.SURVEY_OPENED, survey, actor=actor, after={"point": row.point})
    return survey


def holder_of(candidate_id: int) -> Holder | None:
    found = holders([candidate_id])
    return found[0] if found else None


def erase_free_text(candidate_id: int) -> int:
    """Within an anonymisation: the job titles a holder typed go (they may name an employer);
    the coded answers stay for the rates. The number of answers changed."""
    return (
        Answer.objects.filter(survey__candidate_id=candidate_id)
        .exclude(job_title="")
        .update(job_title="")
    )
