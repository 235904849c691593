"""``certif insertion send|import|stats``: the insertion survey from the command line.

It lives with the importers because ``import`` reads files through them, and the importers'
layer sits above the survey's app (pyproject.toml's import-linter layers).
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from certif.core.progress import reporter_for
from certif.domain.statistics.rates import format_rate
from certif.imports.commandline import refusals_reported
from certif.imports.insertion import import_insertion
from certif.insertion.models import Point
from certif.insertion.queries import insertion_rates, rates_json
from certif.insertion.services import send_due

POINT_WORDS = dict(Point.choices)


class Command(BaseCommand):
    help = "Enquête d'insertion : envoi des enquêtes dues, import de réponses, taux."

    def add_arguments(self, parser: ArgumentParser) -> None:
        verbs = parser.add_subparsers(dest="verb", required=True)
        send = verbs.add_parser(
            "send", help="ouvre les enquêtes dues, envoie courriels et relances"
        )
        send.add_argument(
            "--dry-run", action="store_true", help="compte ce qui serait envoyé, sans rien écrire"
        )
        imported = verbs.add_parser("import", help="réponses recueillies hors du formulaire")
        imported.add_argument("file", metavar="FILE")
        stats = verbs.add_parser("stats", help="taux d'insertion (FAQ de France compétences)")
        stats.add_argument("--year", type=int, help="promotion : année de certification")
        stats.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        with refusals_reported(self.stderr, "Refusé"):
            getattr(self, f"_{options['verb']}")(options)

    def _send(self, options: dict[str, Any]) -> None:
        with reporter_for() as reporter:
            outcome = send_due(reporter=reporter, dry_run=options["dry_run"])
        for line in outcome.summary():
            self.stdout.write(line)

    def _import(self, options: dict[str, Any]) -> None:
        with reporter_for() as reporter:
            report = import_insertion(options["file"], reporter=reporter)
        for line in report.lines():
            self.stdout.write(line)

    def _stats(self, options: dict[str, Any]) -> None:
        found = insertion_rates(options["year"])
        if options["format"] == "json":
            self.stdout.write(json.dumps(rates_json(options["year"], found), ensure_ascii=False,
                                         indent=2))  # fmt: skip
            return
        header = ("Promotion", "Enquête", "Interrogés", "Répondants", "Taux de réponse",
                  "Neutralisés", "Taux d'emploi", "Taux métier visé")  # fmt: skip
        rows = [
            (str(f.cohort), str(POINT_WORDS[Point(f.point.value)]), str(f.surveyed),
             str(f.respondents), format_rate(f.response_rate), str(f.neutralised),
             format_rate(f.employment_rate), format_rate(f.targeted_job_rate))
            for f in found
        ]  # fmt: skip
        widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
        for row in (header, *rows):
            self.stdout.write(
                "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            )
        if not rows:
            self.stdout.write("Aucune enquête.")
