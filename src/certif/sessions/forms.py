"""Forms of the sessions' pages: a session, a bulk enrolment, assignments."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from certif.accounts.forms import PersonChoiceField
from certif.candidates.models import Candidate
from certif.core.roles import Role
from certif.core.service_forms import reason_field
from certif.domain.referential.schema import Referential
from certif.domain.units import (
    KEY_SEPARATOR,
    MODALITY_SEPARATOR,
    SittingRef,
    UnitRef,
    enrolment_units,
    labelled,
)
from certif.partners.models import Partner
from certif.partners.queries import evaluates_on
from certif.referential.models import ReferentialVersion
from certif.referential.services import current_version
from certif.sessions.models import SESSION_FIELDS, ExamSession
from certif.sessions.timetable import ROOM_MAX, Slot, TimetableRow

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MARKER_CHOICES = [
    (1, _("1 — correcteur principal")),
    (2, _("2 — second correcteur (double correction)")),
]


class SessionFilterField(forms.ModelChoiceField[ExamSession]):
    """A list's filter on one session, named by its code, the latest first; empty: all of them."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            queryset=ExamSession.objects.order_by("-start_date", "-code"),
            to_field_name="code",
            required=False,
            label=_("Session"),
            empty_label=_("Toutes"),
            **kwargs,
        )


class VersionChoiceField(forms.ModelChoiceField[ReferentialVersion]):
    def label_from_instance(self, obj: ReferentialVersion) -> str:
        return f"{obj.code} v{obj.number} — {obj.label}"


class SessionForm(forms.ModelForm[ExamSession]):
    referential_version = VersionChoiceField(
        label=_("Version du référentiel"),
        queryset=ReferentialVersion.objects.defer("document", "source_text").order_by(
            "code", "-number"
        ),
        empty_label=None,
    )

    partner = forms.ModelChoiceField(
        label=_("Déléguée à l'organisme"),
        queryset=Partner.objects.order_by("legal_name"),
        to_field_name="siret",
        required=False,
        help_text=_("Un organisme habilité à évaluer à la date de début ; ses évaluateurs notent."),
    )

    class Meta:
        model = ExamSession
        fields = list(SESSION_FIELDS)
        widgets = {"start_date": _DATE, "end_date": _DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.fields["referential_version"].initial = current_version()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("La date de fin précède la date de début."))
        partner, version = cleaned.get("partner"), cleaned.get("referential_version")
        if partner is not None and version is not None:
            day = start or date.today()
            if not evaluates_on(partner, version.code, day):
                self.add_error(
                    "partner",
                    _("%(name)s n'a pas d'habilitation à évaluer %(code)s en vigueur le %(day)s.")
                    % {"name": partner.legal_name, "code": version.code, "day": f"{day:%d/%m/%Y}"},
                )
        return cleaned

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in SESSION_FIELDS}


def _unit_choices(referential: Referential) -> list[tuple[str, str]]:
    return [
        (unit.key, label) for unit, label in labelled(referential, enrolment_units(referential))
    ]


def evaluators() -> QuerySet[AbstractBaseUser]:
    users: QuerySet[AbstractBaseUser] = (
        get_user_model()
        .objects.filter(groups__name=Role.EVALUATOR.value, is_active=True)
        .order_by("last_name", "first_name", "username")
        .distinct()
    )
    return users


class _AssignmentFields(forms.Form):
    unite = forms.ChoiceField(label=_("Bloc ou partie"))
    evaluateur = PersonChoiceField(
        label=_("Évaluateur"), queryset=get_user_model().objects.none(), to_field_name="username"
    )
    correcteur = forms.TypedChoiceField(
        label=_("Correcteur"), choices=MARKER_CHOICES, coerce=int, initial=1
    )

    def __init__(self, *args: Any, session: ExamSession, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unite"].choices = _unit_choices(  # type: ignore[attr-defined]
            session.referential_version.referential
        )
        self.fields["evaluateur"].queryset = evaluators()  # type: ignore[attr-defined]

    def unit(self) -> UnitRef:
        return UnitRef.parse(self.cleaned_data["unite"])


