"""``certif cases``: the bank of cases from the command line.

- ``draw --session CODE``: draw a case for every enrolled candidate and épreuve that has none
  yet in the session (all or nothing; exit 1 with the reasons when the bank cannot);
- ``list [--session CODE]``: the bank's cases, or the draws of a session (references only).
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from certif.casebank import queries, services
from certif.core.errors import Refused
from certif.core.text import quoted
from certif.sessions.models import ExamSession


class Command(BaseCommand):
    help = "Banque de cas : tirer les cas d'une session, lister les cas."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        draw = actions.add_parser("draw", help="tirer les cas des candidats d'une session")
        draw.add_argument("--session", required=True, metavar="CODE")
        listing = actions.add_parser(
            "list", help="les cas de la banque, ou les tirages d'une session"
        )
        listing.add_argument("--session", metavar="CODE")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except Refused as refused:
            raise CommandError(str(refused)) from refused

    def _session(self, code: str) -> ExamSession:
        session = (
            ExamSession.objects.select_related("referential_version").filter(code=code).first()
        )
        if session is None:
            raise CommandError(f"session inconnue : {quoted(code)}")
        return session

    def _draw(self, options: dict[str, Any]) -> None:
        outcome = services.draw_cases(self._session(options["session"]), actor=None)
        self.stdout.write(
            f"{outcome.drawn} cas tiré(s) dans la session {outcome.session.code} "
            f"({outcome.already} tirage(s) déjà faits conservés)."
        )

    def _list(self, options: dict[str, Any]) -> None:
        if options["session"]:
            session = self._session(options["session"])
            for draw in queries.session_draws(session):
                self.stdout.write(
                    f"{draw.candidate.numero}\t{draw.slot}\t{draw.case.reference}\tv{draw.version.number}"
                )
            return
        for case in queries.bank():
            state = "retiré" if case.retired else "en service"
            self.stdout.write(f"{case.reference}\t{case.slot}\t{state}\t{case.title}")
