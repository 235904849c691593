"""``certif stats``: the results statistics of a scope (a session, a year, an access path, or
everyone), as a table, JSON (issue 15's contract) or an XLSX workbook; ``certif stats
insertion``: the insertion rates, as ``certif insertion stats`` gives them."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from certif.core.errors import Refused
from certif.domain.identity import ACCESS_PATHS
from certif.stats.presenting import as_json, statistics, table_lines, write_xlsx
from certif.stats.scope import Scope


class Command(BaseCommand):
    help = "Statistiques des résultats, des évaluateurs et tableaux France compétences."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "part",
            nargs="?",
            choices=["insertion"],
            help="insertion : les taux d'insertion des titulaires (certif insertion stats)",
        )
        parser.add_argument("--session", metavar="CODE", default="", help="une session")
        parser.add_argument("--year", metavar="YYYY", type=int, help="les sessions de l'année")
        parser.add_argument(
            "--access-path",
            metavar="VOIE",
            default="",
            choices=["", *ACCESS_PATHS],
            help="une voie d'accès (VAE…)",
        )
        parser.add_argument("--format", choices=["table", "json", "xlsx"], default="table")
        parser.add_argument("--out", metavar="FICHIER", help="le fichier à écrire")
        parser.add_argument(
            "--draws", type=int, default=None, help="tirages du bootstrap de l'alpha (1000)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["part"] == "insertion":
            self._insertion(options)
            return
        try:
            scope = Scope(
                session=options["session"],
                year=options["year"],
                access_path=options["access_path"],
            )
            found = statistics(scope, draws=options["draws"])
        except Refused as error:
            raise CommandError(str(error)) from error
        output, out = options["format"], options["out"]
        if output == "xlsx":
            if not out:
                raise CommandError("--format xlsx écrit un fichier : donnez-le avec --out.")
            write_xlsx(found, Path(out))
            self.stderr.write(f"Écrit : {out}")
            return
        if output == "json":
            text = json.dumps(as_json(found), ensure_ascii=False, indent=2) + "\n"
        else:
            text = "\n".join(table_lines(found)) + "\n"
        if out:
            Path(out).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")

    def _insertion(self, options: dict[str, Any]) -> None:
        """One command computes the insertion rates; this one only passes it the question."""
        if options["format"] == "xlsx" or options["session"] or options["access_path"]:
            raise CommandError(
                "certif stats insertion prend --year et --format json|table, rien d'autre."
            )
        named = {"format": options["format"], "stdout": self.stdout, "stderr": self.stderr}
        if options["year"] is not None:
            named["year"] = options["year"]
        call_command("insertion", "stats", **named)
