"""The validation of the insertion survey's one write verb: answering (from the public form,
or from an imported row)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from certif.domain.referential.schema import TargetJob
from certif.insertion.models import (
    ContractChoice,
    SalaryBand,
    Sector,
    SituationChoice,
    WorkingTimeChoice,
)

NONE_OF_THEM = "none"
# What describes a job: kept only for a holder in employment.
JOB_FIELDS = (
    "job_title",
    "targeted_job",
    "contract",
    "working_time",
    "salary_band",
    "employer_sector",
    "works_abroad",
)
YES_NO = [("no", _("Non")), ("yes", _("Oui"))]


def _blank(choices: Any) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


class AnswerForm(forms.Form):
    """One answer. The job's questions are required of a holder in employment and ignored
    otherwise (a person who typed a job title, then chose « en recherche d'emploi », meant the
    situation)."""

    situation = forms.ChoiceField(
        label=_("Quelle est votre situation aujourd'hui ?"),
        choices=SituationChoice.choices,
        widget=forms.RadioSelect,
    )
    job_title = forms.CharField(label=_("Intitulé de votre poste"), max_length=200, required=False)
    targeted_job = forms.ChoiceField(
        label=_("Ce poste est-il l'un des métiers visés par la certification ?"), required=False
    )
    contract = forms.ChoiceField(
        label=_("Type de contrat"), choices=_blank(ContractChoice.choices), required=False
    )
    working_time = forms.ChoiceField(
        label=_("Temps de travail"), choices=_blank(WorkingTimeChoice.choices), required=False
    )
    salary_band = forms.ChoiceField(
        label=_("Rémunération annuelle brute"),
        choices=_blank(SalaryBand.choices),
        required=False,
    )
    employer_sector = forms.ChoiceField(
        label=_("Secteur d'activité de l'employeur"),
        choices=_blank(Sector.choices),
        required=False,
    )
    works_abroad = forms.ChoiceField(
        label=_("Travaillez-vous hors de France ?"),
        choices=YES_NO,
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, target_jobs: Sequence[TargetJob] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["targeted_job"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *((job.code, job.title) for job in target_jobs),
            (NONE_OF_THEM, _("Non, aucun de ces métiers")),
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("situation") != SituationChoice.EMPLOYED:
            for name in JOB_FIELDS:
                cleaned[name] = ""
            cleaned["works_abroad"] = False
            return cleaned
        required = {
            "job_title": _("Indiquez l'intitulé de votre poste."),
            "targeted_job": _("Dites si ce poste est l'un des métiers visés."),
            "contract": _("Indiquez votre type de contrat."),
            "working_time": _("Indiquez votre temps de travail."),
        }
        for name, message in required.items():
            if name not in self.errors and not cleaned.get(name):
                self.add_error(name, message)
        if cleaned.get("targeted_job") == NONE_OF_THEM:
            cleaned["targeted_job"] = ""
        cleaned["works_abroad"] = cleaned.get("works_abroad") == "yes"
        return cleaned
