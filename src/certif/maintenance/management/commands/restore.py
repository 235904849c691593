"""``certif restore FICHIER``."""

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
        "Restaure une sauvegarde de « certif backup » dans une installation vide, puis vérifie "
        "les lignes de chaque table et les empreintes des documents."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", metavar="FICHIER", help="la sauvegarde à restaurer")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with reporter_for() as reporter:
                outcome = services.restore(Path(options["file"]), reporter=reporter)
        except Refused as refused:
            raise CommandError(str(refused)) from refused
        manifest = outcome.manifest
        inventory = manifest.inventory
        self.stdout.write(
            f"Sauvegarde du {manifest.created_at} (Certif {manifest.certif_version}) restaurée "
            f"et vérifiée : {len(inventory.tables)} tables, {inventory.rows} lignes, "
            f"{len(inventory.documents)} documents."
        )
        if outcome.key_written is not None:
            self.stdout.write(f"Clé de chiffrement des NIR écrite dans {outcome.key_written}.")
        for warning in outcome.warnings:
            self.stderr.write(f"attention : {warning}")
