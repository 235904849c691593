"""The insertion survey of holders: one survey per holder and measurement point (6 months, 2
years after the certification), and at most one answer to it.

A survey exists once it is due: the sending service opens it, with the dates it is answerable
between, and records each e-mail sent (the first one and the reminders). The answer keeps only
what France compétences' rates and tables need (docs/statistics.md, docs/rgpd.md).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from certif.candidates.models import Candidate
from certif.domain.statistics.insertion import (
    ContractType,
    MeasurementPoint,
    Situation,
    WorkingTime,
)


class Point(models.TextChoices):
    SIX_MONTHS = MeasurementPoint.SIX_MONTHS.value, _("à 6 mois")
    TWO_YEARS = MeasurementPoint.TWO_YEARS.value, _("à 2 ans")


# Months after the certification each survey is due.
POINT_MONTHS = {Point.SIX_MONTHS: 6, Point.TWO_YEARS: 24}


class SituationChoice(models.TextChoices):
    EMPLOYED = Situation.EMPLOYED.value, _("En emploi (salarié, fonctionnaire, indépendant)")
    JOB_SEEKER = Situation.JOB_SEEKER.value, _("En recherche d'emploi")
    FURTHER_STUDIES = Situation.FURTHER_STUDIES.value, _("En poursuite d'études (hors alternance)")
    UNABLE_TO_WORK = (
        Situation.UNABLE_TO_WORK.value,
        _("Dans l'impossibilité temporaire ou définitive de travailler"),
    )
    OTHER = Situation.OTHER.value, _("Autre situation (sans emploi et n'en cherchant pas)")


class ContractChoice(models.TextChoices):
    PERMANENT = ContractType.PERMANENT.value, _("CDI")
    FIXED_TERM = ContractType.FIXED_TERM.value, _("CDD")
    TEMPORARY = ContractType.TEMPORARY.value, _("Intérim")
    CIVIL_SERVANT = ContractType.CIVIL_SERVANT.value, _("Fonctionnaire")
    SELF_EMPLOYED = (
        ContractType.SELF_EMPLOYED.value,
        _("Indépendant, micro-entrepreneur, chef d'entreprise"),
    )
    WORK_STUDY = (
        ContractType.WORK_STUDY.value,
        _("Alternance (apprentissage, professionnalisation)"),
    )
    OTHER = ContractType.OTHER.value, _("Autre contrat")


class WorkingTimeChoice(models.TextChoices):
    FULL_TIME = WorkingTime.FULL_TIME.value, _("Temps plein")
    PART_TIME = WorkingTime.PART_TIME.value, _("Temps partiel")


class SalaryBand(models.TextChoices):
    """Gross annual pay, in bands: a band is enough for the tables and tells less."""

    UNDER_20K = "under_20k", _("Moins de 20 000 € bruts par an")
    FROM_20K = "20k_25k", _("De 20 000 à 24 999 €")
    FROM_25K = "25k_30k", _("De 25 000 à 29 999 €")
    FROM_30K = "30k_35k", _("De 30 000 à 34 999 €")
    FROM_35K = "35k_45k", _("De 35 000 à 44 999 €")
    FROM_45K = "45k_plus", _("45 000 € ou plus")
    UNSAID = "unsaid", _("Je préfère ne pas répondre")


class Sector(models.TextChoices):
    BANK = "bank", _("Banque")
    INSURANCE = "insurance", _("Assurance, mutuelle")
    BANK_INSURANCE = "bank_insurance", _("Bancassurance")
    BROKERAGE = "brokerage", _("Courtage, intermédiation")
    OTHER_FINANCE = "other_finance", _("Autre activité financière")
    OTHER = "other", _("Autre secteur")


class AnswerSource(models.TextChoices):
    FORM = "form", _("formulaire en ligne")
    IMPORT = "import", _("import d'un fichier")


class Survey(models.Model):
    """A holder surveyed at one measurement point; answerable until ``closes_on``."""

    candidate = models.ForeignKey(
        Candidate,
        verbose_name=_("titulaire"),
        on_delete=models.PROTECT,
        related_name="insertion_surveys",
    )
    point = models.CharField(_("enquête"), max_length=16, choices=Point.choices)
    cohort = models.PositiveSmallIntegerField(_("promotion (année de certification)"))
    certified_on = models.DateField(_("certifié le"))
    due_on = models.DateField(_("due le"))
    closes_on = models.DateField(_("close le"))
    assessed_in_france = models.BooleanField(_("évalué en France"), default=True)
    opened_at = models.DateTimeField(_("ouverte le"), auto_now_add=True)
    first_sent_at = models.DateTimeField(_("premier envoi le"), null=True, blank=True)
    last_sent_at = models.DateTimeField(_("dernier envoi le"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("relances envoyées"), default=0)

    class Meta:
        verbose_name = _("enquête d'insertion")
        verbose_name_plural = _("enquêtes d'insertion")
        ordering = ["cohort", "point", "candidate"]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "point"], name="one_survey_per_point"),
        ]
        indexes = [models.Index(fields=["cohort", "point"], name="insertion_cohort_point")]

    def __str__(self) -> str:
        return f"{self.candidate.numero} — {self.get_point_display()}"


class Answer(models.Model):
    """A holder's one answer to one survey."""

    survey = models.OneToOneField(
        Survey, verbose_name=_("enquête"), on_delete=models.CASCADE, related_name="answer"
    )
    situation = models.CharField(_("situation"), max_length=24, choices=SituationChoice.choices)
    job_title = models.CharField(_("intitulé du poste"), max_length=200, blank=True)
    targeted_job = models.CharField(
        _("métier visé occupé"),
        max_length=32,
        blank=True,
        help_text=_("Code du métier visé du référentiel ; vide si l'emploi n'en est pas un"),
    )
    contract = models.CharField(
        _("type de contrat"), max_length=24, choices=ContractChoice.choices, blank=True
    )
    working_time = models.CharField(
        _("temps de travail"), max_length=16, choices=WorkingTimeChoice.choices, blank=True
    )
    salary_band = models.CharField(
        _("rémunération"), max_length=16, choices=SalaryBand.choices, blank=True
    )
    employer_sector = models.CharField(
        _("secteur de l'employeur"), max_length=24, choices=Sector.choices, blank=True
    )
    works_abroad = models.BooleanField(_("emploi hors de France"), default=False)
    source = models.CharField(
        _("origine"), max_length=8, choices=AnswerSource.choices, default=AnswerSource.FORM
    )
    answered_at = models.DateTimeField(_("répondu le"), auto_now_add=True)

    class Meta:
        verbose_name = _("réponse à l'enquête d'insertion")
        verbose_name_plural = _("réponses à l'enquête d'insertion")
        ordering = ["survey"]

    def __str__(self) -> str:
        return str(self.survey)

    @property
    def in_targeted_job(self) -> bool:
        return self.targeted_job != ""
