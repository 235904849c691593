"""The candidate search, as the candidates' page and the API read it: who (name or numero),
where (a session, an access path) and what was decided (a block's status, certified or not)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from certif.candidates.models import ACCESS_PATH_CHOICES
from certif.core.vocabulary import status_choices
from certif.domain.referential.schema import Referential
from certif.domain.units import UnitRef, decided_units, labelled
from certif.results.queries import CandidateQuery
from certif.sessions.forms import SessionFilterField

YES, NO = "oui", "non"


class CandidateSearchForm(forms.Form):
    """The filters of the candidates list (and of a bulk enrolment)."""

    q = forms.CharField(
        label=_("Nom ou numéro"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    session = SessionFilterField()
    voie = forms.ChoiceField(
        label=_("Voie d'accès"), choices=[("", _("Toutes")), *ACCESS_PATH_CHOICES], required=False
    )
    unite = forms.ChoiceField(label=_("Bloc ou partie"), required=False)
    statut = forms.ChoiceField(
        label=_("Statut du bloc"),
        choices=[("", _("Tous")), *status_choices()],
        required=False,
    )
    certifie = forms.ChoiceField(
        label=_("Certifié"),
        choices=[("", _("Peu importe")), (YES, _("oui")), (NO, _("non"))],
        required=False,
    )

    def __init__(self, *args: Any, referential: Referential | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = labelled(referential, decided_units(referential)) if referential is not None else []
        self.fields["unite"].choices = [  # type: ignore[attr-defined]
            ("", _("Tous")),
            *((unit.key, label) for unit, label in units),
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if bool(cleaned.get("unite")) != bool(cleaned.get("statut")):
            raise forms.ValidationError(
                _("Choisissez à la fois un bloc (ou une partie) et un statut."), code="unit_status"
            )
        return cleaned

    def query(self) -> CandidateQuery:
        """The filters as a query; call after ``is_valid``."""
        data = self.cleaned_data
        block, part = UnitRef.parse(data.get("unite") or "")
        certified = {YES: True, NO: False}.get(data.get("certifie") or "")
        return CandidateQuery(
            text=(data.get("q") or "").strip(),
            session=data.get("session"),
            access_path=data.get("voie") or "",
            block=block,
            part=part,
            status=data.get("statut") or "",
            certified=certified,
        )
