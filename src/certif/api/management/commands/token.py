"""``certif token create USER [--name N] [--days D]``, ``certif token revoke PREFIX``,
``certif token list [USER]``: personal API tokens from the command line."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from certif.accounts.models import ApiToken
from certif.accounts.tokens import DEFAULT_DAYS, MAX_DAYS, TokenError, issue_token, revoke_token


class Command(BaseCommand):
    help = "Crée, révoque ou liste les jetons d'API (le secret n'est affiché qu'à la création)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="crée un jeton pour un compte")
        create.add_argument("username")
        create.add_argument("--name", default="ligne de commande", help="nom du jeton")
        create.add_argument(
            "--days",
            type=int,
            default=DEFAULT_DAYS,
            help=f"durée de validité en jours (1 à {MAX_DAYS}, {DEFAULT_DAYS} par défaut)",
        )
        revoke = actions.add_parser("revoke", help="révoque un jeton, désigné par son préfixe")
        revoke.add_argument("prefix")
        listing = actions.add_parser("list", help="liste les jetons (d'un compte)")
        listing.add_argument("username", nargs="?")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options["username"], options["name"], options["days"])
        elif action == "revoke":
            self._revoke(options["prefix"])
        else:
            self._list(options.get("username"))

    def _create(self, username: str, name: str, days: int) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"compte inconnu : {username}")
        try:
            issued = issue_token(user, name, days)
        except TokenError as error:
            raise CommandError(str(error)) from error
        token = issued.token
        self.stderr.write(
            f"Jeton {token.prefix} créé pour {username}, valable jusqu'au "
            f"{token.expires_at:%Y-%m-%d} ; copiez-le, il ne sera plus affiché :"
        )
        self.stdout.write(issued.secret)

    def _revoke(self, prefix: str) -> None:
        token = ApiToken.objects.filter(prefix=prefix).first()
        if token is None:
            raise CommandError(f"aucun jeton n'a le préfixe {prefix}")
        try:
            revoke_token(token)
        except TokenError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Jeton {prefix} révoqué.")

    def _list(self, username: str | None) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("user__username", "-created_at")
        if username:
            tokens = tokens.filter(user__username=username)
        for token in tokens:
            state = "révoqué" if token.is_revoked else "expiré" if token.is_expired else "actif"
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "jamais"
            self.stdout.write(
                f"{token.prefix}  {token.user.get_username()}  {token.name}  {state}  "
                f"expire {token.expires_at:%Y-%m-%d}  dernière utilisation {used}"
            )
