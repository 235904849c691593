"""The portal's import of a partner's candidates, run by the worker when the file is big:
the same service as within the request (``import_partner_candidates``), the same machinery as
the staff's imports (the handed file, the job and its page, ``certif.tasks``).

The kind is registered when this module is imported: by the portal's pages (the URLconf), and
by a worker when it runs such a job (the backend names the task by its module's path)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from certif.imports.partners import import_partner_candidates
from certif.partners.models import Partner
from certif.tasks import files
from certif.tasks.jobs import JobRun, job_task
from certif.tasks.services import Outcome


@job_task("portal.candidates", _("Import des candidats d'un organisme"))
def import_portal_candidates_job(run: JobRun, upload: str, partner: int) -> Outcome:
    """The file the portal handed over (``files.incoming_path``), every row linked to
    ``partner`` (the one the account that started it works for); the handed file goes once the
    import is over, written or refused."""
    try:
        report = import_partner_candidates(
            files.incoming(upload),
            Partner.objects.get(pk=partner),
            actor=run.actor,
            reporter=run.reporter,
        )
    finally:
        files.discard_incoming(upload)
    return Outcome(summary=report.lines(), data={"rows": report.rows})
