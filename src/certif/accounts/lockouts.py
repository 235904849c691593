"""Sign-ins locked after repeated failures: django-axes counts them, Certif journals each
lockout, shows the current ones to gestionnaires and lifts one on request.

Axes counts the failures of the login page and the admin's (through Django's authentication
signals) and of the API's bearer tokens (``api_door_locked``, ``api_failure``): an account's
login is locked after ``AXES_FAILURE_LIMIT`` failures from anywhere, an address after as many
failures whatever the login, each for ``AXES_COOLOFF_TIME`` after the last failure. A lockout
is journalled when it begins, not at each attempt it refuses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from certif.accounts import actions
from certif.accounts.forms import LiftLockoutForm, LockKind
from certif.accounts.policies import LIFT_REFUSED, may_lift_lockouts
from certif.core import audit
from certif.core.audit import Actor
from certif.core.errors import Refused
from certif.core.policies import require
from certif.core.validation import validated

# The credentials an API attempt stands for: a token names no login, so it counts per address.
API_CREDENTIALS: dict[str, Any] = {"username": None}


def lockout_parameters(request_or_attempt: Any, credentials: dict[str, Any] | None) -> list[str]:
    """Axes' AXES_LOCKOUT_PARAMETERS: per login and per address, each on its own; an attempt
    that names no login (a bearer token) per address only — otherwise every such attempt,
    from anywhere, would add up under one empty login."""
    username = (credentials or {}).get("username")
    if username is None and credentials is None:
        username = getattr(request_or_attempt, "username", None)
    return ["username", "ip_address"] if username else ["ip_address"]


def cool_off() -> timedelta:
    delta = get_cool_off()
    assert delta is not None, "AXES_COOLOFF_TIME is set in the settings"
    return delta


def cool_off_minutes() -> int:
    return max(1, round(cool_off().total_seconds() / 60))


def failure_limit() -> int:
    return int(settings.AXES_FAILURE_LIMIT)


class LockoutBackend(AxesStandaloneBackend):
    """Axes' backend (first in AUTHENTICATION_BACKENDS: a locked login is refused before its
    password is checked), for sign-ins that come with a request. One without (a command on
    the server, a test client's ``login``) is not a door from outside: axes would refuse it
    outright, it is let through to the password check."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


# -- the API's door --------------------------------------------------------------------------


def api_door_locked(request: HttpRequest) -> bool:
    """Whether the caller's address is locked out (checked before the token is even read)."""
    return not AxesProxyHandler.is_allowed(request, dict(API_CREDENTIALS))


def api_failure(request: HttpRequest) -> bool:
    """Count a refused bearer token against the caller's address (journalled if it locks it);
    whether the address is now locked."""
    user_login_failed.send(sender=__name__, credentials=dict(API_CREDENTIALS), request=request)
    locked = bool(getattr(request, "axes_locked_out", False))
    # The API answers the lockout itself (a problem, 429): axes' middleware must not turn the
    # answer into the login page.
    request.axes_locked_out = False  # type: ignore[attr-defined]
    return locked


# -- journalling -----------------------------------------------------------------------------


def _describe(username: str | None, ip: str | None) -> str:
    if username:
        return f"connexion « {username} » depuis {ip or '?'}"
    return f"connexion depuis {ip or '?'}"


def journal_lockout(
    sender: Any, request: Any, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    """Receiver of axes' ``user_locked_out``: journal the lockout as it begins.

    Axes also sends the signal for each attempt refused while locked; those carry no failure
    count (``axes_failures_since_start``), the one that locked does."""
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is None:
        return
    attempt = (
        AccessAttempt.objects.filter(username=username, ip_address=ip_address)
        .order_by("-attempt_time")
        .first()
    )
    if attempt is None:
        return
    audit.record(
        actions.LOCKED_OUT,
        attempt,
        after={
            "username": username or "",
            "ip_address": ip_address or "",
            "failures": failures,
            "path": getattr(request, "path", ""),
            "cool_off_minutes": cool_off_minutes(),
        },
        label=_describe(username, ip_address),
    )


# -- the current lockouts --------------------------------------------------------------------


@dataclass(frozen=True)
class Lockout:
    kind: LockKind
    value: str
    failures: int
    last_attempt: datetime
    until: datetime

    @property
    def kind_label(self) -> str:
        return str(self.kind.label)


def current_lockouts(now: datetime | None = None) -> list[Lockout]:
    """The logins and the addresses locked now, the latest first."""
    now = now or timezone.now()
    delay = cool_off()
    rows = AccessAttempt.objects.filter(attempt_time__gte=now - delay).values_list(
        "username", "ip_address", "failures_since_start", "attempt_time"
    )
    counts: dict[tuple[LockKind, str], tuple[int, datetime]] = {}
    for username, ip, failures, at in rows:
        keys = [(LockKind.ADDRESS, ip)] if ip else []
        if username:
            keys.append((LockKind.ACCOUNT, username))
        for key in keys:
            total, latest = counts.get(key, (0, at))
            counts[key] = (total + failures, max(latest, at))
    limit = failure_limit()
    found = [
        Lockout(kind, value, total, latest, latest + delay)
        for (kind, value), (total, latest) in counts.items()
        if total >= limit
    ]
    return sorted(found, key=lambda lock: (lock.last_attempt, lock.kind, lock.value), reverse=True)


def _attempts(kind: LockKind, value: str) -> Any:
    if kind == LockKind.ACCOUNT:
        return AccessAttempt.objects.filter(username=value)
    return AccessAttempt.objects.filter(ip_address=value)


def lift_lockout(data: Any, actor: Actor = None) -> Lockout:
    """Lift the lockout of a login or of an address at once (its failures are forgotten),
    journalled with who lifted it."""
    cleaned = validated(LiftLockoutForm, data)
    require(actor, may_lift_lockouts, message=LIFT_REFUSED)
    kind, value = LockKind(cleaned["kind"]), cleaned["value"]
    with transaction.atomic():
        lockout = next(
            (lock for lock in current_lockouts() if (lock.kind, lock.value) == (kind, value)),
            None,
        )
        if lockout is None:
            raise Refused(f"Aucun blocage en cours pour {kind.label} « {value} ».")
        latest = _attempts(kind, value).order_by("-attempt_time").first()
        assert latest is not None
        audit.record(
            actions.LOCKOUT_LIFTED,
            latest,
            actor=actor,
            after={"kind": kind.value, "value": value, "failures": lockout.failures},
            label=f"{kind.label} « {value} »",
        )
        if kind == LockKind.ACCOUNT:
            AxesProxyHandler.reset_attempts(username=value)
        else:
            AxesProxyHandler.reset_attempts(ip_address=value)
    return lockout
