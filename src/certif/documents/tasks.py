"""The documents' background task: a session's documents of one kind, produced by the worker
with its progress on the job's page (10,000 parchemins outlast any web request)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from certif.documents import services
from certif.documents.mailing import send_convocations
from certif.documents.models import Kind
from certif.sessions.models import ExamSession
from certif.tasks.jobs import JobRun, job_task
from certif.tasks.services import Outcome

# How many refusals the job's summary names before « and N more ».
NAMED = 10


@job_task("documents.generate", gettext_lazy("Production de documents"))
def generate_job(run: JobRun, session: int, kind: str) -> Outcome:
    found = ExamSession.objects.get(pk=session)
    run.reporter.phase(str(Kind(kind).label), len(services.subjects(found, kind)))
    # Queued once the person confirmed what the page told them.
    outcome = services.generate(
        found, kind, run.actor, progress=run.reporter.advance, acknowledged=True
    )
    summary = [
        ngettext(
            "%(issued)d document produit, %(existing)d déjà délivré.",
            "%(issued)d documents produits, %(existing)d déjà délivrés.",
            len(outcome.issued),
        )
        % {"issued": len(outcome.issued), "existing": len(outcome.existing)}
    ]
    if outcome.refused:
        summary.append(_("%(count)d document(s) refusé(s) :") % {"count": len(outcome.refused)})
        summary += outcome.refused[:NAMED]
        if len(outcome.refused) > NAMED:
            summary.append(_("Et %(count)d autre(s).") % {"count": len(outcome.refused) - NAMED})
    return Outcome(
        summary=summary,
        data={"kind": kind, "issued": len(outcome.issued), "existing": len(outcome.existing),
              "refused": len(outcome.refused)},
    )  # fmt: skip


@job_task("documents.send_convocations", gettext_lazy("Envoi des convocations par courriel"))
def send_convocations_job(run: JobRun, session: int) -> Outcome:
    outcome = send_convocations(ExamSession.objects.get(pk=session), run.actor, run.reporter)
    sent = ngettext(
        "%(count)d convocation envoyée.", "%(count)d convocations envoyées.", len(outcome.sent)
    ) % {"count": len(outcome.sent)}
    return Outcome(summary=outcome.summary(sent), data={"sent": len(outcome.sent)})
