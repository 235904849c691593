"""Forms of the candidates' pages: the search, the identity, a link of interest.

The identity checks are the import's (``certif.imports.candidates``): a candidate typed
in a form and one read from a file meet the same rules.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from certif.accounts.models import ConflictKind
from certif.accounts.roles import JURY, Role
from certif.candidates.models import ACCESS_PATH_CHOICES, Candidate
from certif.candidates.services import IDENTITY_FIELDS, STATUS_LABELS, CandidateQuery
from certif.domain.referential.schema import Referential
from certif.imports.candidates import COMMUNE_CODE_PATTERN, COUNTRY_CODE_PATTERN, PHONE_PATTERN
from certif.sessions.models import ExamSession
from certif.sessions.services import parse_unit, person, status_units, unit_value

YES, NO = "oui", "non"
MAX_EXTRA_TIME = 300
EARLIEST_BIRTH_YEAR = 1900


def sessions() -> QuerySet[ExamSession]:
    return ExamSession.objects.order_by("-start_date", "-code")


class CandidateSearchForm(forms.Form):
    """The filters of the candidates list (and of a bulk enrolment)."""

    q = forms.CharField(
        label=_("Nom ou numéro"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    session = forms.ModelChoiceField(
        label=_("Session"),
        queryset=ExamSession.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("Toutes"),
    )
    voie = forms.ChoiceField(
        label=_("Voie d'accès"), choices=[("", _("Toutes")), *ACCESS_PATH_CHOICES], required=False
    )
    unite = forms.ChoiceField(label=_("Bloc ou partie"), required=False)
    statut = forms.ChoiceField(
        label=_("Statut du bloc"),
        choices=[("", _("Tous")), *STATUS_LABELS.items()],
        required=False,
    )
    certifie = forms.ChoiceField(
        label=_("Certifié"),
        choices=[("", _("Peu importe")), (YES, _("oui")), (NO, _("non"))],
        required=False,
    )

    def __init__(self, *args: Any, referential: Referential | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions()  # type: ignore[attr-defined]
        units = status_units(referential) if referential is not None else []
        self.fields["unite"].choices = [  # type: ignore[attr-defined]
            ("", _("Tous")),
            *((unit_value(unit), label) for unit, label in units),
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
        block, part = parse_unit(data.get("unite") or "")
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


_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CandidateForm(forms.ModelForm[Candidate]):
    """A new candidate: the numero, then the identity the national register needs."""

    class Meta:
        model = Candidate
        fields = ["numero", *IDENTITY_FIELDS]
        widgets = {
            "birth_date": _DATE,
            "registration_date": _DATE,
            "accommodations": forms.Textarea(attrs={"rows": 3}),
        }

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

    def clean_phone(self) -> str:
        return self._matching("phone", PHONE_PATTERN, str(_("Numéro de téléphone invalide.")))

    def clean_extra_time_percent(self) -> int:
        percent: int = self.cleaned_data["extra_time_percent"]
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


def people_with_links() -> QuerySet[AbstractBaseUser]:
    """Evaluators and jury members: the people whose links of interest matter."""
    roles = [Role.EVALUATOR.value, *(role.value for role in JURY)]
    users: QuerySet[AbstractBaseUser] = (
        get_user_model()
        .objects.filter(groups__name__in=roles, is_active=True)
        .order_by("last_name", "first_name", "username")
        .distinct()
    )
    return users


class PersonChoiceField(forms.ModelChoiceField[AbstractBaseUser]):
    def label_from_instance(self, obj: AbstractBaseUser) -> str:
        name = person(obj)
        login = obj.get_username()
        return name if name == login else f"{name} ({login})"


class ConflictForm(forms.Form):
    user = PersonChoiceField(label=_("Personne"), queryset=get_user_model().objects.none())
    kind = forms.ChoiceField(label=_("Nature du lien"), choices=ConflictKind.choices)
    note = forms.CharField(label=_("Précision"), max_length=255, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people_with_links()  # type: ignore[attr-defined]
