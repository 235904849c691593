"""The declaration's inputs: its settings, a correction request, a report to import."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from certif.declarations.models import CdcSettings

SETTINGS_FIELDS = ("emitter_id", "certifier_id", "contract_id", "schema", "max_passages")


class CdcSettingsForm(forms.ModelForm[CdcSettings]):
    class Meta:
        model = CdcSettings
        fields = list(SETTINGS_FIELDS)


class CorrectionForm(forms.Form):
    technical_id = forms.CharField(label=_("Identifiant technique du passage"), max_length=255)
    received_on = forms.DateField(
        label=_("Reçue le"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    subject = forms.CharField(
        label=_("Objet de la demande"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class ReportForm(forms.Form):
    report = forms.FileField(label=_("Rapport de traitement (XML)"))
