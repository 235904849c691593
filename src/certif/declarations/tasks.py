"""The declaration's background work: generating the flux (100,000 passages take seconds)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from certif.declarations.services import Excluded, NothingToDeclare, generate_flux
from certif.tasks.jobs import JobRun, job_task
from certif.tasks.services import Outcome


@job_task("declarations.flux", _("Flux de déclaration CDC"))
def flux_job(run: JobRun, session: str = "") -> Outcome:
    run.reporter.phase("Génération et validation du flux")
    try:
        generated = generate_flux(run.actor, session=session or None)
    except NothingToDeclare as nothing:
        return Outcome(summary=[str(nothing), *_excluded(nothing.excluded)])
    lines = [
        ngettext(
            "%(count)d passage déclaré dans %(files)d fichier.",
            "%(count)d passages déclarés dans %(files)d fichier(s).",
            generated.passages,
        )
        % {"count": generated.passages, "files": len(generated.flux)},
        *(
            f"{flux.file_name} — {flux.get_action_display()}, {flux.passages}"
            for flux in generated.flux
        ),
        *_excluded(generated.excluded),
    ]
    return Outcome(summary=lines, data={"flux": [str(flux.id) for flux in generated.flux]})


def _excluded(excluded: list[Excluded]) -> list[str]:
    return [
        f"{item.declaration.candidate.numero} écarté : " + " ; ".join(item.reasons)
        for item in excluded
    ]
