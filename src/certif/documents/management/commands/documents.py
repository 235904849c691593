"""``certif documents generate --session CODE --kind KIND [--out DIR|FILE.zip]`` and
``certif documents check`` (the certifier's settings, as its documents will print them)."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from certif.core.progress import reporter_for
from certif.documents import services
from certif.documents.archive import archived, write_folder, write_zip
from certif.documents.content import Issuer, MentionsMissing
from certif.documents.mentions import lint_certifier
from certif.documents.models import IssuedDocument, Kind
from certif.sessions.models import ExamSession

# Archived PDFs read from the database at a time.
CHUNK = 100


class Command(BaseCommand):
    help = "Produit les documents officiels d'une session (parchemins, attestations, relevés, PV, convocations)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        generate = actions.add_parser(
            "generate",
            help="produit (ou retrouve, s'ils sont déjà délivrés) les documents d'une session",
        )
        generate.add_argument("--session", required=True, metavar="CODE")
        generate.add_argument("--kind", required=True, choices=Kind.values)
        generate.add_argument(
            "--acknowledge-warnings",
            action="store_true",
            help="produit malgré les avertissements (convocations d'une session terminée, "
            "relevés avant toute délibération close)",
        )
        generate.add_argument(
            "--out",
            metavar="DOSSIER|FICHIER.zip",
            help="écrit aussi les PDF dans un dossier (un fichier par document) ou dans un zip",
        )

        actions.add_parser(
            "check",
            help="vérifie les paramètres du certificateur : identité complète, aucune mention "
            "interdite (logo ou nom de France compétences, « sous réserve », « en cours »)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "check":
            self._check()
            return
        session = ExamSession.objects.filter(code=options["session"]).first()
        if session is None:
            raise CommandError(f"session inconnue : {options['session']}")
        kind = Kind(options["kind"])
        with reporter_for() as reporter:
            reporter.phase(f"Documents : {kind.label}", len(services.subjects(session, kind)))
            try:
                outcome = services.generate(
                    session,
                    kind,
                    None,
                    progress=reporter.advance,
                    acknowledged=options["acknowledge_warnings"],
                )
            except services.NeedsAcknowledgement as told:
                for warning in told.warnings:
                    self.stderr.write(f"avertissement : {warning}")
                raise CommandError(
                    "rien n'a été produit : relancez avec --acknowledge-warnings"
                ) from told
            except services.DocumentRefused as refused:
                raise CommandError(str(refused)) from refused
        self.stdout.write(
            f"{len(outcome.issued)} document(s) produit(s), {len(outcome.existing)} déjà "
            f"délivré(s), {len(outcome.refused)} refusé(s)."
        )
        for refusal in outcome.refused:
            self.stderr.write(f"refusé : {refusal}")
        if options["out"]:
            self._write(Path(options["out"]), outcome.documents)

    def _check(self) -> None:
        """Every problem on its own line; a failing exit status when there is one, for scripts."""
        problems = [str(finding) for finding in lint_certifier()]
        try:
            Issuer.load().require()
        except MentionsMissing as missing:
            problems.insert(0, str(missing))
        if not problems:
            self.stdout.write("Paramètres du certificateur : aucun problème.")
            return
        for problem in problems:
            self.stderr.write(problem)
        raise CommandError(f"{len(problems)} problème(s) dans les paramètres du certificateur.")

    def _write(self, out: Path, documents: list[IssuedDocument]) -> None:
        ids = sorted(document.pk for document in documents)
        files = archived(
            document
            for start in range(0, len(ids), CHUNK)
            for document in IssuedDocument.objects.filter(pk__in=ids[start : start + CHUNK])
            .select_related("session", "candidate", "deliberation")
            .order_by("pk")
        )
        if out.suffix.lower() == ".zip":
            out.parent.mkdir(parents=True, exist_ok=True)
            with out.open("wb") as stream:
                count = write_zip(files, stream)
        else:
            count = write_folder(files, out)
        self.stdout.write(f"{count} fichier(s) écrit(s) dans {out}.")
