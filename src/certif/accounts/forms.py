"""The form of the tokens page: a name and how long the token lasts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
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
