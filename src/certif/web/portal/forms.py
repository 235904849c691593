"""The portal's enrolment form: which session, which units, which of the partner's own
candidates. The enrolment itself is validated by the sessions' service (habilitations,
ownership)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from certif.candidates.models import Candidate
from certif.domain.units import UnitRef, enrolment_units, labelled
from certif.sessions.models import ExamSession


class PortalEnrolForm(forms.Form):
    session = forms.ModelChoiceField(
        label=_("Session"), queryset=ExamSession.objects.none(), to_field_name="code"
    )
    unites = forms.MultipleChoiceField(
        label=_("Blocs et parties"), widget=forms.CheckboxSelectMultiple
    )
    candidats = forms.ModelMultipleChoiceField(
        label=_("Candidats"),
        queryset=Candidate.objects.none(),
        to_field_name="numero",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        sessions: QuerySet[ExamSession],
        candidates: QuerySet[Candidate],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions  # type: ignore[attr-defined]
        self.fields["candidats"].queryset = candidates  # type: ignore[attr-defined]
        choices: dict[str, str] = {}
        for session in sessions:
            referential = session.referential_version.referential
            for unit, label in labelled(referential, enrolment_units(referential)):
                choices.setdefault(unit.key, label)
        self.fields["unites"].choices = list(choices.items())  # type: ignore[attr-defined]

    def units(self) -> list[tuple[str, str]]:
        return [(ref.block, ref.part) for ref in map(UnitRef.parse, self.cleaned_data["unites"])]
