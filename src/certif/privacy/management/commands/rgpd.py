"""``certif rgpd purge [--dry-run]`` · ``certif rgpd export NUMERO FICHIER.zip [--with-nir]`` ·
``certif rgpd anonymise NUMERO --reason MOTIF [--yes]``."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from certif.core.errors import Invalid, Refused
from certif.core.progress import reporter_for
from certif.privacy import services
from certif.privacy.retention import KIND_LABELS, KINDS


class Command(BaseCommand):
    help = "Données personnelles (RGPD) : purge selon les durées de conservation, export, anonymisation."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        purge = actions.add_parser(
            "purge", help="efface ou anonymise ce que les durées de conservation désignent"
        )
        purge.add_argument(
            "--dry-run", action="store_true", help="dit seulement ce qui serait effacé"
        )
        export = actions.add_parser(
            "export", help="toutes les données d'un candidat et ses documents, dans un zip"
        )
        export.add_argument("numero", metavar="NUMERO")
        export.add_argument("file", metavar="FICHIER.zip")
        export.add_argument(
            "--with-nir",
            action="store_true",
            help="le NIR en clair (masqué sinon) ; la lecture est journalisée",
        )
        anonymise = actions.add_parser(
            "anonymise", help="retire définitivement l'identité d'un candidat"
        )
        anonymise.add_argument("numero", metavar="NUMERO")
        anonymise.add_argument("--reason", required=True, metavar="MOTIF")
        anonymise.add_argument(
            "--yes", action="store_true", help="sans demander de retaper le numéro"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except Invalid as invalid:
            raise CommandError(
                " ".join(m for messages in invalid.errors.values() for m in messages)
            ) from invalid
        except Refused as refused:
            raise CommandError(str(refused)) from refused

    def _purge(self, options: dict[str, Any]) -> None:
        with reporter_for() as reporter:
            outcome = services.purge(dry_run=options["dry_run"], reporter=reporter)
        heading = (
            "Purge à blanc : rien n'a été modifié. Seraient traités :"
            if outcome.dry_run
            else "Purge effectuée et journalisée :"
        )
        self.stdout.write(heading)
        for kind in KINDS:
            self.stdout.write(f"  {outcome.counts[kind]:>8}  {KIND_LABELS[kind]}")

    def _export(self, options: dict[str, Any]) -> None:
        candidate = services.find(options["numero"])
        out = Path(options["file"])
        count = services.export_personal_data(candidate, out, with_nir=options["with_nir"])
        nir = "en clair" if options["with_nir"] else "masqué"
        self.stdout.write(
            f"Données de {candidate.numero} écrites dans {out} ({count} document(s), NIR {nir})."
        )

    def _anonymise(self, options: dict[str, Any]) -> None:
        candidate = services.find(options["numero"])
        typed = candidate.numero
        if not options["yes"]:
            self.stdout.write(
                f"L'anonymisation de {candidate} est définitive : son identité sera retirée, "
                "ses documents resteront vérifiables par leur numéro."
            )
            typed = input("Retapez le numéro du candidat pour confirmer : ")
        done = services.anonymise(candidate, {"confirmation": typed, "reason": options["reason"]})
        self.stdout.write(f"Candidat anonymisé : il porte désormais le numéro {done.numero}.")
