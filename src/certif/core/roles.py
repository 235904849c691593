"""The roles people hold in Certif, as Django groups, and the checks views rely on.

A person may hold several roles (a gestionnaire may also sit on a jury). Superusers
hold every role.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    STAFF = "gestionnaire"
    EVALUATOR = "evaluateur"
    JURY_MEMBER = "jury_membre"
    JURY_PRESIDENT = "jury_president"
    CANDIDATE = "candidat"
    PEDAGOGY = "pedagogie"
    PARTNER = "partenaire"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.STAFF: _("Gestionnaire"),
    Role.EVALUATOR: _("Évaluateur ou évaluatrice"),
    Role.JURY_MEMBER: _("Membre de jury"),
    Role.JURY_PRESIDENT: _("Président ou présidente de jury"),
    Role.CANDIDATE: _("Candidat ou candidate"),
    Role.PEDAGOGY: _("Direction pédagogique"),
    Role.PARTNER: _("Organisme partenaire"),
}
JURY = (Role.JURY_MEMBER, Role.JURY_PRESIDENT)

User = AbstractBaseUser | AnonymousUser


def ensure_groups() -> None:
    for role in Role:
        Group.objects.get_or_create(name=role.value)


def roles_of(user: Any) -> frozenset[Role]:
    """The roles of a user, read once per request (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached: frozenset[Role] | None = getattr(user, "_certif_roles", None)
    if cached is None:
        if user.is_superuser:
            cached = frozenset(Role)
        else:
            names = set(user.groups.values_list("name", flat=True))
            cached = frozenset(role for role in Role if role.value in names)
        user._certif_roles = cached
    return cached


def has_role(user: Any, *roles: Role) -> bool:
    return bool(roles_of(user) & set(roles))


View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def role_required(*roles: Role) -> Callable[[View], View]:
    """Anonymous visitors go to the login page; signed-in people without the role get 403."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def role_names(roles: Iterable[Role]) -> list[str]:
    return [role.label for role in roles]
