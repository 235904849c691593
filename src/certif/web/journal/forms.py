"""The journal's filters: a candidate (by numero), a session, an action."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from certif.candidates.models import Candidate
from certif.journal.entries import JournalQuery, actions
from certif.sessions.forms import SessionFilterField


class JournalFilterForm(forms.Form):
    candidat = forms.CharField(label=_("Numéro du candidat"), required=False, max_length=32)
    session = SessionFilterField()
    action = forms.ChoiceField(label=_("Action"), required=False)
    du = forms.DateField(
        label=_("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    au = forms.DateField(
        label=_("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Toutes")), *actions()]  # type: ignore[attr-defined]

    def clean_candidat(self) -> Candidate | None:
        numero = self.cleaned_data["candidat"].strip()
        if not numero:
            return None
        candidate = Candidate.objects.filter(numero=numero).first()
        if candidate is None:
            raise forms.ValidationError(
                _("Candidat inconnu : %(numero)s."), params={"numero": numero}, code="unknown"
            )
        return candidate

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("du"), cleaned.get("au")
        if since and until and since > until:
            self.add_error("au", _("La fin de la période précède son début."))
        return cleaned

    def query(self) -> JournalQuery:
        data = self.cleaned_data
        return JournalQuery(
            candidate=data.get("candidat"),
            session=data.get("session"),
            action=data.get("action") or "",
            since=data.get("du"),
            until=data.get("au"),
        )
