"""``certif backup FICHIER [--with-key]``."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from certif.core.errors import Refused
from certif.core.progress import reporter_for
from certif.maintenance import services


class Command(BaseCommand):
    help = (
        "Sauvegarde l'installation en service (base de données et documents archivés) dans un "
        "seul fichier, avec son manifeste."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", metavar="FICHIER", help="le fichier à écrire (.tar.gz)")
        parser.add_argument(
            "--with-key",
            action="store_true",
            help=(
                "inclut la clé de chiffrement des NIR (sans elle, les NIR restaurés sont "
                "illisibles ; avec elle, qui détient le fichier peut les lire)"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with reporter_for() as reporter:
                outcome = services.backup(
                    Path(options["file"]), with_key=options["with_key"], reporter=reporter
                )
        except Refused as refused:
            raise CommandError(str(refused)) from refused
        inventory = outcome.manifest.inventory
        self.stdout.write(
            f"Sauvegarde écrite : {outcome.path} ({len(inventory.tables)} tables, "
            f"{inventory.rows} lignes, {len(inventory.documents)} documents)."
        )
        for warning in outcome.warnings:
            self.stderr.write(f"attention : {warning}")
