"""``certif createuser USERNAME --role ROLE [--role ROLE] [--candidate NUMERO] [--email E]``."""

from __future__ import annotations

import getpass
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from certif.accounts.services import AccountError, create_user
from certif.candidates.models import Candidate
from certif.core.roles import Role
from certif.partners.models import Partner


class Command(BaseCommand):
    help = "Crée un compte avec ses rôles (gestionnaire, evaluateur, jury_membre, jury_president, candidat, partenaire)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--role", action="append", choices=[r.value for r in Role], required=True
        )
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--candidate", metavar="NUMERO", help="pour un compte candidat")
        parser.add_argument(
            "--partner", metavar="SIRET", help="pour un compte partenaire : son organisme"
        )
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="lit le mot de passe sur l'entrée standard",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        candidate = None
        if options["candidate"]:
            candidate = Candidate.objects.filter(numero=options["candidate"]).first()
            if candidate is None:
                raise CommandError(f"candidat inconnu : {options['candidate']}")
        partner = None
        if options["partner"]:
            siret = "".join(ch for ch in options["partner"] if ch.isdigit())
            partner = Partner.objects.filter(siret=siret).first()
            if partner is None:
                raise CommandError(f"organisme inconnu : {options['partner'][:80]}")
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Mot de passe : ")
        try:
            user = create_user(
                options["username"],
                password=password or None,
                roles=[Role(r) for r in options["role"]],
                email=options["email"],
                first_name=options["first_name"],
                last_name=options["last_name"],
                candidate=candidate,
                partner=partner,
            )
        except AccountError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Compte créé : {user.get_username()}")
