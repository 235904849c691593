"""``certif stats``: the results statistics of a scope (a session, a year, an access path, or
everyone), as a table, JSON (issue 15's contract) or an XLSX workbook."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from certif.core.errors import Refused
from certif.domain.identity import ACCESS_PATHS
from certif.stats.presenting import as_json, statistics, table_lines, write_xlsx
from certif.stats.scope import Scope


class Command(BaseCommand):
    help = "Statistiques des résultats, des évaluateurs et tableaux France compétences."

    def add_arguments(self, parser: ArgumentParser) -> None:
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
