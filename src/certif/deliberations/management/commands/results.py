"""``certif results``: every candidate's official standing — the last closed jury decision on
each unit and the certification where there is one, otherwise the rules' stored result — and,
for each, its ``source`` (« jury » with the deliberation, or « engine »)."""

from __future__ import annotations

import csv
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from certif.core.progress import reporter_for
from certif.deliberations.standing import official_results, official_summaries
from certif.results import presenting
from certif.results.models import CandidateResult
from certif.results.queries import iter_results, iter_summaries, population_referentials
from certif.results.services import recompute_all


class Command(BaseCommand):
    help = "Affiche les décisions (statut et note de chaque bloc, explication)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--format", choices=["table", "json", "csv"], default="table")
        parser.add_argument(
            "--session", metavar="CODE", help="les candidats ayant une feuille dans cette session"
        )
        parser.add_argument("--candidate", metavar="NUMERO", help="un seul candidat")
        parser.add_argument(
            "--recompute",
            action="store_true",
            help="recalcule d'abord les décisions de tous les candidats (après un changement de règles)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["recompute"]:
            with reporter_for() as reporter:
                reporter.phase("Calcul des résultats")
                recompute_all(progress=reporter.advance)
        session, candidate = options["session"], options["candidate"]
        if candidate and not CandidateResult.objects.filter(candidate__numero=candidate).exists():
            raise CommandError(f"candidat inconnu : {candidate}")
        output = options["format"]
        results = official_results(iter_results(session=session, candidate=candidate))
        referentials = population_referentials(session=session, candidate=candidate)
        if output == "json":
            summaries = official_summaries(iter_summaries(session=session, candidate=candidate))
            for piece in presenting.json_chunks(summaries):
                self.stdout.write(piece, ending="")
        elif output == "csv":
            writer = csv.writer(self.stdout, delimiter=";", lineterminator="\n")
            header = presenting.csv_header(referentials)
            writer.writerow(header)
            for numero, decision in results:
                writer.writerow(presenting.csv_row(header, numero, decision))
        else:
            for line in presenting.table_lines(results, referentials):
                self.stdout.write(line)
