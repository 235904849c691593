from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "certif.accounts"
    label = "accounts"
    verbose_name = _("Comptes et rôles")

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from certif.accounts import (
            checks,  # noqa: F401 (registers the deploy checks)
            signals,
        )
        from certif.accounts.lockouts import journal_lockout

        # A password changed outside the service still revokes the account's API tokens.
        signals.connect()

        # Every lockout, whichever door it came through, is journalled when it begins.
        user_locked_out.connect(journal_lockout, dispatch_uid="certif.accounts.lockouts")
