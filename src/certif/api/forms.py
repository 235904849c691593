"""The form of the tokens page: a name and how long the token lasts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from certif.api.tokens import DEFAULT_DAYS, MAX_DAYS, NAME_MAX


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
