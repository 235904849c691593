"""``certif templates DIR``: write the import template files, ready to fill in."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from certif.imports.templates import write_templates
from certif.referential.services import current_version


class Command(BaseCommand):
    help = "Écrit les modèles de fichiers d'import (candidats, notes) en CSV et XLSX."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("folder", metavar="DIR")

    def handle(self, *args: Any, **options: Any) -> None:
        version = current_version()
        if version is None:
            raise CommandError("Aucun référentiel chargé : lancez « certif init ».")
        for path in write_templates(version.referential, Path(options["folder"])):
            self.stdout.write(f"Modèle écrit : {path}")
