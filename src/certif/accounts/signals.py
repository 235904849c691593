"""A password changed by any other way than ``services.set_password`` (Django's
``changepassword`` command, a shell) revokes the account's API tokens all the same, journalled
with no person behind it.

Django marks a real change: ``set_password`` keeps the new password on the instance
(``_password``) until it is saved, and a mere rehash at login clears it first, which is not a
change ("Password hash upgrades shouldn't be considered password changes").
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save, pre_save

# Set by services.set_password on the instance it saves: that path journals and revokes itself.
HANDLED = "_certif_password_handled"
_CHANGED = "_certif_password_changed"


def _note_change(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    if instance.pk is None or getattr(instance, HANDLED, False):
        return
    if getattr(instance, "_password", None) is None:
        return
    if update_fields is not None and "password" not in update_fields:
        return
    setattr(instance, _CHANGED, True)


def _revoke_after_change(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if not getattr(instance, _CHANGED, False):
        return
    setattr(instance, _CHANGED, False)
    from certif.accounts import actions
    from certif.accounts.services import TOKENS_REVOKED_REASON
    from certif.accounts.tokens import revoke_all_tokens
    from certif.core import audit

    audit.record(actions.PASSWORD_CHANGED, instance)
    revoke_all_tokens(instance, reason=TOKENS_REVOKED_REASON)


def connect() -> None:
    user_model = get_user_model()
    pre_save.connect(_note_change, sender=user_model, dispatch_uid="certif.accounts.password.pre")
    post_save.connect(
        _revoke_after_change, sender=user_model, dispatch_uid="certif.accounts.password.post"
    )
