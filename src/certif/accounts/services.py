"""Creating accounts, giving roles, declaring links of interest."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.db import transaction

from certif.accounts import actions, signals
from certif.accounts.models import ConflictKind, ConflictOfInterest
from certif.accounts.tokens import revoke_all_tokens
from certif.candidates.models import Candidate
from certif.core import audit
from certif.core.audit import Actor
from certif.core.errors import Refused
from certif.core.roles import Role, ensure_groups
from certif.core.service_writes import save_fields
from certif.partners.models import Partner
from certif.partners.services import bind_member


class AccountError(Refused):
    """A refused account operation; the message is French."""


def create_user(
    username: str,
    *,
    password: str | None,
    roles: Iterable[Role],
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    candidate: Candidate | None = None,
    partner: Partner | None = None,
    actor: Actor = None,
) -> AbstractUser:
    """A new account with its roles; a candidate account is linked to its candidate record, a
    partner account (or an evaluator working for a partner) to its partner."""
    roles = list(roles)
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise AccountError(f"l'identifiant « {username} » est déjà pris")
    if Role.CANDIDATE in roles and candidate is None:
        raise AccountError("un compte candidat doit être relié à un candidat (numéro)")
    if Role.PARTNER in roles and partner is None:
        raise AccountError("un compte partenaire doit être relié à un organisme (SIRET)")
    if candidate is not None and candidate.user_id is not None:
        raise AccountError(f"le candidat {candidate.numero} a déjà un compte")
    with transaction.atomic():
        ensure_groups()
        user: Any = User.objects.create_user(
            username, email=email, password=password, first_name=first_name, last_name=last_name
        )
        if password is None:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        user.groups.set(Group.objects.filter(name__in=[role.value for role in roles]))
        if candidate is not None:
            candidate.user = user
            candidate.save(update_fields=["user", "updated_at"])
        if partner is not None:
            bind_member(user, partner)
        audit.record(
            actions.USER_CREATED,
            user,
            actor=actor,
            after={
                "username": username,
                "roles": [r.value for r in roles],
                **({"partner": partner.siret} if partner is not None else {}),
            },
        )
    return user


def set_roles(user: AbstractUser, roles: Iterable[Role], actor: Actor = None) -> None:
    """Give exactly these roles; groups that are not roles are kept."""
    roles = list(roles)
    role_names = [role.value for role in Role]
    before = sorted(user.groups.filter(name__in=role_names).values_list("name", flat=True))
    with transaction.atomic():
        ensure_groups()
        others = list(user.groups.exclude(name__in=role_names))
        user.groups.set([*others, *Group.objects.filter(name__in=[role.value for role in roles])])
        audit.record(
            actions.USER_ROLES,
            user,
            actor=actor,
            before=before,
            after=sorted(r.value for r in roles),
        )


def declare_conflict(
    user: AbstractUser,
    candidate: Candidate,
    kind: ConflictKind,
    note: str = "",
    actor: Actor = None,
) -> ConflictOfInterest:
    with transaction.atomic():
        conflict, created = ConflictOfInterest.objects.update_or_create(
            user=user, candidate=candidate, defaults={"kind": kind, "note": note}
        )
        audit.record(
            actions.CONFLICT_DECLARED if created else actions.CONFLICT_UPDATED,
            conflict,
            actor=actor,
            after={
                "user": user.get_username(),
                "candidate": candidate.numero,
                "kind": kind,
                "note": note,
            },
        )
    return conflict


def withdraw_conflict(conflict: ConflictOfInterest, actor: Actor = None) -> None:
    """Remove a declared link, journalled like its declaration."""
    with transaction.atomic():
        audit.record(
            actions.CONFLICT_WITHDRAWN,
            conflict,
            actor=actor,
            before={
                "user": conflict.user.get_username(),
                "candidate": conflict.candidate.numero,
                "kind": conflict.kind,
                "note": conflict.note,
            },
        )
        conflict.delete()


def conflicted_pairs(user_ids: Iterable[int], candidate_ids: Iterable[int]) -> set[tuple[int, int]]:
    """(user, candidate) pairs linked by a declared conflict, among those given."""
    return set(
        ConflictOfInterest.objects.filter(
            user_id__in=list(user_ids), candidate_id__in=list(candidate_ids)
        ).values_list("user_id", "candidate_id")
    )


# What a gestionnaire or an administrator changes of an account (never its password here).
ACCOUNT_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "is_active",
    "is_staff",
    "is_superuser",
)


def update_account(
    user: AbstractUser, changes: Mapping[str, Any], actor: Actor = None
) -> AbstractUser:
    """Change an account's fields; the journal keeps each one before and after."""
    unknown = sorted(set(changes) - set(ACCOUNT_FIELDS))
    if unknown:
        raise AccountError(f"champ(s) non modifiable(s) ici : {', '.join(unknown)}")
    with transaction.atomic():
        current = type(user).objects.select_for_update().get(pk=user.pk)
        changed = {
            name: value for name, value in changes.items() if getattr(current, name) != value
        }
        if not changed:
            return current
        before = {name: getattr(current, name) for name in changed}
        save_fields(current, **changed)
        audit.record(actions.USER_UPDATED, current, actor=actor, before=before, after=changed)
    return current


# Why the API tokens of an account go when its password changes (the journal's reason).
TOKENS_REVOKED_REASON = "mot de passe changé : les jetons créés avec l'ancien sont révoqués"


def set_password(user: AbstractUser, raw_password: str, actor: Actor = None) -> int:
    """A new password (validated by the form that received it); the journal says who changed
    it, never what it is. Every API token of the account is revoked with it (a token created
    by whoever knew the old password must not outlive it); how many were."""
    with transaction.atomic():
        user.set_password(raw_password)
        # This path journals and revokes with the person who acted (not the signal's way).
        setattr(user, signals.HANDLED, True)
        try:
            user.save(update_fields=["password"])
        finally:
            setattr(user, signals.HANDLED, False)
        audit.record(actions.PASSWORD_CHANGED, user, actor=actor)
        return revoke_all_tokens(user, actor=actor, reason=TOKENS_REVOKED_REASON)


def open_account(user: AbstractUser, actor: Actor = None) -> AbstractUser:
    """An account prepared by the admin's « add » form (login and password hash set), saved
    and journalled; roles are given afterwards (``set_roles``)."""
    with transaction.atomic():
        user.save()
        audit.record(
            actions.USER_CREATED,
            user,
            actor=actor,
            after={"username": user.get_username(), "roles": []},
        )
    return user
