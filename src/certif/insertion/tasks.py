"""The insertion survey's background task: sending the surveys due and their reminders."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from certif.insertion.services import send_due
from certif.tasks.jobs import JobRun, job_task
from certif.tasks.services import Outcome


@job_task("insertion.send", gettext_lazy("Envoi de l'enquête d'insertion"))
def send_surveys_job(run: JobRun) -> Outcome:
    outcome = send_due(run.actor, run.reporter)
    return Outcome(
        summary=outcome.summary(),
        data={"opened": outcome.opened, "first": outcome.first, "reminders": outcome.reminders},
    )
