"""Candidates, with the identity that the parchemin and the national register need.

Field lengths follow the register's schema (Caisse des Dépôts, flux 1.1.2): names and
first names up to 60 characters, commune code 5 (INSEE) or up to 9 (postal code),
country code 3 characters.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from certif.core.codes import addressable_code
from certif.core.crypto import EncryptedTextField
from certif.core.fields import OptionalLink
from certif.core.vocabulary import choices, lazy_label
from certif.domain.codes import CODE_MAX
from certif.domain.identity import ACCESS_PATHS, NAME_MAX, SEXES, born_participle
from certif.domain.nir import Nir
from certif.domain.search import search_key

# What a candidate is found by (« guerin », « nathalie gauthier », « c000007 »).
SEARCHED_FIELDS = (
    "numero", "birth_name", "usage_name", "first_name", "second_first_name", "third_first_name",
)  # fmt: skip


class SearchKeyField(models.CharField):
    """The folded numero and names, recomputed whenever the row is written: by ``save()`` and
    by ``bulk_create()`` alike (both call ``pre_save``), so that no writer can forget it."""

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = search_key(getattr(model_instance, name) for name in SEARCHED_FIELDS)
        setattr(model_instance, self.attname, value)
        return value


ACCESS_PATH_CHOICES = choices(ACCESS_PATHS)


class Sex(models.TextChoices):
    MALE = "M", lazy_label(SEXES["M"])
    FEMALE = "F", lazy_label(SEXES["F"])


class Candidate(models.Model):
    numero = models.CharField(
        _("numéro"), max_length=CODE_MAX, unique=True, validators=[addressable_code]
    )
    birth_name = models.CharField(_("nom de naissance"), max_length=NAME_MAX)
    usage_name = models.CharField(_("nom d'usage"), max_length=NAME_MAX, blank=True)
    first_name = models.CharField(_("prénom"), max_length=NAME_MAX)
    second_first_name = models.CharField(_("deuxième prénom"), max_length=NAME_MAX, blank=True)
    third_first_name = models.CharField(_("troisième prénom"), max_length=NAME_MAX, blank=True)
    sex = models.CharField(_("sexe"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("date de naissance"))
    birth_place_code = models.CharField(
        _("code de la commune de naissance"),
        max_length=9,
        blank=True,
        help_text=_("Code INSEE (5 caractères) ou code postal"),
    )
    birth_place = models.CharField(_("commune de naissance"), max_length=NAME_MAX, blank=True)
    birth_country_code = models.CharField(_("code du pays de naissance"), max_length=3, blank=True)
    birth_country = models.CharField(_("pays de naissance"), max_length=NAME_MAX, blank=True)
    # The NIR (numéro de sécurité sociale), 15 characters with its key, checked on entry;
    # encrypted at rest, shown masked, read in clear only by a gestionnaire who asks (journalled)
    # and by the declaration to the Caisse des Dépôts.
    nir = EncryptedTextField(_("NIR"), blank=True, default="")
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=32, blank=True)
    access_path = models.CharField(
        _("voie d'accès"), max_length=64, choices=ACCESS_PATH_CHOICES, blank=True
    )
    registration_date = models.DateField(_("date d'inscription"), null=True, blank=True)
    extra_time_percent = models.PositiveSmallIntegerField(
        _("temps majoré (%)"),
        default=0,
        help_text=_("Aménagement : temps supplémentaire en pourcentage"),
    )
    accommodations = models.TextField(_("aménagements"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="candidate",
    )
    # The partner (organisme de formation habilité) that prepared the candidate, if any: its
    # habilitation to prepare governs the candidate's enrolments, its staff see the candidate.
    partner = OptionalLink("partners.Partner", _("organisme partenaire"), related_name="candidates")
    search = SearchKeyField(max_length=512, editable=False, default="")
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("candidat")
        verbose_name_plural = _("candidats")
        ordering = ["birth_name", "first_name", "numero"]
        indexes = [
            models.Index(Upper("birth_name"), name="candidate_birth_name_upper"),
            models.Index(Upper("usage_name"), name="candidate_usage_name_upper"),
        ]

    def __str__(self) -> str:
        return f"{self.numero} {self.display_name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A partial save that changes a name changes what the candidate is found by.
        fields = kwargs.get("update_fields")
        if fields is not None and set(SEARCHED_FIELDS) & set(fields):
            kwargs["update_fields"] = {*fields, "search"}
        super().save(*args, **kwargs)

    @property
    def first_names(self) -> list[str]:
        return [n for n in (self.first_name, self.second_first_name, self.third_first_name) if n]

    @property
    def display_name(self) -> str:
        """« NOM d'usage (née NOM) Prénom » as French documents write it."""
        names = " ".join(self.first_names)
        if self.usage_name and self.usage_name != self.birth_name:
            born = born_participle(self.sex)
            return f"{self.usage_name.upper()} ({born} {self.birth_name.upper()}) {names}"
        return f"{self.birth_name.upper()} {names}"


def masked_nir(value: str) -> str:
    """A stored NIR as lists, logs and the journal may show it: « 1 ** ** ** *** *** 42 »."""
    return Nir(value).masked if value else ""


# Fields a person edits; the numero identifies the candidate in every file and stays.
IDENTITY_FIELDS = (
    "birth_name",
    "usage_name",
    "first_name",
    "second_first_name",
    "third_first_name",
    "sex",
    "birth_date",
    "birth_place_code",
    "birth_place",
    "birth_country_code",
    "birth_country",
    "nir",
    "email",
    "phone",
    "access_path",
    "registration_date",
    "extra_time_percent",
    "accommodations",
)
