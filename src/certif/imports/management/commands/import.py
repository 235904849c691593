"""``certif import candidates|scores FILE``: all or nothing, every error listed;
``certif import revert BATCH_ID --reason …``: undo a scores import nothing depends on yet."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from certif.core.progress import reporter_for
from certif.imports.candidates import CandidatesReport, import_candidates
from certif.imports.commandline import refusals_reported
from certif.imports.models import ImportBatch
from certif.imports.reverting import revert_import
from certif.imports.scores import ScoresReport, import_scores


class Command(BaseCommand):
    help = "Importe des candidats ou des notes depuis un fichier CSV ou XLSX (tout ou rien)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        kinds = parser.add_subparsers(dest="kind", required=True)
        candidates = kinds.add_parser("candidates", help="candidats (numéro connu : mise à jour)")
        candidates.add_argument("file", metavar="FILE")
        scores = kinds.add_parser("scores", help="notes, une ligne par valeur")
        scores.add_argument("file", metavar="FILE")
        scores.add_argument(
            "--replace",
            action="store_true",
            help="remplace une note déjà enregistrée par une valeur différente (l'historique la garde)",
        )
        scores.add_argument(
            "--create-sessions",
            action="store_true",
            help="crée les sessions inconnues que le fichier nomme (sinon : refusées, une faute "
            "de frappe ne devient pas une session)",
        )
        scores.add_argument(
            "--include-validated",
            action="store_true",
            help="inscrit aussi un candidat à un bloc qu'un jury lui a déjà validé (sinon : ses "
            "lignes qui l'y inscriraient sont laissées de côté)",
        )
        revert = kinds.add_parser(
            "revert", help="annule un import de notes tant que rien n'en dépend"
        )
        revert.add_argument("batch", metavar="BATCH_ID", type=int, help="numéro de l'import")
        revert.add_argument("--reason", required=True, help="motif, gardé au journal")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["kind"] == "revert":
            self._revert(options["batch"], options["reason"])
            return
        report: CandidatesReport | ScoresReport
        with refusals_reported(self.stderr), reporter_for() as reporter:
            if options["kind"] == "candidates":
                report = import_candidates(options["file"], reporter=reporter)
            else:
                report = import_scores(
                    options["file"],
                    replace=options["replace"],
                    create_sessions=options["create_sessions"],
                    include_validated=options["include_validated"],
                    reporter=reporter,
                )
        for line in report.lines():
            self.stdout.write(line)

    def _revert(self, batch_id: int, reason: str) -> None:
        batch = ImportBatch.objects.filter(pk=batch_id).first()
        if batch is None:
            raise CommandError(f"Import n° {batch_id} inconnu.")
        with refusals_reported(self.stderr, "Annulation refusée"):
            outcome = revert_import(batch, {"motif": reason})
        self.stdout.write(f"Import n° {batch_id} annulé.")
        for line in outcome.lines():
            self.stdout.write(line)
