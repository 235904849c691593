"""The forms of the documents pages."""

from __future__ import annotations

import hashlib

from django import forms
from django.utils.translation import gettext_lazy as _

from certif.documents.models import Kind, is_public_id, normalise_number

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


class NumberForm(forms.Form):
    """The number of a document as printed under its QR code, typed on « /verifier/ »."""

    numero = forms.CharField(
        label=_("Numéro du document"),
        max_length=64,
        help_text=_("Tel qu'il est imprimé sous le QR code, par exemple ABCD-EFGH-IJKL-MNOP."),
    )

    def clean_numero(self) -> str:
        number = normalise_number(self.cleaned_data["numero"])
        if not is_public_id(number):
            raise forms.ValidationError(
                _(
                    "Un numéro de document compte 16 lettres et chiffres, en quatre groupes de quatre."
                )
            )
        return number
