"""Deployment checks of accounts (``certif check --deploy``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register

from certif.accounts.policies import may_reset_by_mail


@register(Tags.security, deploy=True)
def mail_is_configured(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """Without a mail server, password reset is refused (the link would stay in a log)."""
    if may_reset_by_mail():
        return []
    return [
        Warning(
            f"No mail server is configured (EMAIL_BACKEND is {settings.EMAIL_BACKEND}): "
            "password reset by e-mail is refused.",
            hint="Set CERTIF_EMAIL_URL (smtp://user:password@host:587) or CERTIF_EMAIL_HOST.",
            id="certif.W001",
        )
    ]
