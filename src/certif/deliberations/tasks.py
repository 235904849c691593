"""The deliberations' background task: telling the candidates their results are published."""

from __future__ import annotations

from django.utils.translation import gettext_lazy, ngettext

from certif.deliberations.models import Deliberation
from certif.deliberations.notices import notify_publication
from certif.tasks.jobs import JobRun, job_task
from certif.tasks.services import Outcome


@job_task("deliberations.notify", gettext_lazy("Avis de publication des résultats"))
def notify_publication_job(run: JobRun, deliberation: int) -> Outcome:
    found = Deliberation.objects.select_related("session").get(pk=deliberation)
    outcome = notify_publication(found, run.actor, run.reporter)
    told = ngettext(
        "%(count)d candidat averti.", "%(count)d candidats avertis.", len(outcome.sent)
    ) % {"count": len(outcome.sent)}
    return Outcome(summary=outcome.summary(told), data={"sent": len(outcome.sent)})
