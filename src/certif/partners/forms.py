"""The validation of each write verb on partners: one form per verb, used by the services
whatever the door (page, command, import, API). The identifiers are checked by the domain's
parsers (``certif.domain.partners``), so a page and a file meet the same rules and messages."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from certif.core.service_forms import reason_field
from certif.domain.partners.habilitations import (
    REASON_REQUIRED,
    Action,
    HabilitationRefused,
    Terms,
)
from certif.domain.partners.partner import PartnerRejected, check_legal_name, normalise_legal_name
from certif.domain.partners.registrations import parse_nda, parse_qualiopi_number
from certif.domain.partners.siret import IdentifierRejected, parse_siret
from certif.partners.models import (
    ACTION_CHOICES,
    NATURE_CHOICES,
    AuditStatus,
    Partner,
    PartnerAudit,
    terms_of,
)

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _parsed(text: str, parse: Callable[[str], Any]) -> str:
    if not text.strip():
        return ""
    try:
        return str(parse(text))
    except (IdentifierRejected, PartnerRejected, ValueError) as refused:
        raise forms.ValidationError(str(refused)) from None


PARTNER_FIELDS = [
    "legal_name",
    "nda",
    "address",
    "contact_name",
    "email",
    "phone",
    "qualiopi_number",
    "qualiopi_expires_on",
    "qualiopi_scope",
]


class PartnerEditForm(forms.ModelForm[Partner]):
    """A partner's identity; its SIRET stays (habilitations and files name it)."""

    revision = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # Typed with its spaces (« 11 75 39666 75 »), stored as 11 digits.
    nda = forms.CharField(
        label=_("Numéro de déclaration d'activité"), max_length=40, required=False
    )

    class Meta:
        model = Partner
        fields = PARTNER_FIELDS
        widgets = {"qualiopi_expires_on": _DATE, "address": forms.Textarea(attrs={"rows": 3})}

    def clean_legal_name(self) -> str:
        name = normalise_legal_name(self.cleaned_data.get("legal_name") or "")
        try:
            check_legal_name(name)
        except PartnerRejected as refused:
            raise forms.ValidationError(str(refused)) from None
        return name

    def clean_nda(self) -> str:
        return _parsed(self.cleaned_data.get("nda") or "", parse_nda)

    def clean_qualiopi_number(self) -> str:
        return _parsed(self.cleaned_data.get("qualiopi_number") or "", parse_qualiopi_number)


class PartnerForm(PartnerEditForm):
    """A new partner: its SIRET (Luhn-checked), then its identity."""

    # Typed with its spaces or dots (« 732 829 320 00074 »), stored as 14 digits.
    siret = forms.CharField(label=_("SIRET"), max_length=40)

    class Meta(PartnerEditForm.Meta):
        fields = ["siret", *PARTNER_FIELDS]

    def clean_siret(self) -> str:
        text = self.cleaned_data.get("siret") or ""
        return _parsed(text, lambda typed: parse_siret(typed).value)


class HabilitationForm(forms.Form):
    """A habilitation written as a draft: certification, nature, blocks, period, obligations.

    ``known_blocks`` (the référentiel's block codes of the certification, when it is loaded)
    refuses a block the référentiel does not have."""

    certification = forms.CharField(label=_("Certification (code du référentiel)"), max_length=32)
    nature = forms.ChoiceField(label=_("Nature"), choices=NATURE_CHOICES)
    blocks = forms.CharField(
        label=_("Blocs"),
        max_length=200,
        required=False,
        help_text=_("Vide pour toute la certification ; sinon les codes séparés par des espaces."),
    )
    starts_on = forms.DateField(label=_("Début"), widget=_DATE)
    ends_on = forms.DateField(label=_("Fin"), widget=_DATE)
    obligations = forms.CharField(
        label=_("Obligations"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(
        self, *args: Any, known_blocks: Callable[[str], Iterable[str] | None] | None = None,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.known_blocks = known_blocks

    def clean_blocks(self) -> str:
        text = (self.cleaned_data.get("blocks") or "").replace(",", " ")
        return " ".join(text.split())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        needed = ("certification", "nature", "starts_on", "ends_on")
        if any(cleaned.get(name) in (None, "") for name in needed):
            return cleaned
        try:
            terms = terms_of(
                cleaned["nature"],
                cleaned["certification"].strip(),
                cleaned.get("blocks", ""),
                cleaned["starts_on"],
                cleaned["ends_on"],
            )
            self._check_blocks(terms)
        except HabilitationRefused as refused:
            raise forms.ValidationError(str(refused)) from None
        cleaned["terms"] = terms
        return cleaned

    def _check_blocks(self, terms: Terms) -> None:
        known = self.known_blocks(terms.scope.certification) if self.known_blocks else None
        if known is not None:
            terms.scope.check_blocks_exist(known)


class HabilitationChangeForm(forms.Form):
    """A change of state: which, from which day, and why (every change but the activation
    states its reason)."""

    action = forms.ChoiceField(label=_("Changement"), choices=ACTION_CHOICES)
    effective_on = forms.DateField(label=_("Date d'effet"), widget=_DATE)
    reason = forms.CharField(
        label=_("Motif"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        action = cleaned.get("action")
        if action and Action(action) in REASON_REQUIRED and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Un motif est obligatoire pour ce changement."))
        return cleaned


class AmendmentForm(HabilitationForm):
    """An avenant: the new terms (the certification stays), from an effective date, with its
    reason. A draft is simply rewritten."""

    effective_on = forms.DateField(label=_("Date d'effet"), widget=_DATE)
    reason = forms.CharField(label=_("Motif"), widget=forms.Textarea(attrs={"rows": 2}))


class DiscardForm(forms.Form):
    """Why a draft habilitation is discarded: kept in the journal, which outlives it."""

    motif = reason_field(
        _("Conservé dans le journal (au moins {count} caractères)."), rows=2, max_length=500
    )


class TransmissionForm(forms.Form):
    """The day an export was sent to France compétences."""

    transmitted_on = forms.DateField(label=_("Transmise le"), widget=_DATE)

    def clean_transmitted_on(self) -> date:
        day: date = self.cleaned_data["transmitted_on"]
        if day > date.today():
            raise forms.ValidationError(_("Une transmission ne peut être datée du futur."))
        return day


class AuditForm(forms.ModelForm[PartnerAudit]):
    """A control of a partner, planned or done."""

    class Meta:
        model = PartnerAudit
        fields = ["planned_on", "status", "done_on", "auditor", "scope", "findings"]
        widgets = {
            "planned_on": _DATE,
            "done_on": _DATE,
            "scope": forms.Textarea(attrs={"rows": 2}),
            "findings": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        if cleaned.get("status") == AuditStatus.DONE and not cleaned.get("done_on"):
            self.add_error("done_on", _("Indiquez la date d'un contrôle réalisé."))
        return cleaned


class AuditActionForm(forms.Form):
    description = forms.CharField(
        label=_("Action requise"), widget=forms.Textarea(attrs={"rows": 2})
    )
    due_on = forms.DateField(label=_("Échéance"), widget=_DATE)
