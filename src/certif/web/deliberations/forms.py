"""The forms of the deliberation pages: they parse input; services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from certif.deliberations.presenting import ALL, FILTERS


class FilterForm(forms.Form):
    filtre = forms.ChoiceField(
        label=_("Afficher"), choices=list(FILTERS.items()), required=False, initial=ALL
    )
    q = forms.CharField(label=_("Rechercher un candidat"), max_length=100, required=False)

    def filter_key(self) -> str:
        if self.is_valid():
            return str(self.cleaned_data["filtre"] or ALL)
        return ALL

    def search(self) -> str:
        return str(self.cleaned_data.get("q") or "") if self.is_valid() else ""
