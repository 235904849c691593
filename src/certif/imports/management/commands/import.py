"""``certif import candidates|scores|cases FILE``: all or nothing, every error listed."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from certif.core.errors import Refused
from certif.core.progress import reporter_for
from certif.imports.candidates import CandidatesReport, import_candidates
from certif.imports.cases import CasesReport, import_cases
from certif.imports.reading import FileRejected
from certif.imports.scores import ScoresReport, import_scores


class Command(BaseCommand):
    help = "Importe des candidats ou des notes depuis un fichier CSV ou XLSX (tout ou rien)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        kinds = parser.add_subparsers(dest="kind", required=True)
        candidates = kinds.add_parser("candidates", help="candidats (numéro connu : mise à jour)")
        candidates.add_argument("file", metavar="FILE")
        cases = kinds.add_parser("cases", help="cas de la banque de cas (docs/casebank.md)")
        cases.add_argument("file", metavar="FILE")
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

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report: CandidatesReport | ScoresReport | CasesReport
            with reporter_for() as reporter:
                if options["kind"] == "cases":
                    report = import_cases(options["file"])
                elif options["kind"] == "candidates":
                    report = import_candidates(options["file"], reporter=reporter)
                else:
                    report = import_scores(
                        options["file"],
                        replace=options["replace"],
                        create_sessions=options["create_sessions"],
                        reporter=reporter,
                    )
        except FileRejected as rejected:
            self.stderr.write(
                f"Fichier refusé, rien n'a été enregistré ({rejected.total} erreur(s)) :"
            )
            self.stderr.write(rejected.describe())
            raise SystemExit(1) from None
        except Refused as refused:
            self.stderr.write(f"Import refusé, rien n'a été enregistré : {refused}")
            raise SystemExit(1) from None
        for line in report.lines():
            self.stdout.write(line)
