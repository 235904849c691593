"""``certif partners import FILE | import-habilitations FILE | habilitations-export FILE |
list [--format json]``: the partners and their habilitations from and to files."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand

from certif.core.errors import Refused
from certif.core.progress import reporter_for
from certif.imports.partners import export_habilitations, import_habilitations, import_partners
from certif.imports.reading import FileRejected
from certif.partners.queries import partner_summaries


class Command(BaseCommand):
    help = (
        "Organismes partenaires : import, import des habilitations, liste pour France compétences."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        kinds = parser.add_subparsers(dest="kind", required=True)
        imported = kinds.add_parser("import", help="organismes (SIRET connu : mise à jour)")
        imported.add_argument("file", metavar="FILE")
        habilitations = kinds.add_parser(
            "import-habilitations", help="habilitations, activées à leur date de début"
        )
        habilitations.add_argument("file", metavar="FILE")
        exported = kinds.add_parser(
            "habilitations-export", help="la liste des habilitations pour France compétences"
        )
        exported.add_argument("file", metavar="FILE")
        exported.add_argument(
            "--date", type=date.fromisoformat, default=None, help="la liste à ce jour (AAAA-MM-JJ)"
        )
        listed = kinds.add_parser("list", help="les organismes et leurs habilitations")
        listed.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self._run(options)
        except FileRejected as rejected:
            self.stderr.write(
                f"Fichier refusé, rien n'a été enregistré ({rejected.total} erreur(s)) :"
            )
            self.stderr.write(rejected.describe())
            raise SystemExit(1) from None
        except Refused as refused:
            self.stderr.write(f"Refusé, rien n'a été enregistré : {refused}")
            raise SystemExit(1) from None

    def _run(self, options: dict[str, Any]) -> None:
        kind = options["kind"]
        if kind == "list":
            summaries = partner_summaries()
            if options["format"] == "json":
                self.stdout.write(json.dumps(summaries, ensure_ascii=False, indent=2))
            else:
                for partner in summaries:
                    self.stdout.write(
                        f"{partner['siret']}  {partner['legal_name']}  "
                        f"({len(partner['habilitations'])} habilitation(s))"  # type: ignore[arg-type]
                    )
            return
        if kind == "habilitations-export":
            exported = export_habilitations(options["file"], on=options["date"])
            self.stdout.write(
                f"{exported.rows} habilitation(s) écrite(s) dans {options['file']} ; "
                "marquez l'export « transmise » sur la page de la liste une fois envoyé."
            )
            return
        with reporter_for() as reporter:
            importer = import_partners if kind == "import" else import_habilitations
            report = importer(options["file"], reporter=reporter)
        for line in report.lines():
            self.stdout.write(line)
