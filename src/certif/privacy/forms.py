"""The validation of the anonymisation: the numero typed again, and why."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from certif.core.audit import MIN_REASON


class AnonymiseForm(forms.Form):
    confirmation = forms.CharField(
        label=_("numéro du candidat, pour confirmer"),
        help_text=_("L'anonymisation est définitive : retapez le numéro du candidat."),
    )
    reason = forms.CharField(
        label=_("motif"),
        min_length=MIN_REASON,
        help_text=_("Par exemple : demande d'effacement reçue le 3 mars 2026."),
    )

    def __init__(self, *args: Any, numero: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.numero = numero

    def clean_confirmation(self) -> str:
        typed = self.cleaned_data["confirmation"].strip()
        if typed != self.numero:
            raise forms.ValidationError(
                _("Le numéro retapé n'est pas celui du candidat : rien n'a été anonymisé.")
            )
        return typed
