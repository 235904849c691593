"""``certif init``: create or migrate the database and load the built-in référentiel.

Idempotent: a second run changes nothing.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from certif.config import ensure_private_dir
from certif.demo import loader as demo
from certif.referential.services import load_builtin


class Command(BaseCommand):
    help = "Crée ou met à jour la base de données et charge le référentiel livré."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--demo",
            action="store_true",
            help="ajoute les comptes et les données de démonstration (usage local uniquement)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The owner's only: keys, database, candidates' files (certif.config).
        ensure_private_dir(settings.DATA_DIR)
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"Base de données à jour : {settings.DATABASES['default']['NAME']}")
        outcome = load_builtin()
        verb = "chargé" if outcome.created else "déjà chargé"
        self.stdout.write(f"Référentiel {verb} : {outcome.version}")
        call_command("collectstatic", interactive=False, verbosity=0)
        if options["demo"]:
            for line in demo.install_demo():
                self.stdout.write(line)
