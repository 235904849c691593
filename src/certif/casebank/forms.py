"""The validation of each write verb of the bank of cases, used headlessly by the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from certif.casebank.models import REFERENCE_MAX, Case
from certif.core.service_forms import optional_text, reason_field

TEXT_MAX = 100_000
NEEDS_CONTENT = _("Donnez le contenu du cas : un texte, un PDF, ou les deux.")


class ContentForm(forms.Form):
    """A version's content: the text the candidate is given and/or a PDF (checked apart), the
    client's script for a role play's scenario, and what changed."""

    text = optional_text(_("Texte remis au candidat"), rows=10, max_length=TEXT_MAX)
    client_script = optional_text(
        _("Script de la personne qui joue le client"),
        rows=6,
        max_length=TEXT_MAX,
        help_text=_("Pour un jeu de rôle : jamais montré au candidat."),
    )
    note = forms.CharField(label=_("Ce qui change"), required=False, max_length=255)

    def __init__(self, *args: Any, has_attachment: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.has_attachment = has_attachment

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not (cleaned.get("text") or "").strip() and not self.has_attachment:
            raise forms.ValidationError(NEEDS_CONTENT)
        return cleaned


class CaseForm(ContentForm):
    """A new case: where it is filed, its reference and title, and its first version."""

    slot = forms.ChoiceField(label=_("Épreuve"))
    reference = forms.RegexField(
        label=_("Référence"),
        max_length=REFERENCE_MAX,
        regex=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
        help_text=_("Par exemple B3-PME-004 : lettres, chiffres, « . », « _ » et « - »"),
        error_messages={"invalid": _("Lettres, chiffres, « . », « _ » et « - » seulement.")},
    )
    title = forms.CharField(label=_("Titre"), max_length=200)
    field_order = ["slot", "reference", "title", "text", "client_script", "note"]

    def __init__(
        self, *args: Any, slots: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        slot = self.fields["slot"]
        assert isinstance(slot, forms.ChoiceField)
        slot.choices = slots or []

    def clean_reference(self) -> str:
        reference: str = self.cleaned_data["reference"]
        if Case.objects.filter(reference__iexact=reference).exists():
            raise forms.ValidationError(_("Un cas porte déjà cette référence."))
        return reference


class ReasonForm(forms.Form):
    reason = reason_field(
        _("Conservé dans l'historique du cas (au moins {count} caractères)."),
        rows=3,
        max_length=1000,
    )
