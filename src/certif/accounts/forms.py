"""The forms of accounts' verbs: a token (a name, how long it lasts), a link of interest,
lifting a lockout."""

from __future__ import annotations

from ipaddress import ip_address
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from certif.accounts.models import ConflictKind
from certif.accounts.people import person
from certif.accounts.tokens import DEFAULT_DAYS, MAX_DAYS, NAME_MAX
from certif.core.roles import JURY, Role


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Nom du jeton"),
        max_length=NAME_MAX,
        help_text=_("Le programme qui l'utilisera, par exemple « SI scolarité »."),
    )
    days = forms.IntegerField(
        label=_("Durée de validité (jours)"),
        min_value=1,
        max_value=MAX_DAYS,
        initial=DEFAULT_DAYS,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Translated per request: a lazy text formatted here would be frozen at import.
        self.fields["days"].help_text = gettext("De 1 à %(max)s jours.") % {"max": MAX_DAYS}


def people_with_links() -> QuerySet[AbstractBaseUser]:
    """Evaluators and jury members: the people whose links of interest matter."""
    roles = [Role.EVALUATOR.value, *(role.value for role in JURY)]
    users: QuerySet[AbstractBaseUser] = (
        get_user_model()
        .objects.filter(groups__name__in=roles, is_active=True)
        .order_by("last_name", "first_name", "username")
        .distinct()
    )
    return users


class PersonChoiceField(forms.ModelChoiceField[AbstractBaseUser]):
    def label_from_instance(self, obj: AbstractBaseUser) -> str:
        name = person(obj)
        login = obj.get_username()
        return name if name == login else f"{name} ({login})"


class ConflictForm(forms.Form):
    user = PersonChoiceField(label=_("Personne"), queryset=get_user_model().objects.none())
    kind = forms.ChoiceField(label=_("Nature du lien"), choices=ConflictKind.choices)
    note = forms.CharField(label=_("Précision"), max_length=255, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people_with_links()  # type: ignore[attr-defined]


class LockKind(models.TextChoices):
    ACCOUNT = "account", _("compte")
    ADDRESS = "address", _("adresse")


class LiftLockoutForm(forms.Form):
    """The lockout to lift: an account's login, or an address."""

    kind = forms.ChoiceField(label=_("Nature du blocage"), choices=LockKind.choices)
    value = forms.CharField(label=_("Compte ou adresse"), max_length=255)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("kind") == LockKind.ADDRESS and cleaned.get("value"):
            try:
                cleaned["value"] = str(ip_address(cleaned["value"].strip()))
            except ValueError:
                self.add_error("value", _("Adresse IP invalide."))
        return cleaned


class JournalledPasswordChangeForm(PasswordChangeForm):
    """Django's « change my password » form, saving through the service: journalled, and the
    account's API tokens revoked."""

    def save(self, commit: bool = True) -> Any:
        from certif.accounts.services import set_password

        set_password(self.user, self.cleaned_data["new_password1"], actor=self.user)
        return self.user


class JournalledSetPasswordForm(SetPasswordForm):
    """Django's « new password » form of a reset link, saving through the service."""

    def save(self, commit: bool = True) -> Any:
        from certif.accounts.services import set_password

        set_password(self.user, self.cleaned_data["new_password1"], actor=self.user)
        return self.user
