"""Personal API tokens: issuing, revoking, and recognising them on a request.

A token reads ``certif_<prefix>_<secret>``: the prefix finds the stored row, the SHA-256 of the
whole token is compared in constant time with the stored hash. The secret exists only in the
answer to its creation. A token authenticates as its user: the roles it carries are the user's,
read at each request, so that a role taken away takes effect at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from certif.accounts import actions
from certif.accounts.models import ApiToken
from certif.core import audit
from certif.core.audit import Actor
from certif.core.errors import Refused
from certif.core.service_writes import save_fields

SCHEME = "certif"
DEFAULT_DAYS = 90
MAX_DAYS = 365
NAME_MAX = 100
# last_used_at is written at most this often: a busy client must not write on every request.
USE_RESOLUTION = timedelta(minutes=5)
_PREFIX_BYTES = 6
_SECRET_BYTES = 32
_ATTEMPTS = 5


class TokenError(Refused):
    """A refused operation on a token; the message says why, in French."""


class InvalidToken(Exception):
    """The token presented does not authenticate anyone; the message says why, in French."""


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    # The full token, to give the person once: it is stored nowhere.
    secret: str


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _username(user: Any) -> str:
    return str(user.get_username())


def issue_token(user: Any, name: str, days: int = DEFAULT_DAYS, actor: Actor = None) -> IssuedToken:
    """A new token for ``user``, valid ``days`` days (at most a year)."""
    name = name.strip()
    if not name:
        raise TokenError("Donnez un nom au jeton (par exemple le programme qui l'utilisera).")
    if len(name) > NAME_MAX:
        raise TokenError(f"Le nom du jeton compte au plus {NAME_MAX} caractères.")
    if not 1 <= days <= MAX_DAYS:
        raise TokenError(f"Un jeton vaut de 1 à {MAX_DAYS} jours.")
    if not user.is_active:
        raise TokenError(f"Le compte « {_username(user)} » est désactivé.")
    expires_at = timezone.now() + timedelta(days=days)
    for _attempt in range(_ATTEMPTS):
        prefix = secrets.token_hex(_PREFIX_BYTES)
        raw = f"{SCHEME}_{prefix}_{secrets.token_urlsafe(_SECRET_BYTES)}"
        try:
            with transaction.atomic():
                token = ApiToken.objects.create(
                    user=user,
                    name=name,
                    prefix=prefix,
                    secret_hash=digest(raw),
                    expires_at=expires_at,
                )
                audit.record(
                    actions.TOKEN_CREATED,
                    token,
                    actor=actor,
                    after={
                        "user": _username(user),
                        "name": name,
                        "prefix": prefix,
                        "expires_at": expires_at.isoformat(),
                    },
                )
        except IntegrityError:
            # Another token drew the same prefix (one chance in 2^48): draw again.
            continue
        return IssuedToken(token, raw)
    raise TokenError("Impossible de créer un jeton pour l'instant : réessayez.")


def revoke_token(token: ApiToken, actor: Actor = None) -> ApiToken:
    """Revoke a token at once. A person revokes their own tokens; the command line any token."""
    user_id = getattr(actor, "pk", None)
    if (
        user_id is not None
        and user_id != token.user_id
        and not getattr(actor, "is_superuser", False)
    ):
        raise TokenError("Vous ne pouvez révoquer que vos propres jetons.")
    with transaction.atomic():
        current = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
        if current.revoked_at is not None:
            raise TokenError(f"Le jeton {current.prefix} est déjà révoqué.")
        _revoke(current, timezone.now(), actor)
    return current


def _revoke(token: ApiToken, now: datetime, actor: Actor, reason: str = "") -> None:
    """Revoke a token read under its lock, journalled."""
    save_fields(token, revoked_at=now)
    audit.record(
        actions.TOKEN_REVOKED,
        token,
        actor=actor,
        before={"revoked_at": None},
        after={"user": _username(token.user), "revoked_at": now.isoformat()},
        reason=reason,
    )


def revoke_all_tokens(user: Any, actor: Actor = None, reason: str = "") -> int:
    """Revoke every live token of ``user`` (each journalled, with ``reason``); how many.

    Called when the password changes: whoever learned the old password may have created a
    token with it, and a token does not ask for the password again."""
    now = timezone.now()
    with transaction.atomic():
        live = list(
            ApiToken.objects.select_for_update()
            .select_related("user")
            .filter(user=user, revoked_at__isnull=True, expires_at__gt=now)
        )
        for token in live:
            _revoke(token, now, actor, reason)
    return len(live)


def tokens_of(user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def authenticate(raw: str) -> Any:
    """The active user a token stands for; ``InvalidToken`` says why it does not."""
    scheme, _sep, rest = raw.strip().partition("_")
    prefix, _sep, secret = rest.partition("_")
    if scheme != SCHEME or not prefix or not secret:
        raise InvalidToken("Jeton mal formé : attendu « certif_… » tel qu'il a été créé.")
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.secret_hash, digest(raw.strip())):
        raise InvalidToken("Jeton inconnu.")
    now = timezone.now()
    if token.revoked_at is not None:
        raise InvalidToken(f"Le jeton {token.prefix} a été révoqué.")
    if token.expires_at <= now:
        raise InvalidToken(f"Le jeton {token.prefix} a expiré : créez-en un autre.")
    if not token.user.is_active:
        raise InvalidToken("Le compte de ce jeton est désactivé.")
    if token.last_used_at is None or now - token.last_used_at >= USE_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