class AssignForm(_AssignmentFields):
    """One candidate's unit to one evaluator."""

    candidat = forms.CharField(label=_("Numéro du candidat"), max_length=32)
    field_order = ["candidat", "unite", "evaluateur", "correcteur"]

    def clean_candidat(self) -> Candidate:
        numero = self.cleaned_data["candidat"].strip()
        # Numeros are typed as they come: « c000007 » is C000007.
        candidate = Candidate.objects.filter(numero__iexact=numero).first()
        if candidate is None:
            raise forms.ValidationError(
                _("Candidat inconnu : %(numero)s."), params={"numero": numero}, code="unknown"
            )
        return candidate


class BulkAssignForm(_AssignmentFields):
    """Every candidate enrolled in a unit to one evaluator."""

    sans_correcteur = forms.BooleanField(
        label=_("Seulement les candidats qui n'ont pas encore ce correcteur"),
        required=False,
        initial=True,
    )


class TimetableForm(forms.Form):
    """One line per épreuve of the session: a day, a time and a room, all three optional, the
    day and time together. The fingerprint read with the page guards against overwriting a
    timetable someone else changed meanwhile."""

    fingerprint = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, rows: Sequence[TimetableRow], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = list(rows)
        for row in self.rows:
            prefix = _field_prefix(row.sitting)
            starts = timezone.localtime(row.slot.starts_at) if row.slot is not None else None
            self.fields[f"{prefix}-jour"] = forms.DateField(
                label=format_lazy(_("Jour de l'épreuve {unit}"), unit=row.label),
                required=False,
                initial=starts.date() if starts is not None else None,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )
            self.fields[f"{prefix}-heure"] = forms.TimeField(
                label=format_lazy(_("Heure de début de l'épreuve {unit}"), unit=row.label),
                required=False,
                initial=starts.time() if starts is not None else None,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            )
            self.fields[f"{prefix}-salle"] = forms.CharField(
                label=format_lazy(_("Salle ou adresse de l'épreuve {unit}"), unit=row.label),
                required=False,
                max_length=ROOM_MAX,
                initial=row.slot.room if row.slot is not None else "",
            )

    def lines(self) -> list[tuple[TimetableRow, list[forms.BoundField]]]:
        """Each épreuve with its three fields, for the page's table."""
        return [
            (
                row,
                [
                    self[f"{_field_prefix(row.sitting)}-{name}"]
                    for name in ("jour", "heure", "salle")
                ],
            )
            for row in self.rows
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for row in self.rows:
            prefix = _field_prefix(row.sitting)
            day, time = cleaned.get(f"{prefix}-jour"), cleaned.get(f"{prefix}-heure")
            room = (cleaned.get(f"{prefix}-salle") or "").strip()
            if day is None and (time is not None or room):
                self.add_error(
                    f"{prefix}-jour", _("Indiquez le jour de l'épreuve, ou videz toute la ligne.")
                )
            elif day is not None and time is None and f"{prefix}-heure" not in self.errors:
                self.add_error(f"{prefix}-heure", _("Indiquez l'heure de début de l'épreuve."))
        return cleaned

    def slots(self) -> dict[SittingRef, Slot]:
        slots = {}
        for row in self.rows:
            prefix = _field_prefix(row.sitting)
            day = self.cleaned_data.get(f"{prefix}-jour")
            time = self.cleaned_data.get(f"{prefix}-heure")
            if day is None or time is None:
                continue
            starts = timezone.make_aware(datetime.combine(day, time))
            slots[row.sitting] = Slot(starts, self.cleaned_data.get(f"{prefix}-salle") or "")
        return slots


def _field_prefix(sitting: SittingRef) -> str:
    return sitting.key.replace(KEY_SEPARATOR, "-").replace(MODALITY_SEPARATOR, "-")


class RemovalForm(forms.Form):
    """Why a session or an enrolment is removed: kept in the journal, which outlives them."""

    motif = reason_field(
        _("Conservé dans le journal (au moins {count} caractères)."), rows=2, max_length=500
    )
