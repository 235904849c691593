"""Forms of the candidates' pages: the search, the identity, a link of interest.

The identity checks are the import's (``certif.imports.candidates``): a candidate typed
in a form and one read from a file meet the same rules.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from certif.candidates.models import IDENTITY_FIELDS, Candidate
from certif.domain.identity import COMMUNE_CODE_PATTERN, COUNTRY_CODE_PATTERN, PHONE_PATTERN
from certif.domain.nir import Nir, NirRejected, parse_nir

MAX_EXTRA_TIME = 300
EARLIEST_BIRTH_YEAR = 1900


_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CandidateForm(forms.ModelForm[Candidate]):
    """A new candidate: the numero, then the identity the national register needs."""

    class Meta:
        model = Candidate
        fields = ["numero", *IDENTITY_FIELDS]
        widgets = {
            "nir": forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            "birth_date": _DATE,
            "registration_date": _DATE,
            "accommodations": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Left out by a program or a file: no extra time.
        self.fields["extra_time_percent"].required = False

    def clean_birth_date(self) -> date:
        born: date = self.cleaned_data["birth_date"]
        if born > date.today() or born.year < EARLIEST_BIRTH_YEAR:
            raise forms.ValidationError(_("Date de naissance invraisemblable."), code="birth_date")
        return born

    def _matching(self, name: str, pattern: str, message: str) -> str:
        value: str = (self.cleaned_data.get(name) or "").strip()
        if value and not re.match(pattern, value):
            raise forms.ValidationError(message, code=name)
        return value

    def clean_birth_place_code(self) -> str:
        return self._matching(
            "birth_place_code",
            COMMUNE_CODE_PATTERN,
            str(_("Code INSEE (5 caractères) ou code postal (9 au plus).")),
        ).upper()

    def clean_birth_country_code(self) -> str:
        return self._matching(
            "birth_country_code", COUNTRY_CODE_PATTERN, str(_("Code INSEE du pays : 3 chiffres."))
        )

    def clean_nir(self) -> str:
        """15 characters with a valid key, as typed (spaces, dots and dashes allowed), stored
        compact; a NIR that contradicts the recorded sex or birth date is refused too."""
        typed: str = (self.cleaned_data.get("nir") or "").strip()
        if not typed:
            return ""
        try:
            nir = parse_nir(typed)
        except NirRejected as refused:
            raise forms.ValidationError(str(refused), code="nir") from None
        return nir.value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        nir = cleaned.get("nir")
        if nir:
            contradictions = Nir(nir).disagreements(
                cleaned.get("birth_date"), cleaned.get("sex") or ""
            )
            if contradictions:
                self.add_error("nir", "; ".join(contradictions).capitalize() + ".")
        return cleaned

    def clean_phone(self) -> str:
        return self._matching("phone", PHONE_PATTERN, str(_("Numéro de téléphone invalide.")))

    def clean_extra_time_percent(self) -> int:
        # Not given: no extra time.
        percent: int = self.cleaned_data["extra_time_percent"] or 0
        if percent > MAX_EXTRA_TIME:
            raise forms.ValidationError(
                _("Au plus %(max)s %%."), params={"max": MAX_EXTRA_TIME}, code="extra_time"
            )
        return percent


class CandidateEditForm(CandidateForm):
    """The identity of an existing candidate; the numero stays (files refer to it)."""

    class Meta(CandidateForm.Meta):
        fields = list(IDENTITY_FIELDS)

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in IDENTITY_FIELDS}
