"""The forms of the deliberation pages: they parse input; services decide."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from certif.candidates.models import Candidate
from certif.core.roles import JURY
from certif.deliberations.models import JURY_STATUSES, Affiliation, MemberRole
from certif.deliberations.presenting import Column
from certif.sessions.models import ExamSession


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class OpenForm(forms.Form):
    date = forms.DateField(
        label=_("Date de la délibération"),
        widget=DateInput(),
        help_text=_("Le jour de la session ou après ; elle ne pourra être close avant cette date."),
    )
    place = forms.CharField(label=_("Lieu"), max_length=255, required=False)
    acknowledge_unfinished = forms.BooleanField(
        label=_("Ouvrir malgré les notations inachevées"),
        required=False,
        help_text=_(
            "Les unités sans feuille soumise seront proposées « en attente de notes », sans "
            "décision."
        ),
    )

    def __init__(self, *args: Any, session: ExamSession | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        end = session.end_date if session is not None else None
        self.fields["date"].initial = max(today, end) if end is not None else today


class AmendmentForm(OpenForm):
    reason = forms.CharField(
        label=_("Motif de l'acte modificatif"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Pourquoi les décisions sont revues : il figurera au procès-verbal."),
    )
    candidates = forms.CharField(
        label=_("Candidats concernés"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Numéros des candidats, séparés par des espaces, des virgules ou des lignes."),
    )

    def clean_candidates(self) -> list[Candidate]:
        numeros = [n for n in re.split(r"[\s,;]+", self.cleaned_data["candidates"]) if n]
        found = {c.numero: c for c in Candidate.objects.filter(numero__in=numeros)}
        unknown = [numero for numero in numeros if numero not in found]
        if unknown:
            raise forms.ValidationError(
                gettext("Numéro(s) inconnu(s) : %(numeros)s") % {"numeros": ", ".join(unknown)}
            )
        return list(found.values())


def jury_accounts() -> QuerySet[Any]:
    return (
        get_user_model()
        .objects.filter(groups__name__in=[role.value for role in JURY], is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        full_name = obj.get_full_name()
        return f"{full_name} ({obj.get_username()})" if full_name else obj.get_username()


class MemberForm(forms.Form):
    full_name = forms.CharField(label=_("Nom et prénom"), max_length=150)
    role = forms.ChoiceField(
        label=_("Rôle dans le jury"), choices=MemberRole.choices, initial=MemberRole.MEMBER
    )
    affiliation = forms.ChoiceField(label=_("Rattachement"), choices=Affiliation.choices)
    occupation = forms.CharField(label=_("Qualité"), max_length=255, required=False)
    user = AccountChoiceField(
        label=_("Compte (facultatif)"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("Nécessaire pour que ce membre prenne des décisions dans Certif."),
    )
    present = forms.BooleanField(label=_("Présent"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user_field = self.fields["user"]
        assert isinstance(user_field, forms.ModelChoiceField)
        user_field.queryset = jury_accounts()


class PresenceForm(forms.Form):
    present = forms.BooleanField(required=False)


class RecusalForm(forms.Form):
    candidate = forms.ModelChoiceField(queryset=Candidate.objects.all(), widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Motif"), max_length=255, required=False)


class OverrideForm(forms.Form):
    unit = forms.ChoiceField(label=_("Objet"))
    status = forms.ChoiceField(
        label=_("Décision du jury"), choices=[(s.value, s.label) for s in JURY_STATUSES]
    )
    justification = forms.CharField(
        label=_("Justification"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, columns: Sequence[Column], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ChoiceField)
        unit_field.choices = [(column.code, column.code) for column in columns]
