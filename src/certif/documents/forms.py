"""The forms of the documents pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

from django import forms
from django.utils.translation import gettext_lazy as _

from certif.core.service_forms import reason_field
from certif.documents.images import JPEG_MAGIC, PNG_MAGIC, UnreadableImage, jpeg_size, png_size
from certif.documents.models import CertifierSettings, ImageFormat

MAX_SIGNATURE = 512 * 1024
# The certifier's settings a form edits as text (the signature image apart).
SETTINGS_TEXTS = (
    "legal_name",
    "address",
    "issue_place",
    "signatory_name",
    "signatory_title",
    "public_url",
)


@dataclass(frozen=True)
class SettingsValues:
    """What a form gives for the certifier's settings: its texts, and what to do with the
    signature image (replace it, remove it, or leave it)."""

    texts: dict[str, str]
    signature: bytes | None = None
    signature_format: str = ""
    remove_signature: bool = False


class ReasonForm(forms.Form):
    motif = reason_field(
        _("Conservé dans l'historique du document (au moins {count} caractères)."), rows=3
    )


def signature_format(data: bytes) -> ImageFormat:
    """PNG, JPEG or SVG, checked by content, not by the file's name; a PNG or a JPEG whose
    size cannot be read is refused here rather than when a document is printed."""
    try:
        if data.startswith(PNG_MAGIC):
            png_size(data)
            return ImageFormat.PNG
        if data.startswith(JPEG_MAGIC):
            jpeg_size(data)
            return ImageFormat.JPEG
    except UnreadableImage:
        raise forms.ValidationError(
            _("L'image de la signature est illisible (fichier tronqué ou endommagé).")
        ) from None
    try:
        root = ElementTree.fromstring(data.decode("utf-8"))
    except (UnicodeDecodeError, ElementTree.ParseError):
        root = None
    if root is not None and root.tag in ("svg", "{http://www.w3.org/2000/svg}svg"):
        return ImageFormat.SVG
    raise forms.ValidationError(_("La signature doit être une image PNG, JPEG ou SVG."))


class CertifierSettingsForm(forms.ModelForm[CertifierSettings]):
    """The certifier's identity as printed: the validation of ``services.save_certifier_settings``
    (its page), and the admin's form, which hands ``values()`` to
    ``services.update_certifier_settings``."""

    signature_file = forms.FileField(
        label=_("Image de la signature (PNG, JPEG ou SVG)"),
        required=False,
        help_text=_("Facultative ; elle est conservée dans la base de données."),
    )
    remove_signature = forms.BooleanField(
        label=_("Retirer l'image de la signature"), required=False
    )
    public_url = forms.URLField(
        label=_("Adresse publique de vérification"),
        required=False,
        assume_scheme="https",
        help_text=CertifierSettings._meta.get_field("public_url").help_text,
    )

    class Meta:
        model = CertifierSettings
        fields = list(SETTINGS_TEXTS)

    def clean_signature_file(self) -> bytes | None:
        upload = self.cleaned_data.get("signature_file")
        if upload is None:
            return None
        if upload.size > MAX_SIGNATURE:
            raise forms.ValidationError(_("L'image de la signature dépasse 512 Ko."))
        data: bytes = upload.read()
        self.cleaned_data["signature_kind"] = signature_format(data)
        return data

    def values(self) -> SettingsValues:
        texts: dict[str, Any] = {name: self.cleaned_data[name] for name in SETTINGS_TEXTS}
        return SettingsValues(
            texts=texts,
            signature=self.cleaned_data.get("signature_file") or None,
            signature_format=self.cleaned_data.get("signature_kind", ""),
            remove_signature=bool(self.cleaned_data.get("remove_signature")),
        )
