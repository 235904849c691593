"""``certif cdc``: the declaration of certified holders to the Caisse des Dépôts.

- ``check [--session CODE]``: what each holder to declare lacks (exit 1 when any does);
- ``export --out FILE.xml [--session CODE] [--schema 1.1.5|1.1.2|PATH]``: the flux, validated,
  recorded; exit 0 with the counts and the holders left out with their reasons, exit 1 when
  nothing can be declared or a file does not validate (nothing recorded then);
- ``report FILE.xml``: a processing report of the CDC (exit 1 when it names a flux or a
  passage Certif did not send; nothing written then);
- ``deposited FLUX_ID``: the flux was deposited on the CDC's portal;
- ``status [--session CODE] [--format table|json]``: one row per passage.
"""

from __future__ import annotations

import json
import shutil
import uuid
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from certif.core.text import quoted
from certif.declarations import queries, services
from certif.declarations.models import Flux


class Command(BaseCommand):
    help = "Déclaration des titulaires à la Caisse des Dépôts (flux XML, rapports, suivi)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        check = actions.add_parser(
            "check", help="ce que l'identité de chaque titulaire laisse manquer"
        )
        check.add_argument("--session", metavar="CODE")
        check.add_argument("--schema", metavar="VERSION_OU_CHEMIN")
        export = actions.add_parser("export", help="générer et valider le flux")
        export.add_argument("--out", required=True, metavar="FICHIER.xml")
        export.add_argument("--session", metavar="CODE")
        export.add_argument("--schema", metavar="VERSION_OU_CHEMIN")
        report = actions.add_parser("report", help="importer un rapport de traitement")
        report.add_argument("file", metavar="FICHIER.xml")
        deposited = actions.add_parser("deposited", help="marquer un flux déposé")
        deposited.add_argument("flux", metavar="ID_FLUX")
        status = actions.add_parser("status", help="l'état de chaque passage")
        status.add_argument("--session", metavar="CODE")
        status.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        handler = getattr(self, f"_{options['action']}")
        try:
            handler(options)
        except services.DeclarationRefused as refused:
            raise CommandError(str(refused)) from refused

    # -- subcommands ----------------------------------------------------------------------------

    def _check(self, options: dict[str, Any]) -> None:
        services.refresh_declarations()
        problem = queries.schema_problem(options["schema"])
        if problem:
            raise CommandError(problem)
        rows = queries.readiness(options["session"], options["schema"])
        incomplete = [row for row in rows if not row.ready]
        for row in incomplete:
            candidate = row.declaration.candidate
            self.stdout.write(
                f"{candidate.numero} {candidate.display_name} : manque " + ", ".join(row.missing)
            )
        self.stdout.write(
            f"{len(rows)} titulaire(s) à déclarer : {len(rows) - len(incomplete)} prêt(s), "
            f"{len(incomplete)} à compléter."
        )
        if incomplete:
            raise CommandError("identités incomplètes : complétez-les avant le dépôt")

    def _export(self, options: dict[str, Any]) -> None:
        out = Path(options["out"])
        try:
            generated = services.generate_flux(session=options["session"], schema=options["schema"])
        except services.NothingToDeclare as nothing:
            self._excluded(nothing.excluded)
            raise
        for index, flux in enumerate(generated.flux):
            target = out if index == 0 else out.with_name(f"{out.stem}-{index + 1}{out.suffix}")
            target.write_bytes(bytes(flux.content))
            self.stdout.write(
                f"{target} : flux {flux.id} ({flux.get_action_display()}), {flux.passages} "
                f"passage(s), schéma {flux.schema_name}, SHA-256 {flux.sha256}"
            )
        self._excluded(generated.excluded)
        self.stdout.write(
            f"{generated.passages} passage(s) dans {len(generated.flux)} fichier(s) ; "
            f"{len(generated.excluded)} titulaire(s) écarté(s)."
        )

    def _excluded(self, excluded: list[services.Excluded]) -> None:
        for item in excluded:
            candidate = item.declaration.candidate
            self.stdout.write(f"écarté {candidate.numero} : " + " ; ".join(item.reasons))

    def _report(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"fichier introuvable : {path}")
        outcome = services.import_report(path)
        self.stdout.write(
            f"Rapport du flux {outcome.flux.file_name} : {outcome.accepted} passage(s) "
            f"accepté(s), {outcome.rejected} rejeté(s)."
        )

    def _deposited(self, options: dict[str, Any]) -> None:
        flux_id = _uuid(options["flux"])
        flux = Flux.objects.filter(pk=flux_id).first() if flux_id else None
        if flux is None:
            raise CommandError(f"flux inconnu : {quoted(options['flux'])}")
        services.mark_deposited(flux)
        self.stdout.write(f"Flux {flux.file_name} marqué déposé.")

    def _status(self, options: dict[str, Any]) -> None:
        services.refresh_declarations()
        rows = queries.status_rows(options["session"])
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        width = max(40, shutil.get_terminal_size((120, 20)).columns - 80)
        self.stdout.write(
            f"{'Candidat':<10} {'Certification':<14} {'État':<10} {'Échéance':<10} Message"
        )
        for row in rows:
            self.stdout.write(
                f"{row['candidate']:<10} {row['certification']:<14} {row['status']:<10} "
                f"{row['due']:<10} {row['message'][:width]}"
            )


def _uuid(text: str) -> str | None:
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return None
