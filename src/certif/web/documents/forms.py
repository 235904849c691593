"""The forms of the documents pages."""

from __future__ import annotations

import hashlib

from django import forms
from django.utils.translation import gettext_lazy as _

from certif.documents.models import Kind

# A PDF to check against the registry; official documents weigh tens of kilobytes.
MAX_CHECKED_FILE = 20 * 1024 * 1024


class KindForm(forms.Form):
    nature = forms.ChoiceField(label=_("Nature des documents"), choices=Kind.choices)

    def kind(self) -> Kind:
        return Kind(self.cleaned_data["nature"])


class CheckFileForm(forms.Form):
    fichier = forms.FileField(
        label=_("Fichier PDF à comparer"),
        help_text=_("Le fichier n'est pas conservé : seule son empreinte est calculée."),
    )

    def clean_fichier(self) -> str:
        upload = self.cleaned_data["fichier"]
        if upload.size > MAX_CHECKED_FILE:
            raise forms.ValidationError(_("Ce fichier est trop volumineux pour être un document."))
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        return digest.hexdigest()
