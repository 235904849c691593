"""``certif export candidates|scores|results FILE``."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from certif.core.progress import reporter_for
from certif.imports.exports import KINDS, export
from certif.imports.reading import FileRejected


class Command(BaseCommand):
    help = "Exporte les candidats, les notes ou les résultats (CSV ou XLSX selon l'extension)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("file", metavar="FILE")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with reporter_for() as reporter:
                rows = export(options["kind"], options["file"], reporter=reporter)
        except FileRejected as rejected:
            raise CommandError(rejected.describe()) from None
        self.stdout.write(f"{rows} ligne(s) écrite(s) dans {options['file']}")
