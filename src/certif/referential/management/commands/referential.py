"""``certif referential lint|show|load|versions``."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from certif.domain.referential.loading import ReferentialFileError, load_referential_file
from certif.referential import commandline
from certif.referential.models import ReferentialVersion
from certif.referential.services import ReferentialRejected, load_builtin, load_referential


class Command(BaseCommand):
    help = "Référentiels : vérifier (lint), afficher (show), charger en base (load), lister (versions)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        lint = actions.add_parser("lint", help="vérifier des fichiers")
        lint.add_argument("files", nargs="+", metavar="FILE")
        show = actions.add_parser("show", help="afficher un référentiel")
        show.add_argument("file", nargs="?", metavar="FILE")
        show.add_argument("--format", choices=["text", "json"], default="text")
        load = actions.add_parser(
            "load", help="charger un fichier en base (nouvelle version si modifié)"
        )
        load.add_argument(
            "file", nargs="?", metavar="FILE", help="par défaut : le référentiel livré"
        )
        actions.add_parser("versions", help="lister les versions chargées")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "lint":
            if commandline.lint_files(options["files"], self.stdout):
                raise SystemExit(1)
        elif action == "show":
            if commandline.show_file(options["file"], options["format"], self.stdout, self.stderr):
                raise SystemExit(1)
        elif action == "load":
            self.load(options["file"])
        else:
            for version in ReferentialVersion.objects.order_by("code", "number"):
                self.stdout.write(
                    f"{version.code} v{version.number} « {version.label} » {version.loaded_at:%Y-%m-%d %H:%M} "
                    f"{version.sha256[:12]} {version.source_name}"
                )

    def load(self, path: str | None) -> None:
        try:
            outcome = load_referential(load_referential_file(path)) if path else load_builtin()
        except (ReferentialFileError, ReferentialRejected) as error:
            raise CommandError(str(error)) from error
        version = outcome.version
        if outcome.created:
            self.stdout.write(f"Version chargée : {version}")
        else:
            self.stdout.write(f"Déjà chargée, rien à faire : {version}")
