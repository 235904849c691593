"""The deliberations' background task: telling the candidates their results are published."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from certif.deliberations.models import Deliberation
from certif.deliberations.notices import notify_publication
from certif.tasks.jobs import JobRun, job_task
from certif.tasks.services import Outcome

NAMED = 10


@job_task("deliberations.notify", gettext_lazy("Avis de publication des résultats"))
def notify_publication_job(run: JobRun, deliberation: int) -> Outcome:
    found = Deliberation.objects.select_related("session").get(pk=deliberation)
    outcome = notify_publication(found, run.actor, run.reporter)
    summary = [
        ngettext("%(count)d candidat averti.", "%(count)d candidats avertis.", len(outcome.sent))
        % {"count": len(outcome.sent)}
    ]
    if outcome.without_address:
        summary.append(
            _("Sans adresse de courriel : %(numeros)s.")
            % {"numeros": ", ".join(outcome.without_address[:NAMED])}
        )
    if outcome.failed:
        summary.append(
            _("Refusés par le serveur de courriel : %(list)s.")
            % {"list": "; ".join(outcome.failed[:NAMED])}
        )
    return Outcome(summary=summary, data={"sent": len(outcome.sent)})
